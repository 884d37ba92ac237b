/**
 * Things tasks do on their own that matter to a transition, each an event on
 * the queue: a user task returning to user space (where a pending task takes
 * the target state) from a system call or an interrupt, a woken kthread going
 * round its loop, a busy kthread going to sleep at the end of its pass, an
 * idle CPU going round the idle loop. Only what a pending task will do is
 * queued: a task that runs on and on is not simulated step by step.
 */
import type { Kernel } from '../kernel';
import { WAKE_LATENCY } from './timing';
import { klp_cond_resched, klp_sched_try_switch, klp_update_patch_state } from '../livepatch/task-switch';
import { resolveCall } from '../livepatch/patch';
import { VMLINUX } from './code';
import type { Task } from './tasks';
import { KernelOops, die } from './oops';

/** The scheduler tick's period: CONFIG_HZ=250, mainline's default (kernel/Kconfig.hz). */
export const TICK_USEC = 4_000;
/**
 * How long a busy kthread's pass goes on once a transition marks it: a
 * simulation constant (ksmd scans pages_to_scan pages per pass), well under
 * the transition's one-second retry.
 */
export const BUSY_PASS_USEC = 100_000;

/** What a task does on its own: a module-level function (an event's fn, see EventFn). */
type TaskDoing<A extends unknown[]> = (k: Kernel, task: Task, ...args: A) => void;

function once<A extends unknown[]>(k: Kernel, task: Task, label: string, delay: number, doing: TaskDoing<A>, ...args: A): void {
  if (task.eventQueued) return;
  task.eventQueued = true;
  k.schedule(delay, 'task', label, taskDoes<A>, task, doing, args);
}

function taskDoes<A extends unknown[]>(k: Kernel, task: Task, doing: TaskDoing<A>, args: A): void {
  delete task.eventQueued;
  if (task.kind !== 'idle' && !k.tasks.includes(task)) return; // it exited meanwhile
  doing(k, task, ...args);
}

/**
 * Re-enter the calls from index `from` on: each runs what the handler picks
 * now. A call into a patch that rmmod -f freed Oopses, and the task dies.
 */
export function reenter(k: Kernel, task: Task, from: number): void {
  try {
    task.chain = task.calls.map((c, i) => (i < from ? task.chain[i]! : resolveCall(k, task, c, task.calls.slice(0, i).map((f) => f.fn).reverse())));
  } catch (e) {
    if (!(e instanceof KernelOops)) throw e;
    die(k, e);
  }
}

/**
 * exit_to_user_mode(): a pending task switches (klp_update_patch_state()),
 * the fake signal is consumed, and the task goes back into its system call,
 * now running the code of its new universe.
 */
export function taskReturnsToUser(k: Kernel, task: Task): void {
  once(k, task, `exit_to_user_mode: ${task.comm}:${task.pid}`, WAKE_LATENCY, returnsToUser);
}

function returnsToUser(k: Kernel, task: Task): void {
  klp_update_patch_state(k, task, 'exit_to_user_mode_loop');
  task.notifySignal = false;
  if (task.behavior.type === 'syscall-loop') {
    task.behavior.calls++;
    k.callFunction(task, task.behavior.syscall, 'do_syscall_64');
  }
  // Its stack is the call it has just made (or its sleep), so the code of its new universe.
  reenter(k, task, 0);
}

/**
 * The next timer tick interrupts a task computing in user space; on the way
 * back, irqentry_exit_to_user_mode() runs exit_to_user_mode_loop(), which
 * switches a pending task (klp_update_patch_state()) and consumes the fake
 * signal. The task computes on, in user space.
 */
export function interruptReturnsToUser(k: Kernel, task: Task): void {
  once(k, task, `irqentry_exit_to_user_mode: ${task.comm}:${task.pid}`, untilTick(k), interruptReturns);
}

function interruptReturns(k: Kernel, task: Task): void {
  klp_update_patch_state(k, task, 'exit_to_user_mode_loop');
  task.notifySignal = false;
}

/**
 * A busy kthread's pass ends: it returns to its loop function and sleeps
 * there (wait_event_freezable_timeout() → schedule_timeout()). Since 6.16,
 * on the way out, __schedule() calls klp_sched_try_switch(prev), which
 * switches it if its own stack allows and the sleep is freezable. From 6.4
 * to 6.15 it switched itself earlier, at the cond_resched() of its loop (the
 * next tick here), freezable or not; before 6.4 never by itself. Then it
 * sleeps like any other kthread: a later stack check, or a wake-up, finds it
 * there.
 */
export function busyKthreadSleeps(k: Kernel, task: Task): void {
  if (k.profile.kthreadSelfSwitch === 'cond_resched') once(k, task, `cond_resched: ${task.comm}:${task.pid}`, untilTick(k), condResched);
  else once(k, task, `__schedule: ${task.comm}:${task.pid}`, BUSY_PASS_USEC, passEnds);
}

const untilTick = (k: Kernel) => (Math.floor(k.now / TICK_USEC) + 1) * TICK_USEC - k.now;

function condResched(k: Kernel, task: Task): void {
  if (task.behavior.type !== 'busy-kthread') return;
  k.runAs(task, () => klp_cond_resched(k, task));
  once(k, task, `__schedule: ${task.comm}:${task.pid}`, BUSY_PASS_USEC - TICK_USEC, passEnds);
}

function passEnds(k: Kernel, task: Task): void {
  if (task.behavior.type !== 'busy-kthread') return;
  const { loopAt, freezable } = task.behavior;
  const sleep = ['schedule_timeout', 'schedule'].map((fn) => ({ obj: VMLINUX, fn }));
  task.calls = [...task.calls.slice(0, loopAt + 1), ...sleep];
  task.chain = [...task.chain.slice(0, loopAt + 1), ...sleep];
  task.behavior = { type: 'kthread', loopAt };
  if (k.profile.kthreadSelfSwitch === 'schedule') k.runAs(task, () => klp_sched_try_switch(k, task, freezable));
  task.state = 'S';
  task.onCpu = false;
}

/**
 * TIF_PATCH_PENDING was just set on a task that is busy on its CPU (a stack
 * check cannot switch it): what it does next, where it can switch on its own.
 */
export function pendingTaskRunsOn(k: Kernel, task: Task): void {
  const type = task.behavior.type;
  if (type === 'syscall-loop') taskReturnsToUser(k, task);
  else if (type === 'user-compute') interruptReturnsToUser(k, task);
  else if (type === 'busy-kthread') busyKthreadSleeps(k, task);
}

/** wake_up_state(TASK_INTERRUPTIBLE): the kthread runs its loop and sleeps again. */
export function kthreadLoopsAgain(k: Kernel, task: Task): void {
  const loopAt = task.behavior.type === 'kthread' || task.behavior.type === 'worker' ? task.behavior.loopAt : 0;
  once(k, task, `wake_up_state: ${task.comm}:${task.pid}`, WAKE_LATENCY, loopsAgain, loopAt);
}

function loopsAgain(k: Kernel, task: Task, loopAt: number): void {
  if (k.mutant === 'kthread-switches-on-wake') klp_update_patch_state(k, task, 'exit_to_user_mode_loop');
  reenter(k, task, loopAt + 1);
}

/** wake_up_if_idle(): an idle CPU goes round do_idle(), which switches its idle task. */
export function idleLoop(k: Kernel, cpu: number): void {
  const idle = k.cpus[cpu]!.idle;
  once(k, idle, `do_idle: ${idle.comm}`, WAKE_LATENCY, idleGoesRound);
}

function idleGoesRound(k: Kernel, idle: Task): void {
  if (k.taskCurr(idle)) klp_update_patch_state(k, idle, 'do_idle');
}
