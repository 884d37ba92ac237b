/**
 * kernel/livepatch/transition.c: the consistency model. Every task moves
 * from the initial universe to the target one when it is safe: a stack check
 * finds no to-be-(un)patched function on its stack, it returns to user space,
 * or (idle tasks) it goes round the idle loop. The transition machine holds
 * the rules; these functions are its actions.
 */
import type { Kernel } from '../kernel';
import { drive } from '../world/drive';
import { sameCode, type CodeRef } from '../world/code';
import { EADDRINUSE, EBUSY, EINVAL } from '../world/errno';
import { LIVEPATCH_TRANSITION as W, say } from '../words';
import { USEC_PER_SEC } from '../world/events';
import type { Task } from '../world/tasks';
import {
  transitionMachine,
  KLP_TRANSITION_PATCHED,
  KLP_TRANSITION_IDLE,
  KLP_TRANSITION_UNPATCHED,
  type KlpState,
  type TransitionEvent,
} from '../machines/transition.machine';
import { klp_find_ops, klp_unpatch_objects } from './patch';
import { klp_post_patch_callback, klp_post_unpatch_callback, klp_is_object_loaded } from './callbacks';
import { klp_discard_nops, klp_unpatch_replaced_patches, patchSend } from './core';
import { registeredPatchSend } from './register';
import type { KlpFunc, KlpPatch } from './types';
import { PATHS, touchPatch } from './freed';
import { taskReturnsToUser, kthreadLoopsAgain, idleLoop, pendingTaskRunsOn } from '../world/task-events';
import { runWork } from '../world/workqueue';
import type { SwitchSite } from './trace';

const word = (t: KlpState) => (t === KLP_TRANSITION_PATCHED ? 'patching' : 'unpatching');

function currentPatch(k: Kernel): KlpPatch {
  const p = k.klpTransitionPatch();
  if (!p) throw new Error('no klp_transition_patch');
  return p;
}

function everyTask(k: Kernel): Task[] {
  return [...k.tasks, ...k.cpus.map((c) => c.idle)];
}

/** Sends an event to the transition machine and runs what it decides. */
export function transitionSend(k: Kernel, event: TransitionEvent): number {
  return drive(
    transitionMachine,
    () => k.klp.transition,
    (s) => (k.klp.transition = s),
    event,
    {
      pr_debug_initializing: (p) => say(k, W.initializing, { patch: currentPatch(k).mod.name, state: word(p.target as KlpState) }),
      init_task_states: () => {
        const initial: KlpState = k.klpTargetState() === KLP_TRANSITION_PATCHED ? KLP_TRANSITION_UNPATCHED : KLP_TRANSITION_PATCHED;
        for (const t of everyTask(k)) t.patchState = initial;
        for (const obj of currentPatch(k).objs) for (const f of obj.funcs) f.transition = true;
        k.klpObserver?.({ type: 'klp_init_transition' });
      },
      pr_notice_starting: (p) => say(k, W.starting, { patch: currentPatch(k).mod.name, state: word(p.target as KlpState) }),
      set_pending_flags: () => {
        const target = k.klpTargetState();
        for (const t of everyTask(k)) if (t.patchState !== target) t.pending = true;
        for (const t of k.tasks) if (t.pending) pendingTaskRunsOn(k, t);
        if (k.mutant === 'post-patch-at-start' && target === KLP_TRANSITION_PATCHED)
          for (const obj of currentPatch(k).objs) if (klp_is_object_loaded(obj)) klp_post_patch_callback(k, obj);
      },
      pr_debug_canceling: () => say(k, W.canceling, { patch: currentPatch(k).mod.name }),
      klp_complete_transition: (p) => klp_complete_transition(k, p.target as KlpState),
      klp_send_signals: (p) => klp_send_signals(k, p.announce as boolean),
      schedule_retry: () => scheduleRetry(k),
      pr_debug_reversing: (p) =>
        say(k, W.reversing, {
          patch: currentPatch(k).mod.name,
          direction: p.from === KLP_TRANSITION_PATCHED ? 'patching to unpatching' : 'unpatching to patching',
        }),
      clear_pending_flags: () => everyTask(k).forEach((t) => (t.pending = false)),
      klp_synchronize_transition: () => {
        // The machine has already flipped the target: the mutant puts every task in the new direction's initial state.
        if (k.mutant === 'reverse-resets-universes') for (const t of everyTask(k)) t.patchState = k.klpTargetState() === KLP_TRANSITION_PATCHED ? 0 : 1;
      },
      pr_warn_forcing: () => say(k, W.forcing),
      force_task_states: () => {
        k.klpObserver?.({ type: 'klp_force_transition' });
        everyTask(k).forEach((t) => klp_update_patch_state(k, t, 'klp_force_transition'));
      },
      mark_forced_patches: (p) => {
        // Since 5.18 (2957308343fa) only the patches the forced transition removes are marked; 5.1–5.17 marked all;
        // 4.15–5.0 set one global klp_forced, which keeps every later unpatching from dropping its reference.
        const patch = currentPatch(k);
        if (k.profile.forcedFlagGlobal) {
          k.klp.forced = true;
          for (const each of k.klp.all) if (String(each.machine.value) !== 'registered') patchEvent(k, each, 'forced');
        } else if (k.config.forceMarksEveryPatch || k.profile.forceMarksEveryPatch) for (const each of k.klp.patches) patchSend(k, each, { type: 'forced' });
        else if (p.target === KLP_TRANSITION_UNPATCHED) patchSend(k, patch, { type: 'forced' });
        else if (patch.machine.context.replace)
          for (const other of k.klp.patches) if (other !== patch) patchSend(k, other, { type: 'forced' });
      },
    },
  );
}

export function klp_init_transition(k: Kernel, patch: KlpPatch, state: 0 | 1): void {
  transitionSend(k, { type: 'klp_init_transition', patch: patch.mod.name, target: state });
}

export function klp_start_transition(k: Kernel): void {
  transitionSend(k, { type: 'klp_start_transition' });
}

export function klp_cancel_transition(k: Kernel): void {
  transitionSend(k, { type: 'klp_cancel_transition' });
}

export function klp_reverse_transition(k: Kernel): void {
  transitionSend(k, { type: 'klp_reverse_transition' });
}

export function klp_force_transition(k: Kernel): void {
  transitionSend(k, { type: 'klp_force_transition' });
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

/**
 * klp_try_complete_transition(): try every task, then every CPU's idle task
 * (kicking idle CPUs so their idle task goes round the loop), and let the
 * machine decide between completing and retrying a second later.
 */
export function klp_try_complete_transition(k: Kernel): void {
  const transitionPatch = k.klpTransitionPatch();
  if (transitionPatch) touchPatch(k, transitionPatch, 'klp_try_complete_transition', ['klp_transition_work_fn', ...PATHS.worker]);
  k.charge(k.tasks.length + k.cpus.length);
  let complete = true;
  for (const task of [...k.tasks]) if (!klp_try_switch_task(k, task)) complete = false;
  for (const cpu of k.cpus) {
    const idle = cpu.idle;
    if (cpu.online) {
      if (!klp_try_switch_task(k, idle)) {
        complete = false;
        idleLoop(k, cpu.id); // wake_up_if_idle()
      }
    } else if (idle.patchState !== k.klpTargetState()) {
      k.klpObserver?.({ type: 'switch', task: idle, site: 'klp_try_complete_transition' });
      idle.pending = false;
      idle.patchState = k.klpTargetState();
    }
  }
  if (k.mutant === 'complete-while-blocked') complete = true;
  const patch = currentPatch(k);
  transitionSend(k, { type: 'klp_try_complete_transition', complete, autoSignals: k.profile.autoSignals });
  if (!complete) return;
  // The transition machine completed it; now free what the new state leaves unused.
  patchEvent(k, patch, 'transition.completed');
}

/** An event of the transition for the patch's own machine, whichever API its release has. */
function patchEvent(k: Kernel, patch: KlpPatch, type: 'transition.completed' | 'forced'): void {
  if (patch.machine.machine.id === 'registeredPatch')
    registeredPatchSend(k, patch, type === 'forced' ? { type } : { type, klpForced: k.klp.forced });
  else patchSend(k, patch, { type });
}

/** Would the pending retry switch anyone (or complete)? Used by settling. */
export function klpRetryWouldProgress(k: Kernel): boolean {
  if (!k.transitionRunning()) return true;
  const target = k.klpTargetState();
  let allSwitched = true;
  for (const t of k.tasks) {
    if (t.patchState === target) continue;
    allSwitched = false;
    if (klp_try_switch_task(k, t, true)) return true;
  }
  for (const c of k.cpus) {
    if (c.idle.patchState === target) continue;
    allSwitched = false;
    // An offline CPU's idle task is switched outright; an online one by its stack check, or else
    // it gets kicked and switches in its loop, but only if its CPU is idle (nothing else runs there).
    if (!c.online || klp_try_switch_task(k, c.idle, true) || k.taskCurr(c.idle)) return true;
  }
  return allSwitched;
}

/** klp_complete_transition(): the order of operations is the kernel's. */
function klp_complete_transition(k: Kernel, target: KlpState): void {
  const patch = currentPatch(k);
  k.klpObserver?.({ type: 'klp_complete_transition' });
  say(k, W.completing, { patch: patch.mod.name, state: word(target) });
  if (patch.machine.context.replace && target === KLP_TRANSITION_PATCHED) {
    klp_unpatch_replaced_patches(k, patch);
    klp_discard_nops(k, patch);
  }
  if (target === KLP_TRANSITION_UNPATCHED) klp_unpatch_objects(k, patch);
  for (const obj of patch.objs) for (const f of obj.funcs) f.transition = false;
  for (const t of everyTask(k)) {
    t.pending = false;
    t.patchState = KLP_TRANSITION_IDLE;
  }
  for (const obj of patch.objs) {
    if (!klp_is_object_loaded(obj)) continue;
    if (target === KLP_TRANSITION_PATCHED) klp_post_patch_callback(k, obj);
    else klp_post_unpatch_callback(k, obj);
  }
  say(k, W.complete, { patch: patch.mod.name, state: word(target) });
  transitionSend(k, { type: 'completed' });
}

/** klp_send_signals(): wake interruptible kthreads, fake-signal user tasks. */
export function klp_send_signals(k: Kernel, announce: boolean): void {
  if (announce) say(k, W.signaling);
  for (const task of k.tasks) {
    if (!task.pending) continue;
    if (task.kind === 'kthread') {
      if (task.state === 'S') kthreadLoopsAgain(k, task);
    } else {
      task.notifySignal = true;
      if (task.state === 'S') taskReturnsToUser(k, task);
    }
  }
}

/** schedule_delayed_work(&klp_transition_work, round_jiffies_relative(HZ)) */
function scheduleRetry(k: Kernel): void {
  if (k.klp.retry && !k.klp.retry.cancelled) return;
  const abs = k.now + USEC_PER_SEC;
  const rem = abs % USEC_PER_SEC;
  const due = rem < USEC_PER_SEC / 4 ? abs - rem : abs - rem + USEC_PER_SEC;
  const cpu = k.current?.cpu ?? 0;
  k.klp.retry = k.schedule(due - k.now, 'klp-retry', 'klp_transition_work_fn', klp_transition_work_fn, cpu);
}

function klp_transition_work_fn(k: Kernel, cpu: number): void {
  k.klp.retry = null;
  runWork(k, cpu, 'klp_transition_work_fn', () => {
    if (k.klpTransitionPatch()) klp_try_complete_transition(k);
  });
}
