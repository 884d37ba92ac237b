/**
 * /proc: the files whose show functions livepatch can replace (cmdline,
 * meminfo, a module's own file), /proc/modules, /proc/sys/kernel/ftrace_enabled,
 * and per task comm, stack, status and patch_state.
 */
import type { Kernel } from '../kernel';
import { linuxBanner } from '../world/uts';
import { VMLINUX, inSchedFunctions, symbolOffset } from '../world/code';
import { EINVAL } from '../world/errno';
import { kstrtoint } from '../world/kstrtox';
import { moduleAddress, moduleInitSize, moduleRefcnt, moduleState } from '../module/types';
import { taintFlags } from './sysfs-module';
import { TAINT_FLAGS } from '../world/taint';
import type { Task } from '../world/tasks';
import { HUNG_TASK_TIMEOUT_MAX } from '../world/hung-task';
import { dir, roFile, rwFile, type FsNode } from './node';

/** Reading a seq_file /proc entry: the reading task calls the show function. */
function showFile(k: Kernel, obj: string, fn: string): FsNode {
  return roFile(() => {
    const reader = k.current ?? k.loginShell;
    const out = k.callFunction(reader, { obj, fn }, 'seq_read_iter');
    return typeof out === 'string' ? out : '';
  });
}

function procModules(k: Kernel): string {
  return [...k.modules.values()]
    .sort((a, b) => b.loadSeq - a.loadSeq)
    .map((m) => {
      const st = moduleState(m);
      const word = st === 'live' ? 'Live' : st === 'coming' ? 'Loading' : 'Unloading';
      // module_flags(): the taints, then '-' going or '+' coming; the size counts init memory not yet freed
      const flags = taintFlags(m) + (st === 'going' ? '-' : st === 'coming' ? '+' : '');
      return `${m.name} ${m.spec.size + moduleInitSize(m)} ${moduleRefcnt(m)} - ${word} 0x${moduleAddress(m)} (${flags})\n`;
    })
    .join('');
}

/** A frame as /proc/<pid>/stack shows it, with a stable made-up offset. */
function stackLine(fn: string, obj: string): string {
  return `[<0>] ${symbolOffset(fn)}${obj === VMLINUX ? '' : ` [${obj}]`}\n`;
}

/** kernel/hung_task.c's sysctls: the field each sets, and its range (proc_dointvec_minmax / proc_doulongvec_minmax). */
const HUNG_TASK_SYSCTLS = {
  hung_task_check_count: { field: 'checkCount', min: 0, max: 2 ** 31 - 1 },
  hung_task_check_interval_secs: { field: 'checkIntervalSecs', min: 0, max: HUNG_TASK_TIMEOUT_MAX },
  hung_task_timeout_secs: { field: 'timeoutSecs', min: 0, max: HUNG_TASK_TIMEOUT_MAX },
  hung_task_warnings: { field: 'warnings', min: -1, max: 2 ** 31 - 1 },
} as const;

function hungTaskSysctl(k: Kernel, name: string): FsNode | null {
  if (!Object.hasOwn(HUNG_TASK_SYSCTLS, name)) return null;
  const { field, min, max } = HUNG_TASK_SYSCTLS[name as keyof typeof HUNG_TASK_SYSCTLS];
  return rwFile(
    () => `${k.hungTask[field]}\n`,
    (data) => {
      const m = /^\s*(-?\d+)\s*$/.exec(data);
      const v = m ? Number(m[1]) : NaN;
      if (!Number.isSafeInteger(v) || v < min || v > max) return -EINVAL;
      k.hungTask.set(field, v);
      return 0;
    },
  );
}

/** /proc/<pid>/wchan: where a sleeping task waits, the first frame outside the scheduler ("0" when it runs). */
function wchan(task: Task): string {
  if (task.state === 'R') return '0';
  const frame = [...task.chain].reverse().find((f) => !inSchedFunctions(f));
  return frame ? frame.fn : '0';
}

function taskNode(k: Kernel, task: Task, parts: string[]): FsNode | null {
  if (parts.length === 0) return dir(() => ['cmdline', 'comm', 'patch_state', 'stack', 'stat', 'status', 'wchan'], 0o555);
  switch (parts[0]) {
    case 'comm':
      return rwFile(() => `${task.comm}\n`, () => 0);
    case 'patch_state':
      return roFile(() => `${task.patchState}\n`);
    case 'stack':
      // stack_trace_save_tsk() skips in_sched_functions(): the trace starts at their caller.
      return roFile(() => [...task.chain].reverse().filter((f) => !inSchedFunctions(f)).map((f) => stackLine(f.fn, f.obj)).join(''), 0o400);
    case 'cmdline':
      return roFile(() => (task.kind === 'user' ? `${task.comm}\0` : ''));
    case 'status':
      return roFile(
        () =>
          `Name:\t${task.comm}\nState:\t${task.state} (${task.state === 'R' ? 'running' : task.state === 'S' ? 'sleeping' : 'disk sleep'})\n` +
          `Tgid:\t${task.tgid}\nPid:\t${task.pid}\nPPid:\t${task.ppid}\n`,
      );
    case 'stat':
      return roFile(() => `${task.pid} (${task.comm}) ${task.state} ${task.ppid}\n`);
    case 'wchan':
      return roFile(() => wchan(task));
  }
  return null;
}

export function procNode(k: Kernel, parts: string[]): FsNode | null {
  if (parts.length === 0) {
    return dir(
      () => [
        ...new Set(k.tasks.map((t) => String(t.pid))),
        'cmdline',
        'meminfo',
        'modules',
        'self',
        'sys',
        'version',
        ...[...k.procFiles.keys()].map((p) => p.slice('/proc/'.length)),
      ],
      0o555,
    );
  }
  const [first, ...rest] = parts as [string, ...string[]];
  if (rest.length === 0) {
    switch (first) {
      case 'cmdline':
        return showFile(k, VMLINUX, 'cmdline_proc_show');
      case 'meminfo':
        return showFile(k, VMLINUX, 'meminfo_proc_show');
      case 'version':
        return roFile(() => `${linuxBanner(k)}\n`);
      case 'modules':
        return roFile(() => procModules(k));
      case 'sys':
        return dir(() => ['kernel'], 0o555);
    }
    const entry = k.procFiles.get(`/proc/${first}`);
    if (entry) return showFile(k, entry.mod, entry.fn);
  }
  if (first === 'sys') {
    if (rest[0] !== 'kernel') return null;
    if (rest.length === 1) return dir(() => ['ftrace_enabled', ...Object.keys(HUNG_TASK_SYSCTLS), 'tainted'], 0o555);
    const hung = rest.length === 2 ? hungTaskSysctl(k, rest[1]!) : null;
    if (hung) return hung;
    if (rest.length === 2 && rest[1] === 'tainted') {
      // proc_taint(): a write adds the bits it names (root may taint, never untaint)
      return rwFile(
        () => `${k.tainted}\n`,
        (data) => {
          const v = /^\s*(\d+)\s*$/.exec(data);
          if (!v) return -EINVAL;
          for (let bit = 0; bit < TAINT_FLAGS.length; bit++) if ((BigInt(v[1]!) >> BigInt(bit)) & 1n) k.addTaint(bit);
          return 0;
        },
      );
    }
    if (rest.length === 2 && rest[1] === 'ftrace_enabled') {
      return rwFile(
        () => `${k.ftrace.enabled ? 1 : 0}\n`,
        (data) => {
          const v = kstrtoint(data.trim());
          if (v === null) return -EINVAL;
          return k.ftrace.setEnabled(v !== 0);
        },
      );
    }
    return null;
  }
  // /proc/self: the task looking it up (the process reading or listing it)
  if (first === 'self') return taskNode(k, k.current ?? k.loginShell, rest);
  if (/^\d+$/.test(first)) {
    const task = k.taskByPid(Number(first));
    return task ? taskNode(k, task, rest) : null;
  }
  return null;
}
