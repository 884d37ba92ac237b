/**
 * Builds the KernelView of the current moment: a read-only projection of the
 * kernel's state for the views.
 */
import type { Kernel } from '../kernel';
import { formatFrame, sameCode, VMLINUX } from '../world/code';
import { patchEnabled } from '../machines/patch.machine';
import { SIGNALS_TIMEOUT } from '../machines/transition.machine';
import { USEC_PER_SEC } from '../world/events';
import { klpSwitchBlocker } from '../livepatch/task-switch';
import { klp_ftrace_handler } from '../livepatch/patch';
import { attrNames } from '../fs/livepatch-attrs';
import { stackOrder } from '../livepatch/core';
import { patchFreed } from '../livepatch/freed';
import { formatParam } from '../module/params';
import { moduleRefcnt, moduleState } from '../module/types';
import type { Task } from '../world/tasks';
import type { KernelView, PatchView, SysfsEntry, TaskView } from './types';
import { lookup } from '../fs/vfs';
import { modeString } from '../fs/node';
import { KernelOops } from '../world/oops';

/** Walks the real file system, so the tree shown is the one `ls` and `cat` see. */
function sysfsEntry(k: Kernel, path: string, depth: number): SysfsEntry | null {
  const node = lookup(k, path);
  if (!node) return null;
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (node.kind === 'dir') {
    const children = depth > 0 ? node.list().map((c) => sysfsEntry(k, `${path}/${c}`, depth - 1)).filter((e): e is SysfsEntry => e !== null) : [];
    return { path, name, kind: 'dir', mode: modeString(node), children };
  }
  const entry: SysfsEntry = { path, name, kind: 'file', mode: modeString(node) };
  if (node.read && node.mode & 0o444) {
    try {
      const v = node.read();
      if (typeof v === 'string') entry.value = v.replace(/\n$/, '');
    } catch (e) {
      // A file over memory rmmod -f freed: reading it would Oops the reader; the view shows no value.
      if (!(e instanceof KernelOops)) throw e;
    }
  }
  return entry;
}

function patchView(k: Kernel, p: Kernel['klp']['all'][number]): PatchView {
  const state = String(p.machine.value);
  return {
    name: p.mod.name,
    state,
    enabled: patchEnabled(state),
    transition: k.klpTransitionPatch() === p,
    replace: p.machine.context.replace,
    forced: p.machine.context.forced,
    listed: p.listed,
    stackOrder: stackOrder(k, p),
    ...(p.machine.machine.id === 'registeredPatch' ? { registered: true } : {}),
    sysfs: p.kobj.inSysfs,
    kobjRefs: p.kobj.refcount,
    freeWorkPending: p.freeWorkPending,
    memoryFreed: patchFreed(p),
    objects: p.objs.map((o) => ({
      name: o.name ?? VMLINUX,
      loaded: o.name === null || o.mod !== null,
      patched: o.patched,
      dynamic: o.dynamic,
      sysfs: o.kobj.inSysfs,
      kobjRefs: o.kobj.refcount,
      funcs: o.funcs.map((f) => ({
        oldName: f.oldName,
        newName: f.newName,
        sympos: f.sympos,
        nop: f.nop,
        patched: f.patched,
        transition: f.transition,
        sysfs: f.kobj.inSysfs,
        kobjRefs: f.kobj.refcount,
      })),
    })),
    states: p.states.map((s) => ({ id: s.id, version: s.version })),
  };
}

/**
 * The function whose old code a task still runs: a frame (innermost first)
 * whose code is not what klp_ftrace_handler() would pick for the task now.
 * Each frame runs what the handler picked when the task entered it, and
 * klp_check_stack() refuses to switch a task while such a frame is on its
 * stack, so only a forced switch leaves one behind; it goes when the task
 * returns from that function (or enters it again).
 */
function oldCode(k: Kernel, t: Task): string | null {
  for (let i = t.chain.length - 1; i >= 0; i--) {
    const call = t.calls[i];
    const ran = t.chain[i];
    if (call && ran && !sameCode(klp_ftrace_handler(k, t, call), ran)) return call.fn;
  }
  return null;
}

function taskView(k: Kernel, t: Task): TaskView {
  const running = k.taskCurr(t);
  // The transition's own answer (klpSwitchBlocker), so the picture says what the next try will do.
  const why = k.transitionRunning() && t.patchState !== k.klpTargetState() ? klpSwitchBlocker(k, t) : null;
  const blocker: TaskView['blocker'] = why?.why ?? null;
  const blockedBy = why?.why === 'sleeping' ? why.func : null;
  return {
    pid: t.pid,
    comm: t.comm,
    kind: t.kind,
    cpu: t.cpu,
    state: t.state,
    running,
    patchState: t.patchState,
    pending: t.pending,
    notifySignal: t.notifySignal,
    behavior: t.behavior.type,
    stack: [...t.chain].reverse().map(formatFrame),
    blockedBy,
    blocker,
    oldCode: oldCode(k, t),
    ...(t.sleepsForever ? { sleepsForever: t.sleepsForever } : {}),
  };
}

export function snapshot(k: Kernel): KernelView {
  const tr = k.klp.transition;
  const retry = k.klp.retry && !k.klp.retry.cancelled ? k.klp.retry.at : null;
  let nextSignalAt: number | null = null;
  if (retry !== null && k.profile.autoSignals) {
    // The queued retry runs with the counter as it is now; signals go out when it is a multiple of 15.
    const cnt = tr.context.signals;
    const ahead = cnt > 0 && cnt % SIGNALS_TIMEOUT === 0 ? 0 : SIGNALS_TIMEOUT - (cnt % SIGNALS_TIMEOUT);
    nextSignalAt = retry + ahead * USEC_PER_SEC;
  }
  const pinned = new Set<string>();
  for (const m of k.modules.values()) if (m.spec.livepatch && !m.patch && moduleRefcnt(m) > 0) pinned.add(m.name);
  return {
    time: k.now,
    transition: {
      state: String(tr.value),
      patch: tr.context.patch,
      target: tr.context.target,
      signals: tr.context.signals,
      nextRetryAt: retry,
      nextSignalAt,
      names: k.profile.stateNames,
    },
    patches: [...k.klp.patches, ...k.klp.all.filter((p) => !p.listed)].map((p) => patchView(k, p)),
    funcStacks: [...k.klp.ops.values()].map((ops) => ({
      key: `${ops.oldFunc.obj}:${ops.oldFunc.fn}`,
      obj: ops.oldFunc.obj,
      fn: ops.oldFunc.fn,
      entries: ops.funcStack.map((f) => ({
        patch: f.object.patch.mod.name,
        newFunc: f.nop ? ops.oldFunc.fn : (f.newName ?? ''),
        nop: f.nop,
        transition: f.transition,
      })),
    })),
    tasks: [...k.cpus.map((c) => c.idle), ...k.tasks].map((t) => taskView(k, t)),
    modules: [...k.modules.values()]
      .sort((a, b) => a.loadSeq - b.loadSeq)
      .map((m) => ({
        name: m.name,
        state: moduleState(m),
        refcnt: moduleRefcnt(m),
        livepatch: m.spec.livepatch,
        params: (m.spec.params ?? []).map((p) => ({ name: p.name, value: formatParam(p, m.params[p.name]!).trim(), mode: p.mode })),
        patch: m.patch?.mod.name ?? null,
        pinnedForever: pinned.has(m.name),
      })),
    work: k.queue.pending().map((e) => ({ label: e.label, at: e.at, kind: e.kind })),
    shadow: k.shadow.vars.map((s) => ({ obj: s.obj, id: s.id, data: s.data, owner: s.owner, objFreed: k.freed.has(s.obj) })),
    ftraceEnabled: k.ftrace.enabled,
    kernel: {
      release: k.profile.release,
      registerApi: k.profile.registerApi,
      autoSignals: k.profile.autoSignals,
      patchFiles: attrNames('patch', k.profile.release),
      ...(k.profile.forcedFlagGlobal ? { klpForced: k.klp.forced } : {}),
    },
    cmdline: k.cmdline,
    sysfs: [
      sysfsEntry(k, '/sys/kernel/livepatch', 4),
      ...[...k.modules.keys()].sort().map((m) => sysfsEntry(k, `/sys/module/${m}`, 2)),
    ].filter((e): e is SysfsEntry => e !== null),
  };
}
