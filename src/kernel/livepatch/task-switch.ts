/**
 * kernel/livepatch/transition.c, the task's side: whether and when one task
 * switches to the target universe. Its stack check (klp_try_switch_task()),
 * and the hooks the rest of the kernel calls on a task's way
 * (include/linux/livepatch.h, livepatch_sched.h): klp_update_patch_state()
 * on the way to user space and in the idle loop, klp_copy_process() at a
 * fork, klp_sched_try_switch() in __schedule(). transition.ts drives the
 * transition as a whole and calls these; the scheduler's events
 * (world/task-events.ts) call them without depending on the driver.
 */
import type { Kernel } from '../kernel';
import { sameCode, type CodeRef } from '../world/code';
import { LIVEPATCH_TRANSITION as W, say } from '../words';
import type { Task } from '../world/tasks';
import { KLP_TRANSITION_UNPATCHED } from '../machines/transition.machine';
import { klp_find_ops } from './patch';
import type { KlpFunc, KlpPatch } from './types';
import type { SwitchSite } from './trace';

/** klp_transition_patch: the patch in transition (there must be one). */
export function currentPatch(k: Kernel): KlpPatch {
  const p = k.klpTransitionPatch();
  if (!p) throw new Error('no klp_transition_patch');
  return p;
}

/** klp_update_patch_state(): a pending task takes the target state. `site` names the caller (for the invariant watch). */
export function klp_update_patch_state(k: Kernel, task: Task, site: SwitchSite): void {
  if (task.pending) {
    k.klpObserver?.({ type: 'switch', task, site });
    task.pending = false;
    task.patchState = k.klpTargetState();
  }
}

/**
 * klp_copy_process(), from copy_process(): a child starts with its parent's
 * patch_state and TIF_PATCH_PENDING, so a task forked during a transition is
 * in its parent's universe and switches the way any task does.
 */
export function klp_copy_process(child: Task, parent: Task): void {
  child.pending = parent.pending;
  child.patchState = parent.patchState;
}

/**
 * klp_sched_try_switch(prev), from __schedule() (since 6.16, 676e8cf70cb0):
 * while a transition runs (klp_sched_try_switch_key, enabled by
 * klp_start_transition()), a task going to a freezable sleep (TASK_FREEZABLE
 * in its state) tries to switch itself. From 6.4 to 6.15 (e3ff7c609f39) the
 * hook was in cond_resched() instead; before 6.4 there was none.
 */
export function klp_sched_try_switch(k: Kernel, prev: Task, freezable: boolean): void {
  if (k.transitionRunning() && freezable) __klp_sched_try_switch(k, prev);
}

/** klp_cond_resched() (6.4–6.15, e3ff7c609f39): cond_resched() in a busy kthread's loop, while a transition runs. */
export function klp_cond_resched(k: Kernel, current: Task): void {
  if (k.transitionRunning()) __klp_sched_try_switch(k, current);
}

/** __klp_sched_try_switch(): a pending `current` checks its own stack (it is not "running" to itself). */
export function __klp_sched_try_switch(k: Kernel, current: Task): void {
  if (!current.pending) return;
  klp_try_switch_task(k, current);
}

/**
 * klp_check_stack_func(): the code whose presence on a stack blocks the
 * switch. Unpatching: the func's own new code. Patching: the original, or
 * the previous patch's replacement when the function was already patched.
 */
export function klp_check_stack_func(k: Kernel, func: KlpFunc): CodeRef | null {
  if (k.klpTargetState() === KLP_TRANSITION_UNPATCHED) return func.newFunc;
  if (!func.oldFunc) return null;
  const ops = klp_find_ops(k, func.oldFunc);
  if (!ops || ops.funcStack.length === 1) return func.oldFunc;
  const prev = ops.funcStack[ops.funcStack.indexOf(func) + 1];
  return prev ? prev.newFunc : func.oldFunc;
}

/** klp_check_stack(): the old_name of the first function found, or null. */
export function klp_check_stack(k: Kernel, task: Task): string | null {
  for (const obj of currentPatch(k).objs) {
    if (!obj.patched) continue;
    for (const func of obj.funcs) {
      const code = klp_check_stack_func(k, func);
      if (code && task.chain.some((frame) => sameCode(frame, code))) return func.oldName;
    }
  }
  return null;
}

/** Why klp_try_switch_task() cannot switch a task now (null: it can). */
export type SwitchBlocker =
  | { why: 'no-reliable-stack' }
  | { why: 'running' }
  | { why: 'unreliable' }
  | { why: 'sleeping'; func: string };

/**
 * The one answer to "why can this task not switch": klp_try_switch_task()'s
 * checks in its order. The transition acts on it, the view snapshot shows
 * it, and the task view words it, so the three cannot disagree.
 */
export function klpSwitchBlocker(k: Kernel, task: Task): SwitchBlocker | null {
  // klp_have_reliable_stack(): without it no task is switched by its stack, silently.
  if (!k.config.reliableStacks) return { why: 'no-reliable-stack' };
  // task_call_func() → klp_check_and_switch_task(): a task running on another CPU is -EBUSY.
  if (k.taskCurr(task) && task !== k.current) return { why: 'running' };
  // klp_check_stack(): stack_trace_save_tsk_reliable() failed, -EINVAL.
  if (task.unreliableStack) return { why: 'unreliable' };
  const func = klp_check_stack(k, task);
  return func ? { why: 'sleeping', func } : null;
}

/**
 * klp_try_switch_task(). With `dry`, only says whether it would succeed:
 * settling uses that to tell a retry that makes progress from a stalled one.
 */
export function klp_try_switch_task(k: Kernel, task: Task, dry = false): boolean {
  const target = k.klpTargetState();
  if (task.patchState === target) return true;
  const blocker = klpSwitchBlocker(k, task);
  if (dry) return blocker === null;
  const mutated = (blocker?.why === 'sleeping' && k.mutant === 'switch-while-sleeping') || (blocker?.why === 'running' && k.mutant === 'switch-while-running');
  if (blocker === null || mutated) {
    k.klpObserver?.({ type: 'switch', task, site: 'klp_try_switch_task' });
    task.pending = false;
    task.patchState = target;
    return true;
  }
  const who = { comm: task.comm, pid: task.pid };
  if (blocker.why === 'running') say(k, W.running, who);
  else if (blocker.why === 'unreliable') say(k, W.unreliable, who);
  else if (blocker.why === 'sleeping') say(k, W.sleeping, { ...who, function: blocker.func });
  return false;
}
