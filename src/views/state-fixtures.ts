/**
 * Hand-made KernelView fixtures for the view tests: small builders with the
 * quiet defaults of an idle machine, so a test spells out only what it is
 * about. No engine involved.
 */
import { MAINLINE } from '../kernel/release/releases';
import type {
  FuncStackView,
  FuncView,
  KernelView,
  ModuleView,
  ObjectView,
  PatchView,
  SysfsEntry,
  TaskView,
} from '../kernel/view/types';
import { task as sleepingTask } from './task-fixtures';
import { patch as enabledPatch } from './fixtures';

export function func(over: Partial<FuncView> = {}): FuncView {
  return {
    oldName: 'cmdline_proc_show',
    newName: 'livepatch_cmdline_proc_show',
    sympos: 0,
    nop: false,
    patched: false,
    transition: false,
    sysfs: true,
    kobjRefs: 1,
    ...over,
  };
}

export function object(over: Partial<ObjectView> = {}): ObjectView {
  return {
    name: 'vmlinux',
    loaded: true,
    patched: false,
    dynamic: false,
    sysfs: true,
    kobjRefs: 1,
    funcs: [func()],
    ...over,
  };
}

/** An enabled livepatch_sample (fixtures' patch). */
export function patch(over: Partial<PatchView> = {}): PatchView {
  return enabledPatch(over.name ?? 'livepatch_sample', over);
}

/** A user task asleep in a system call (task-fixtures' task, with a pid and a name). */
export function task(over: Partial<TaskView> = {}): TaskView {
  return sleepingTask({ pid: 100, comm: 'bash', behavior: 'sleep', stack: ['schedule', 'do_syscall_64'], ...over });
}

export function module(over: Partial<ModuleView> = {}): ModuleView {
  return {
    name: 'livepatch_sample',
    state: 'live',
    refcnt: 1,
    livepatch: true,
    params: [],
    patch: 'livepatch_sample',
    pinnedForever: false,
    ...over,
  };
}

export function funcStack(over: Partial<FuncStackView> = {}): FuncStackView {
  return {
    key: 'vmlinux:cmdline_proc_show',
    obj: 'vmlinux',
    fn: 'cmdline_proc_show',
    entries: [{ patch: 'livepatch_sample', newFunc: 'livepatch_cmdline_proc_show', nop: false, transition: false }],
    ...over,
  };
}

export function file(path: string, value?: string, mode = '-r--r--r--'): SysfsEntry {
  const e: SysfsEntry = { path, name: path.slice(path.lastIndexOf('/') + 1), kind: 'file', mode };
  if (value !== undefined) e.value = value;
  return e;
}

export function dirEntry(path: string, children: SysfsEntry[] = [], mode = 'drwxr-xr-x'): SysfsEntry {
  return { path, name: path.slice(path.lastIndexOf('/') + 1), kind: 'dir', mode, children };
}

/** The sysfs of one loaded patch, as snapshot() would walk it. */
export function patchSysfs(name: string, enabled = '1', transition = '0'): SysfsEntry {
  const p = `/sys/kernel/livepatch/${name}`;
  return dirEntry(p, [
    file(`${p}/enabled`, enabled, '-rw-r--r--'),
    file(`${p}/transition`, transition),
    file(`${p}/force`, undefined, '--w-------'),
    file(`${p}/replace`, '0'),
    file(`${p}/stack_order`, '1'),
    dirEntry(`${p}/vmlinux`, [file(`${p}/vmlinux/patched`, '1'), dirEntry(`${p}/vmlinux/cmdline_proc_show,1`)]),
  ]);
}

/** /sys/module/<name> with a refcnt and, optionally, writable parameters. */
export function moduleSysfs(name: string, refcnt = '1', params: Record<string, string> = {}): SysfsEntry {
  const m = `/sys/module/${name}`;
  const children = [file(`${m}/initstate`, 'live'), file(`${m}/refcnt`, refcnt), file(`${m}/uevent`, undefined, '--w-------')];
  const names = Object.keys(params);
  if (names.length) {
    children.push(
      dirEntry(
        `${m}/parameters`,
        names.map((p) => file(`${m}/parameters/${p}`, params[p], '-rw-r--r--')),
      ),
    );
  }
  return dirEntry(m, children);
}

/** An idle machine: no patch, no transition, two CPUs' idle tasks and a shell. */
export function kernelView(over: Partial<KernelView> = {}): KernelView {
  return {
    time: 0,
    transition: { state: 'idle', patch: null, target: -1, signals: 0, nextRetryAt: null, nextSignalAt: null, names: ['KLP_TRANSITION_IDLE', 'KLP_TRANSITION_UNPATCHED', 'KLP_TRANSITION_PATCHED'] },
    patches: [],
    funcStacks: [],
    tasks: [
      task({ pid: 0, comm: 'swapper/0', kind: 'idle', cpu: 0, state: 'R', running: true }),
      task({ pid: 0, comm: 'swapper/1', kind: 'idle', cpu: 1, state: 'R', running: true }),
      task({ pid: 1, comm: 'systemd' }),
      task({ pid: 100, comm: 'bash' }),
    ],
    modules: [],
    work: [],
    shadow: [],
    ftraceEnabled: true,
    kernel: { release: MAINLINE, registerApi: false, autoSignals: true, patchFiles: ['enabled', 'transition', 'force', 'replace', 'stack_order'] },
    cmdline: 'BOOT_IMAGE=/vmlinuz',
    sysfs: [dirEntry('/sys/kernel/livepatch')],
    ...over,
  };
}

/**
 * The same machine while livepatch_sample is being enabled: the transition
 * runs with target KLP_TRANSITION_PATCHED, swapper/1 and bash still pending.
 */
export function patchingView(): KernelView {
  const v = kernelView({
    transition: { state: 'running', patch: 'livepatch_sample', target: 1, signals: 2, nextRetryAt: 3_000_000, nextSignalAt: 15_000_000, names: ['KLP_TRANSITION_IDLE', 'KLP_TRANSITION_UNPATCHED', 'KLP_TRANSITION_PATCHED'] },
    patches: [
      patch({
        state: 'patching',
        transition: true,
        objects: [object({ patched: true, funcs: [func({ patched: true, transition: true })] })],
      }),
    ],
    funcStacks: [
      funcStack({ entries: [{ patch: 'livepatch_sample', newFunc: 'livepatch_cmdline_proc_show', nop: false, transition: true }] }),
    ],
    modules: [module()],
    sysfs: [dirEntry('/sys/kernel/livepatch', [patchSysfs('livepatch_sample', '1', '1')]), moduleSysfs('livepatch_sample')],
  });
  v.tasks = [
    task({ pid: 0, comm: 'swapper/0', kind: 'idle', cpu: 0, state: 'R', running: true, patchState: 1 }),
    task({ pid: 0, comm: 'swapper/1', kind: 'idle', cpu: 1, state: 'R', running: true, patchState: 0, pending: true }),
    task({ pid: 1, comm: 'systemd', patchState: 1 }),
    task({ pid: 100, comm: 'bash', patchState: 0, pending: true }),
  ];
  return v;
}
