/**
 * Code identity. A function is named by the object that holds its code
 * ("vmlinux" or a module name) and its symbol: the stack check compares
 * addresses, and two modules may both define livepatch_cmdline_proc_show.
 */
export interface CodeRef {
  obj: string;
  fn: string;
}

export const VMLINUX = 'vmlinux';

export function codeKey(c: CodeRef): string {
  return `${c.obj}:${c.fn}`;
}

export function sameCode(a: CodeRef | null | undefined, b: CodeRef | null | undefined): boolean {
  return !!a && !!b && a.obj === b.obj && a.fn === b.fn;
}

/**
 * A symbol as the kernel's stack dumps print it, "fn+0x1c/0x90" (%pS), with
 * a stable made-up offset and size, so /proc/<pid>/stack and an Oops agree.
 */
export function symbolOffset(fn: string): string {
  let h = 0;
  for (const c of fn) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const size = 0x40 + (h % 0x400);
  const off = 0x10 + (h % (size - 0x10));
  return `${fn}+0x${off.toString(16)}/0x${size.toString(16)}`;
}

/** How /proc/<pid>/stack and stack dumps name a frame. */
export function formatFrame(c: CodeRef): string {
  return c.obj === VMLINUX ? c.fn : `${c.fn} [${c.obj}]`;
}

/**
 * Functions the kernel places in .sched.text (marked __sched) or
 * .spinlock.text: in_sched_functions() is true for them, and
 * stack_trace_save_tsk() leaves them out of a sleeping task's trace, so
 * /proc/<pid>/stack starts at their caller (msleep, hrtimer_nanosleep,
 * worker_thread …). The stack checker still sees them: only the printing
 * skips them.
 */
export const SCHED_FUNCTIONS: ReadonlySet<string> = new Set([
  'schedule',
  '__schedule',
  'schedule_idle',
  'schedule_preempt_disabled',
  'preempt_schedule',
  'preempt_schedule_common',
  'schedule_timeout',
  'schedule_timeout_interruptible',
  'schedule_timeout_killable',
  'schedule_timeout_uninterruptible',
  'schedule_timeout_idle',
  'schedule_hrtimeout',
  'schedule_hrtimeout_range',
  'schedule_hrtimeout_range_clock',
  'do_nanosleep',
  'usleep_range_state',
  'io_schedule',
  'io_schedule_timeout',
  'wait_for_completion',
  'wait_for_completion_timeout',
  'wait_for_completion_io',
  'wait_for_completion_interruptible',
  'wait_for_completion_killable',
  '__wait_for_common',
  'do_wait_for_common',
  'mutex_lock',
  'mutex_lock_interruptible',
  'mutex_lock_killable',
  '__mutex_lock',
  'down',
  'down_read',
  'down_write',
  'rwsem_down_read_slowpath',
  'rwsem_down_write_slowpath',
]);

/** in_sched_functions(): vmlinux's scheduler and lock functions (a module has none). */
export function inSchedFunctions(c: CodeRef): boolean {
  return c.obj === VMLINUX && SCHED_FUNCTIONS.has(c.fn);
}
