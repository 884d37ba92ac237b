/**
 * kernel/hung_task.c: khungtaskd. Its watchdog() loop wakes every
 * hung_task_timeout_secs (or hung_task_check_interval_secs when set and
 * shorter) and walks every task in uninterruptible sleep. A task whose
 * context-switch count has not moved since the previous check for a whole
 * timeout is reported: the first check that sees it in its sleep only notes
 * the time (last_switch_time), so the first report comes one to two timeouts
 * after the task went to sleep (Debian's 6.1: insmod blocked at ~4 s,
 * reported at 243 s "for more than 120 seconds").
 *
 * The simulation's only tasks that never switch again are those that
 * sleep for good (Task.sleepsForever); its other D sleepers (a work
 * function's msleep() loop, a read waiting for I/O) wake and switch well
 * within a timeout, so a check never reports them. While there is nothing
 * to report, the checks are not queued as events (they would change
 * nothing): hung_last_checked moves on by whole intervals instead, which
 * keeps the loop's phase.
 */
import type { Kernel } from '../kernel';
import { utsArgs } from './uts';
import { USEC_PER_SEC, type KernelEvent } from './events';
import { KERN_INFO } from './log';
import { showTraceLogLvl } from './show-trace';
import { HUNG_TASK, SCHED_CORE, say } from '../words';
import { hasTaint, printTainted, TAINT_DIE } from './taint';
import { symbolOffset, VMLINUX } from './code';
import type { Task } from './tasks';

/** PID_MAX_LIMIT on 64-bit: hung_task_check_count's default (check every task). */
const PID_MAX_LIMIT = 4194304;
/** hung_task_timeout_max: LONG_MAX / HZ */
export const HUNG_TASK_TIMEOUT_MAX = Math.floor(Number.MAX_SAFE_INTEGER / USEC_PER_SEC);

/** A user task after exec (PF_RANDOMIZE | PF_SUPERPRIV) and a kthread (PF_KTHREAD | PF_NOFREEZE …), as task_flags. */
const PF_USER = 0x400100;
const PF_KTHREAD = 0x208040;
/**
 * Thread flags: TIF_NEED_FPU_LOAD (bit 14) is set on any task switched out,
 * TIF_PATCH_PENDING is bit 13, TIF_SIGPENDING bit 2 (Debian's 6.1, insmod
 * after kill -9: flags:0x00004006; bit 1, TIF_NOTIFY_RESUME, is left out).
 */
const TIF_NEED_FPU_LOAD = 1 << 14;
const TIF_PATCH_PENDING = 1 << 13;
const TIF_SIGPENDING = 1 << 2;

export class HungTaskDetector {
  /** kernel.hung_task_timeout_secs (CONFIG_DEFAULT_HUNG_TASK_TIMEOUT); 0 turns the checks off */
  timeoutSecs = 120;
  /** kernel.hung_task_check_interval_secs: 0 means "every timeout" */
  checkIntervalSecs = 0;
  /** kernel.hung_task_warnings: reports left; -1 for no limit */
  warnings = 10;
  /** kernel.hung_task_check_count: tasks looked at per check */
  checkCount = PID_MAX_LIMIT;
  /** hung_last_checked, in virtual µs: khungtaskd started at boot */
  lastChecked = 0;
  private event: KernelEvent | null = null;

  constructor(private readonly k: Kernel) {}

  /** The watchdog's period, or null while hung_task_timeout_secs is 0. */
  private interval(): number | null {
    if (!this.timeoutSecs) return null;
    return Math.min(this.checkIntervalSecs || this.timeoutSecs, this.timeoutSecs) * USEC_PER_SEC;
  }

  /** Checks that ran while no event was queued found nothing: move hung_last_checked past them. */
  private catchUp(): void {
    const iv = this.interval();
    if (this.event || iv === null || this.k.now < this.lastChecked + iv) return;
    this.lastChecked += Math.floor((this.k.now - this.lastChecked) / iv) * iv;
  }

  /** Could a check print anything, now or later? */
  private wanted(): boolean {
    return this.warnings !== 0 && !hasTaint(this.k.tainted, TAINT_DIE) && this.k.tasks.some((t) => t.sleepsForever && t.state === 'D');
  }

  /** A task has just gone to sleep for good: from now on the checks matter. */
  taskBlocked(): void {
    this.catchUp();
    this.arm();
  }

  /**
   * A write to one of the sysctls: proc_dohung_task_timeout_secs() wakes the
   * watchdog, which recomputes its sleep from hung_last_checked (and checks
   * at once when that is already past).
   */
  set(name: 'timeoutSecs' | 'checkIntervalSecs' | 'warnings' | 'checkCount', value: number): void {
    this.catchUp();
    this[name] = value;
    this.arm();
  }

  private arm(): void {
    if (this.event) this.k.queue.cancel(this.event);
    this.event = null;
    const iv = this.interval();
    if (iv === null || !this.wanted()) return;
    this.event = this.k.queue.schedule(this.lastChecked + iv, 'watchdog', 'khungtaskd: check_hung_uninterruptible_tasks', watchdogWakes, [this]);
  }

  /** khungtaskd wakes from its sleep: it checks, notes when, and sleeps again. */
  wakes(): void {
    this.event = null;
    this.check();
    this.lastChecked = this.k.now;
    this.arm();
  }

  /** check_hung_uninterruptible_tasks() */
  private check(): void {
    const k = this.k;
    // If the system crashed already then all bets are off.
    if (hasTaint(k.tainted, TAINT_DIE)) return;
    const timeout = this.timeoutSecs * USEC_PER_SEC;
    let maxCount = this.checkCount;
    for (const t of [...k.tasks]) {
      if (!maxCount--) break;
      if (t.state !== 'D' || !t.sleepsForever) continue;
      // task_is_hung(): the first check that finds it asleep notes when
      if (t.hungSince === undefined) {
        t.hungSince = k.now;
        continue;
      }
      if (k.now < t.hungSince + timeout) continue;
      this.report(t);
    }
    // sys_info(SYS_INFO_LOCKS): debug_show_all_locks() prints nothing without CONFIG_LOCKDEP
  }

  /** hung_task_info() */
  private report(t: Task): void {
    if (this.warnings === 0) return;
    if (this.warnings > 0) this.warnings--;
    const k = this.k;
    say(k, HUNG_TASK.blocked, { comm: t.comm, pid: t.pid, seconds: Math.floor((k.now - t.hungSince!) / USEC_PER_SEC) });
    say(k, HUNG_TASK.tainted, { tainted: printTainted(k.tainted), ...utsArgs(k) });
    say(k, HUNG_TASK.disables);
    schedShowTask(k, t);
    if (this.warnings === 0) say(k, HUNG_TASK.suppressed);
  }
}

/**
 * sched_show_task(): the task line and its call trace (show_stack(), at
 * KERN_INFO), every frame including the scheduler's. The user-mode registers
 * that x86 prints before </TASK> are left out, as in an Oops here, and so are
 * the unreliable "? fn" guesses the unwinder adds.
 */
export function schedShowTask(k: Kernel, t: Task): void {
  const flags = TIF_NEED_FPU_LOAD | (t.pending ? TIF_PATCH_PENDING : 0) | (t.sigPending ? TIF_SIGPENDING : 0);
  say(k, SCHED_CORE.task, { comm: t.comm, state: t.state });
  if (t.state === 'R') say(k, SCHED_CORE.running);
  say(k, SCHED_CORE.taskIds, { free: 0, pid: t.pid, tgid: t.tgid, ppid: t.ppid, task_flags: t.kind === 'user' ? PF_USER : PF_KTHREAD, flags });
  // %pBb: symbol+offset/size, and [module] for a module's function
  const frames = [...t.chain].reverse().map((f) => `${symbolOffset(f.fn)}${f.obj === VMLINUX ? '' : ` [${f.obj}]`}`);
  if (t.chain.at(-1)?.fn === 'schedule' && t.chain.at(-1)?.obj === VMLINUX) frames.unshift(symbolOffset('__schedule'));
  showTraceLogLvl(k, frames, KERN_INFO);
}

function watchdogWakes(_k: unknown, detector: HungTaskDetector): void {
  detector.wakes();
}
