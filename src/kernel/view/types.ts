/**
 * What the views read: a plain, serialisable picture of the kernel at one
 * step. Views never touch the engine; they get one of these per step.
 */
import type { KlpState } from '../machines/transition.machine';

export interface FuncView {
  oldName: string;
  /** the replacement's symbol, null for a nop */
  newName: string | null;
  sympos: number;
  nop: boolean;
  patched: boolean;
  transition: boolean;
  /** its <function,sympos> directory exists */
  sysfs: boolean;
  kobjRefs: number;
}

export interface ObjectView {
  /** "vmlinux" or the module's name */
  name: string;
  /** vmlinux, or its module is loaded and bound */
  loaded: boolean;
  patched: boolean;
  dynamic: boolean;
  sysfs: boolean;
  kobjRefs: number;
  funcs: FuncView[];
}

export interface PatchView {
  name: string;
  /** the patch machine's state */
  state: string;
  enabled: boolean;
  /** it is klp_transition_patch */
  transition: boolean;
  replace: boolean;
  forced: boolean;
  /** on klp_patches */
  listed: boolean;
  /** stack_order as the sysfs file reads it */
  stackOrder: number;
  /** a patch of the register + enable API (before 5.1), whose disabled state is a resting one */
  registered?: boolean;
  /** its /sys/kernel/livepatch directory exists */
  sysfs: boolean;
  kobjRefs: number;
  freeWorkPending: boolean;
  /** `rmmod -f` freed its module while it was still registered: its structures are freed memory */
  memoryFreed: boolean;
  objects: ObjectView[];
  states: { id: number; version: number }[];
}

/** One patched function's klp_ops: who runs what. */
export interface FuncStackView {
  /** "vmlinux:cmdline_proc_show" */
  key: string;
  obj: string;
  fn: string;
  /** top (what runs) first */
  entries: { patch: string; newFunc: string; nop: boolean; transition: boolean }[];
}

export interface TaskView {
  pid: number;
  comm: string;
  kind: 'user' | 'kthread' | 'idle';
  cpu: number;
  state: 'R' | 'S' | 'D';
  /** task_curr(): on a CPU right now */
  running: boolean;
  patchState: KlpState;
  pending: boolean;
  notifySignal: boolean;
  behavior: string;
  /** innermost frame first, "fn" or "fn [module]" */
  stack: string[];
  /** the to-be-(un)patched function klp_check_stack() finds on its stack, if any */
  blockedBy: string | null;
  /** why klp_try_switch_task() would refuse it now (klpSwitchBlocker) */
  blocker: 'no-reliable-stack' | 'running' | 'unreliable' | 'sleeping' | null;
  /**
   * A function whose code from the universe the task left it still runs: it
   * is counted as switched (patch_state says so, since `force` switched it as
   * it was) but sits in a frame entered before, until it returns from there.
   * Outside force this is always null: klp_check_stack() never lets it happen.
   */
  oldCode: string | null;
  /** it sleeps for good in this function (a module_init waiting for a completion nothing completes) */
  sleepsForever?: string;
}

export interface ModuleView {
  name: string;
  state: string;
  refcnt: number;
  livepatch: boolean;
  params: { name: string; value: string; mode: number }[];
  /** the patch it enabled, while that exists */
  patch: string | null;
  /** a forced patch of it was freed: its reference stays forever */
  pinnedForever: boolean;
}

export interface PendingWork {
  label: string;
  /** virtual µs */
  at: number;
  kind: string;
}

export interface TransitionView {
  state: string;
  patch: string | null;
  target: KlpState;
  signals: number;
  /** when klp_transition_work runs next, if queued */
  nextRetryAt: number | null;
  /** when the next retry will also send fake signals, if one is queued */
  nextSignalAt: number | null;
  /** the constants for patch_state -1, 0 and 1 as the release spells them (KLP_TRANSITION_* since 6.10, KLP_* before) */
  names: readonly [string, string, string];
}

/** A sysfs entry as `ls -l` and `cat` would show it. */
export interface SysfsEntry {
  path: string;
  name: string;
  kind: 'dir' | 'file';
  /** "-rw-r--r--" */
  mode: string;
  /** a readable file's content, without its trailing newline */
  value?: string;
  children?: SysfsEntry[];
}

export interface ShadowView {
  obj: number;
  id: number;
  data: number;
  /** the module whose code allocated it */
  owner: string;
  /** the object it is attached to was kfree()d: nothing detached it */
  objFreed: boolean;
}

export interface ReleaseView {
  release: string;
  /** 4.12–5.0: a disabled patch stays registered (and listed) until its module's exit unregisters it */
  registerApi: boolean;
  /** since 5.1: retries send fake signals by themselves (klp_signals_cnt) */
  autoSignals: boolean;
  /** the files of a patch's sysfs directory in this release */
  patchFiles: string[];
  /** 4.15–5.0's global klp_forced (absent: the release marks patches instead) */
  klpForced?: boolean;
}

export interface KernelView {
  /** virtual µs since boot */
  time: number;
  transition: TransitionView;
  patches: PatchView[];
  funcStacks: FuncStackView[];
  tasks: TaskView[];
  modules: ModuleView[];
  work: PendingWork[];
  /** klp_shadow_hash: each <obj, id> pair, who allocated it, and whether its object was freed meanwhile */
  shadow: ShadowView[];
  ftraceEnabled: boolean;
  cmdline: string;
  /** what the release simulated does differently, as far as the views show it */
  kernel: ReleaseView;
  /** /sys/kernel/livepatch, and /sys/module/<m> for the loaded catalogue modules */
  sysfs: SysfsEntry[];
}
