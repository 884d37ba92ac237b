/**
 * kernel/livepatch/transition.c: the consistency model. Every task moves
 * from the initial universe to the target one when it is safe: a stack check
 * finds no to-be-(un)patched function on its stack, it returns to user space,
 * or (idle tasks) it goes round the idle loop. The transition machine holds
 * the rules; these functions are its actions. One task's switch (the stack
 * check, klp_update_patch_state()) is task-switch.ts, which the scheduler's
 * events call too.
 */
import { fentry } from '../world/fgraph';
import type { Kernel } from '../kernel';
import { drive } from '../world/drive';
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
import { klp_unpatch_objects } from './patch';
import { klp_post_patch_callback, klp_post_unpatch_callback, klp_is_object_loaded } from './callbacks';
// transition.c and core.c call each other (klp_complete_transition() → klp_unpatch_replaced_patches(),
// klp_enable_patch() → klp_start_transition()), and so do these files; register.ts likewise.
import { klp_discard_nops, klp_unpatch_replaced_patches, patchSend } from './core';
import { registeredPatchSend } from './register';
import type { KlpPatch } from './types';
import { currentPatch, klp_try_switch_task, klp_update_patch_state } from './task-switch';
import { PATHS, touchPatch } from './freed';
import { taskReturnsToUser, kthreadLoopsAgain, idleLoop, pendingTaskRunsOn } from '../world/task-events';
import { runWork } from '../world/workqueue';

const word = (t: KlpState) => (t === KLP_TRANSITION_PATCHED ? 'patching' : 'unpatching');

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
  using _ = fentry(k, 'klp_init_transition');
  transitionSend(k, { type: 'klp_init_transition', patch: patch.mod.name, target: state });
}

export function klp_start_transition(k: Kernel): void {
  using _ = fentry(k, 'klp_start_transition');
  transitionSend(k, { type: 'klp_start_transition' });
}

export function klp_cancel_transition(k: Kernel): void {
  using _ = fentry(k, 'klp_cancel_transition');
  transitionSend(k, { type: 'klp_cancel_transition' });
}

export function klp_reverse_transition(k: Kernel): void {
  using _ = fentry(k, 'klp_reverse_transition');
  transitionSend(k, { type: 'klp_reverse_transition' });
}

export function klp_force_transition(k: Kernel): void {
  using _ = fentry(k, 'klp_force_transition');
  transitionSend(k, { type: 'klp_force_transition' });
}

/**
 * klp_try_complete_transition(): try every task, then every CPU's idle task
 * (kicking idle CPUs so their idle task goes round the loop), and let the
 * machine decide between completing and retrying a second later.
 */
export function klp_try_complete_transition(k: Kernel): void {
  using _ = fentry(k, 'klp_try_complete_transition');
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
  using _ = fentry(k, 'klp_complete_transition');
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
    using _ = fentry(k, 'klp_transition_work_fn');
    if (k.klpTransitionPatch()) klp_try_complete_transition(k);
  });
}
