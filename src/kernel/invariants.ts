/**
 * The invariants of ../shared/livepatch/semantics.md §7, as checkers that
 * return what is violated, so a property test (or a debugging session) can
 * say exactly which rule broke: checkInvariants() for what holds between
 * kernel events, watchInvariants() for the rules over time (the consistency
 * model: when a task may switch, which code it runs, and the order of
 * callbacks and of the free path), which it checks as each step happens.
 */
import type { Kernel } from './kernel';
import { KLP_TRANSITION_IDLE, KLP_TRANSITION_PATCHED, KLP_TRANSITION_UNPATCHED, type KlpState } from './machines/transition.machine';
import { moduleRefcnt, moduleState, type LoadedModule } from './module/types';
import { lookup } from './fs/vfs';
import { sysfsModules } from './fs/sysfs-module';
import { hasTaint, TAINT_FORCED_RMMOD } from './world/taint';
import { codeKey, formatFrame, sameCode, type CodeRef } from './world/code';
import type { Task } from './world/tasks';
import type { CallbackKind, KlpTrace, SwitchSite } from './livepatch/trace';
import type { KlpObject, KlpPatch } from './livepatch/types';
import { klp_is_object_loaded } from './livepatch/callbacks';

/** Patch states a patch may rest in between events. */
const RESTING = new Set(['patching', 'enabled', 'unpatching', 'disabled', 'failed', 'refused', 'freed', 'registered']);

/** Before 5.1 a patch holds its module's reference only from enabling to the end of its unpatching. */
const HOLDS_REFERENCE = new Set(['enabling', 'patching', 'enabled', 'unpatching']);

export function checkInvariants(k: Kernel): string[] {
  const v: string[] = [];
  const tr = k.klp.transition;
  const transitionPatch = k.klpTransitionPatch();
  const target = k.klpTargetState();
  const everyTask = [...k.tasks, ...k.cpus.map((c) => c.idle)];

  // 1. At most one patch is in transition, and it is klp_transition_patch.
  const inTransition = k.klp.all.filter((p) => p.machine.value === 'patching' || p.machine.value === 'unpatching');
  if (inTransition.length > 1) v.push(`${inTransition.length} patches in transition`);
  if (inTransition.length === 1 && inTransition[0] !== transitionPatch) v.push('a patch in transition is not klp_transition_patch');
  if (transitionPatch && !inTransition.includes(transitionPatch)) v.push('klp_transition_patch is not in a transition state');
  for (const p of k.klp.all) if (!RESTING.has(String(p.machine.value))) v.push(`patch ${p.mod.name} rests in ${String(p.machine.value)}`);

  // 2. klp_target_state is KLP_TRANSITION_IDLE exactly when no patch is in transition.
  if ((target === KLP_TRANSITION_IDLE) !== (transitionPatch === null)) v.push('klp_target_state and klp_transition_patch disagree');
  if (tr.value !== 'idle' && tr.value !== 'running') v.push(`transition machine rests in ${String(tr.value)}`);

  // 3./4./5. Each task is in exactly one universe; pending means not yet switched.
  for (const t of everyTask) {
    if (transitionPatch === null) {
      if (t.patchState !== KLP_TRANSITION_IDLE || t.pending) v.push(`${t.comm}:${t.pid} has patch state ${t.patchState} outside a transition`);
    } else {
      if (t.patchState === KLP_TRANSITION_IDLE) v.push(`${t.comm}:${t.pid} has no universe during a transition`);
      if (t.pending !== (t.patchState !== target)) v.push(`${t.comm}:${t.pid} pending=${t.pending} but patch_state=${t.patchState}, target ${target}`);
    }
  }

  // 11. klp_patches holds enabled patches and the transition patch only (before 5.1 also the registered, disabled ones).
  for (const p of k.klp.patches) {
    const s = p.machine.value;
    if (s !== 'enabled' && s !== 'patching' && s !== 'unpatching' && !(s === 'registered' && k.profile.registerApi))
      v.push(`disabled patch ${p.mod.name} (${String(s)}) on klp_patches`);
  }

  // 14. A livepatch module is pinned while its patch exists; refcounts never go negative.
  // Only `rmmod -f` (CONFIG_MODULE_FORCE_UNLOAD) breaks this, on purpose: it frees the module under
  // its patch, taints the kernel R, and what touches the patch next Oopses. A deliberately broken
  // kernel, which the checker names as such.
  for (const p of k.klp.all) {
    if (moduleState(p.mod) === 'gone' || !k.modules.has(p.mod.name)) {
      const forced = hasTaint(k.tainted, TAINT_FORCED_RMMOD) ? ': rmmod -f freed it under its patch (taint R), a deliberately broken kernel' : '';
      v.push(`patch ${p.mod.name} outlived its module${forced}`);
    }
    const holds = !k.profile.registerApi || HOLDS_REFERENCE.has(String(p.machine.value));
    if (holds && moduleRefcnt(p.mod) < 1) v.push(`module ${p.mod.name} not pinned by its patch`);
  }
  for (const m of k.modules.values()) if (moduleRefcnt(m) < 0) v.push(`module ${m.name} refcnt ${moduleRefcnt(m)}`);

  // Functions: in transition exactly while their patch is the transition patch; stacks consistent.
  for (const p of k.klp.all) {
    for (const o of p.objs) {
      if (o.patched && o.name !== null && !o.mod) v.push(`${p.mod.name}/${o.name} patched but not loaded`);
      for (const f of o.funcs) {
        if (f.transition !== (p === transitionPatch)) v.push(`${p.mod.name}/${f.oldName} transition=${f.transition}`);
        const onStack = f.oldFunc ? k.klp.ops.get(`${f.oldFunc.obj}:${f.oldFunc.fn}`)?.funcStack.includes(f) ?? false : false;
        if (f.patched !== onStack) v.push(`${p.mod.name}/${f.oldName} patched=${f.patched} but on stack=${onStack}`);
      }
    }
  }
  for (const [key, ops] of k.klp.ops) if (ops.funcStack.length === 0) v.push(`empty func_stack for ${key}`);

  // Sysfs entries exist exactly when their objects do.
  const dir = lookup(k, '/sys/kernel/livepatch');
  const listed = dir?.kind === 'dir' ? dir.list().sort() : [];
  const expected = k.klp.all.filter((p) => p.kobj.inSysfs).map((p) => p.mod.name).sort();
  if (listed.join() !== expected.join()) v.push(`/sys/kernel/livepatch lists [${listed}] for patches [${expected}]`);
  for (const p of k.klp.patches) {
    if (!p.kobj.inSysfs) v.push(`listed patch ${p.mod.name} has no sysfs directory`);
    for (const o of p.objs) if (!lookup(k, `/sys/kernel/livepatch/${p.mod.name}/${o.kobj.name}`)) v.push(`${p.mod.name}/${o.kobj.name} has no sysfs directory`);
  }
  const mods = lookup(k, '/sys/module');
  const modList = mods?.kind === 'dir' ? mods.list().sort() : [];
  const loaded = sysfsModules(k).map((m) => m.name).sort();
  if (modList.join() !== loaded.join()) v.push(`/sys/module lists [${modList}] for modules [${loaded}]`);
  return v;
}

// ------------------------------------------------------------ rules over time

const everyTask = (k: Kernel): Task[] => [...k.tasks, ...k.cpus.map((c) => c.idle)];
const who = (t: Task) => `${t.comm}:${t.pid}`;
const universe = (s: KlpState) => (s === KLP_TRANSITION_PATCHED ? 'patched' : s === KLP_TRANSITION_UNPATCHED ? 'unpatched' : 'no transition');
const objLabel = (o: KlpObject) => `${o.patch.mod.name}/${o.name ?? 'vmlinux'}`;

/**
 * §7.8, written from the rule rather than from klp_ftrace_handler(): the code
 * a call runs in a universe is the newest func on the function's func_stack
 * that the universe holds (a func in transition belongs to the patched
 * universe only), its new code, or the original when there is none or it is
 * a nop.
 */
export function universeCode(k: Kernel, state: KlpState, call: CodeRef): CodeRef {
  const func = k.klp.ops.get(codeKey(call))?.funcStack.find((f) => !f.transition || state === KLP_TRANSITION_PATCHED);
  return func && !func.nop && func.newFunc ? func.newFunc : call;
}

/** The code a task leaving its universe for the target must not hold on its stack: what the transition changes for it. */
function changedCode(k: Kernel, task: Task): { fn: string; code: CodeRef }[] {
  const patch = k.klpTransitionPatch();
  const out: { fn: string; code: CodeRef }[] = [];
  for (const f of patch?.objs.flatMap((o) => o.funcs) ?? []) {
    if (!f.oldFunc) continue;
    const from = universeCode(k, task.patchState, f.oldFunc);
    if (!sameCode(from, universeCode(k, k.klpTargetState(), f.oldFunc))) out.push({ fn: f.oldName, code: from });
  }
  return out;
}

export interface InvariantWatch {
  /** Every invariant: checkInvariants(), the state rules that need the past, and what broke since the last check. */
  check(): string[];
  /** Stops watching. */
  stop(): void;
}

/**
 * Watches a kernel from now on: each step the livepatch core reports
 * (livepatch/trace.ts) is checked as it happens, against the kernel as it is
 * at that moment. Attach it before the first command, in mainline's default
 * config (`rmmod -f` breaks the kernel on purpose, see checkInvariants()).
 */
export function watchInvariants(k: Kernel): InvariantWatch {
  const broken: string[] = [];
  /** each task's universe as last seen: it may change only by a reported switch (§7.4) */
  const known = new WeakMap<Task, KlpState>();
  /** tasks a forced switch left running code of their old universe (§2.7: "the consistency model could be broken") */
  const forcedStale = new WeakSet<Task>();
  /** modules of patches that were ever marked forced: they keep their reference for good (§7.14) */
  const pinned = new Set<LoadedModule>();
  const putOnce = new WeakSet<KlpPatch>();
  let forcing = false;
  const remember = () => everyTask(k).forEach((t) => known.set(t, t.patchState));
  remember();

  const onSwitch = (task: Task, site: SwitchSite) => {
    const target = k.klpTargetState();
    const t = who(task);
    // §7.4/§7.5: only a pending task moves, from the initial state to the target.
    if (target === KLP_TRANSITION_IDLE) broken.push(`7.4: ${t} switched by ${site} outside a transition`);
    if (!task.pending || task.patchState === target) broken.push(`7.4: ${t} switched by ${site} though not pending (patch_state ${task.patchState}, target ${target})`);
    // §7.7: the stack check; §2.3: the safe points, each for the tasks that have it.
    if (site === 'klp_try_switch_task') {
      if (!k.config.reliableStacks) broken.push(`7.7: ${t} switched by its stack check on an arch without reliable stacks`);
      if (k.taskCurr(task) && task !== k.current) broken.push(`7.7: ${t} switched by its stack check while running on CPU ${task.cpu}`);
      if (task.unreliableStack) broken.push(`7.7: ${t} switched by its stack check with an unreliable stack`);
      for (const c of changedCode(k, task))
        if (task.chain.some((frame) => sameCode(frame, c.code)))
          broken.push(`7.7: ${t} switched while sleeping on ${formatFrame(c.code)}, the ${universe(task.patchState)} code of ${c.fn}, which the transition changes`);
    } else if (site === 'exit_to_user_mode_loop' && task.kind !== 'user') {
      broken.push(`2.3: ${t} (${task.kind}) switched on a return to user space it never makes`);
    } else if (site === 'do_idle' && !(task.kind === 'idle' && k.taskCurr(task))) {
      broken.push(`2.3: ${t} switched in the idle loop without being its CPU's running idle task`);
    } else if (site === 'klp_try_complete_transition' && !(task.kind === 'idle' && k.cpus[task.cpu]?.online === false)) {
      broken.push(`2.3: ${t} switched outright though it is not an offline CPU's idle task`);
    } else if (site === 'klp_force_transition') {
      if (!forcing) broken.push(`7.15: ${t} switched by force outside klp_force_transition()`);
      forcedStale.add(task);
    }
    known.set(task, target);
  };

  const onCallback = (kind: CallbackKind, obj: KlpObject) => {
    const p = obj.patch;
    const inTransition = p === k.klpTransitionPatch();
    const tr = String(k.klp.transition.value);
    const target = k.klpTargetState();
    const at = `${kind} callback of ${objLabel(obj)}`;
    // §7.9: callbacks only for loaded objects; pre_* before the object is (un)patched, post_* after.
    if (!klp_is_object_loaded(obj)) broken.push(`7.9: ${at} for an object that is not loaded`);
    const mustBePatched = kind === 'post_patch' || kind === 'pre_unpatch';
    if (obj.patched !== mustBePatched) broken.push(`7.9: ${at} while the object is ${obj.patched ? '' : 'not '}patched`);
    if (kind === 'post_patch' || kind === 'post_unpatch') {
      const direction = kind === 'post_patch' ? KLP_TRANSITION_PATCHED : KLP_TRANSITION_UNPATCHED;
      if (inTransition && kind === 'post_patch' && (tr !== 'completing' || target !== direction))
        broken.push(`7.9: ${at} while its transition is ${tr} towards ${universe(target)}, before every task switched`);
      if (inTransition && tr === 'completing') {
        // §7.17: klp_complete_transition() resets the tasks and clears func->transition before the post callbacks.
        if (target !== direction) broken.push(`7.17: ${at} completing the ${universe(target)} transition`);
        if (everyTask(k).some((t) => t.patchState !== KLP_TRANSITION_IDLE || t.pending)) broken.push(`7.17: ${at} before every task's patch_state was reset`);
        if (p.objs.some((o) => o.funcs.some((f) => f.transition))) broken.push(`7.17: ${at} before func->transition was cleared`);
      }
      if (!inTransition && kind === 'post_patch' && p.machine.value !== 'enabled') broken.push(`7.9: ${at}, a patch ${String(p.machine.value)} and not in transition`);
    }
    // §7.9: pre_unpatch of the transition patch runs between klp_init_transition() and klp_start_transition(), so never
    // on a reversal; of another patch, only when its object's module leaves (klp_cleanup_module_patches_limited()).
    if (kind === 'pre_unpatch' && inTransition && (tr !== 'initialized' || target !== KLP_TRANSITION_UNPATCHED))
      broken.push(`7.9: ${at} while its transition is ${tr} towards ${universe(target)}`);
    if (kind === 'pre_unpatch' && !inTransition && obj.mod?.klpAlive !== false) broken.push(`7.9: ${at}, a patch not in transition, whose module is not leaving`);
  };

  const onKobjectPut = (p: KlpPatch) => {
    if (p.machine.context.forced) pinned.add(p.mod);
    // §7.13: the object and func directories go first (klp_free_patch_start() under klp_mutex); the final put runs
    // in free_work, or in klp_enable_patch()'s error path, never in the sysfs write that disabled the patch.
    if (p.listed || k.klp.patches.includes(p)) broken.push(`7.13: patch ${p.mod.name}'s directory removed while it is on klp_patches`);
    if (p.objs.length > 0) broken.push(`7.13: patch ${p.mod.name}'s directory removed before its objects were freed`);
    const fromFreeWork = k.current?.calls.some((c) => c.fn === 'klp_free_patch_work_fn') ?? false;
    // Before 5.1: klp_unregister_patch() from the module's own init or exit, never from a sysfs write.
    if (k.profile.registerApi) {
      const state = moduleState(p.mod);
      if (state !== 'coming' && state !== 'going') broken.push(`7.13: patch ${p.mod.name}'s kobject released while its module is ${state}, not by its init or exit`);
      return;
    }
    if (!fromFreeWork && p.machine.value !== 'failed')
      broken.push(`7.13: patch ${p.mod.name}'s kobject released by ${k.current ? who(k.current) : 'no task'}, not by free_work`);
  };

  const onModulePut = (p: KlpPatch) => {
    // §7.14: module_put() is the last access to the patch: after its directory is gone, once, and never if forced.
    if (p.machine.context.forced) broken.push(`7.14: module_put() of ${p.mod.name}, whose patch was forced`);
    // Before 5.1 the reference of each enable is dropped when its unpatching ends (or its enabling is cancelled), never after a force.
    if (k.profile.registerApi) {
      if (k.klp.forced) broken.push(`7.14: module_put() of ${p.mod.name} after a transition was forced (klp_forced)`);
      if (p.machine.value !== 'registered') broken.push(`7.14: module_put() of ${p.mod.name} while its patch is ${String(p.machine.value)}`);
      return;
    }
    if (p.kobj.inSysfs || k.klp.all.includes(p)) broken.push(`7.14: module_put() of ${p.mod.name} while its patch still exists`);
    if (putOnce.has(p)) broken.push(`7.14: module_put() of ${p.mod.name} twice for one patch`);
    putOnce.add(p);
  };

  const observe = (e: KlpTrace) => {
    switch (e.type) {
      case 'switch':
        return onSwitch(e.task, e.site);
      case 'call': {
        // §7.8: a call runs the code its task's universe selects.
        const want = universeCode(k, e.task.patchState, e.code);
        if (!sameCode(want, e.ran))
          broken.push(`7.8: ${who(e.task)} (${universe(e.task.patchState)}) called ${e.code.fn} and ran ${formatFrame(e.ran)}, not ${formatFrame(want)}`);
        return;
      }
      case 'callback':
        return onCallback(e.kind, e.obj);
      case 'klp_init_transition':
        return remember();
      case 'klp_complete_transition': {
        // §7.6: completion only once every task and every idle task is in the target state.
        const target = k.klpTargetState();
        const behind = everyTask(k).filter((t) => t.patchState !== target || t.pending);
        if (behind.length) broken.push(`7.6: transition completed towards ${universe(target)} with ${behind.map(who).join(', ')} not switched`);
        everyTask(k).forEach((t) => known.set(t, KLP_TRANSITION_IDLE));
        return;
      }
      case 'klp_force_transition':
        forcing = true;
        return;
      case 'kobject_put':
        return onKobjectPut(e.patch);
      case 'module_put':
        return onModulePut(e.patch);
    }
  };
  k.klpObserver = observe;

  return {
    check() {
      forcing = false;
      const v = broken.splice(0);
      v.push(...checkInvariants(k));
      for (const t of everyTask(k)) {
        const was = known.get(t);
        // §7.4: a task changes universe only by switching (klp_init_transition() and klp_complete_transition() set all).
        if (was !== undefined && was !== t.patchState) v.push(`7.4: ${who(t)} moved from patch_state ${was} to ${t.patchState} without switching`);
        known.set(t, t.patchState);
        // §7.8: each frame of its stack runs what its universe selects, unless a forced switch left it there.
        const stale = t.calls.findIndex((call, i) => !sameCode(t.chain[i], universeCode(k, t.patchState, call)));
        if (stale < 0) forcedStale.delete(t);
        else if (!forcedStale.has(t))
          v.push(`7.8: ${who(t)} (${universe(t.patchState)}) runs ${formatFrame(t.chain[stale]!)} for ${t.calls[stale]!.fn}, its universe runs ${formatFrame(universeCode(k, t.patchState, t.calls[stale]!))}`);
      }
      // §7.14: a forced patch's module is never released, so it can never be removed.
      for (const p of k.klp.all) if (p.machine.context.forced) pinned.add(p.mod);
      for (const m of pinned) {
        if (k.modules.get(m.name) !== m) v.push(`7.14: module ${m.name} of a forced patch was removed`);
        else if (moduleRefcnt(m) < 1) v.push(`7.14: module ${m.name} of a forced patch lost its reference (refcnt ${moduleRefcnt(m)})`);
      }
      return v;
    },
    stop() {
      if (k.klpObserver === observe) k.klpObserver = null;
    },
  };
}
