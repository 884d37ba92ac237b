/**
 * Things tasks do on their own that matter to a transition, each an event on
 * the queue: a user task returning to user space (where a pending task takes
 * the target state), a woken kthread going round its loop, an idle CPU going
 * round the idle loop.
 */
import type { Kernel } from '../kernel';
import { WAKE_LATENCY } from '../kernel';
import { klp_update_patch_state, resolveCall } from '../livepatch/transition';
import type { Task } from './tasks';
import { KernelOops, die } from './oops';

const scheduled = new WeakMap<Task, boolean>();

function once(k: Kernel, task: Task, label: string, run: () => void): void {
  if (scheduled.get(task)) return;
  scheduled.set(task, true);
  k.schedule(WAKE_LATENCY, 'task', label, () => {
    scheduled.delete(task);
    if (task.kind !== 'idle' && !k.tasks.includes(task)) return; // it exited meanwhile
    run();
  });
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
  once(k, task, `exit_to_user_mode: ${task.comm}:${task.pid}`, () => {
    klp_update_patch_state(k, task, 'exit_to_user_mode_loop');
    task.notifySignal = false;
    if (task.behavior.type === 'syscall-loop') {
      task.behavior.calls++;
      k.callFunction(task, task.behavior.syscall, 'do_syscall_64');
      // Its stack is the call it has just made, so the code of its new universe.
      reenter(k, task, 0);
    } else {
      reenter(k, task, 0);
    }
  });
}

/** wake_up_state(TASK_INTERRUPTIBLE): the kthread runs its loop and sleeps again. */
export function kthreadLoopsAgain(k: Kernel, task: Task): void {
  const loopAt = task.behavior.type === 'kthread' || task.behavior.type === 'worker' ? task.behavior.loopAt : 0;
  once(k, task, `wake_up_state: ${task.comm}:${task.pid}`, () => {
    if (k.mutant === 'kthread-switches-on-wake') klp_update_patch_state(k, task, 'exit_to_user_mode_loop');
    reenter(k, task, loopAt + 1);
  });
}

/** wake_up_if_idle(): an idle CPU goes round do_idle(), which switches its idle task. */
export function idleLoop(k: Kernel, cpu: number): void {
  const idle = k.cpus[cpu]!.idle;
  once(k, idle, `do_idle: ${idle.comm}`, () => {
    if (k.taskCurr(idle)) klp_update_patch_state(k, idle, 'do_idle');
  });
}
