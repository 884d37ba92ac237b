/**
 * The one livepatch transition the kernel runs at a time
 * (kernel/livepatch/transition.c): klp_transition_patch, klp_target_state and
 * klp_signals_cnt. Per-task switching (the stack checks) is data the actions
 * update; the rules for when to retry, signal, reverse, force and complete
 * live here.
 */
import { assign, setup } from 'xstate';

export const KLP_TRANSITION_IDLE = -1;
export const KLP_TRANSITION_UNPATCHED = 0;
export const KLP_TRANSITION_PATCHED = 1;
export type KlpState = -1 | 0 | 1;

/** SIGNALS_TIMEOUT: fake signals go out on every 15th retry. */
export const SIGNALS_TIMEOUT = 15;

export interface TransitionContext {
  /** klp_transition_patch (by name), or null */
  patch: string | null;
  /** klp_target_state */
  target: KlpState;
  /** klp_signals_cnt */
  signals: number;
}

export type TransitionEvent =
  | { type: 'klp_init_transition'; patch: string; target: 0 | 1 }
  | { type: 'klp_start_transition' }
  | { type: 'klp_cancel_transition' }
  /**
   * klp_try_complete_transition(), after every task and idle task was tried;
   * `autoSignals`: the release sends fake signals by itself (5.1, when the signal file went)
   */
  | { type: 'klp_try_complete_transition'; complete: boolean; autoSignals: boolean }
  | { type: 'klp_reverse_transition' }
  | { type: 'klp_force_transition' }
  /** the end of klp_complete_transition() */
  | { type: 'completed' };

export const transitionMachine = setup({
  types: {
    context: {} as TransitionContext,
    events: {} as TransitionEvent,
  },
  guards: {
    complete: ({ event }) => event.type === 'klp_try_complete_transition' && event.complete,
    targetPatched: ({ context }) => context.target === KLP_TRANSITION_PATCHED,
    signalsDue: ({ context, event }) =>
      event.type === 'klp_try_complete_transition' && event.autoSignals && context.signals > 0 && context.signals % SIGNALS_TIMEOUT === 0,
  },
  actions: {
    pr_debug_initializing: (_, _p: { target: KlpState }) => {},
    /** every task and idle task to the initial state; every func->transition = true */
    init_task_states: () => {},
    pr_notice_starting: (_, _p: { target: KlpState }) => {},
    /** TIF_PATCH_PENDING on every task whose patch_state differs from the target */
    set_pending_flags: () => {},
    pr_debug_canceling: () => {},
    klp_complete_transition: (_, _p: { target: KlpState }) => {},
    /** "signaling remaining tasks" is printed only when the counter equals SIGNALS_TIMEOUT */
    klp_send_signals: (_, _p: { announce: boolean }) => {},
    schedule_retry: () => {},
    pr_debug_reversing: (_, _p: { from: KlpState }) => {},
    clear_pending_flags: () => {},
    klp_synchronize_transition: () => {},
    pr_warn_forcing: () => {},
    force_task_states: () => {},
    mark_forced_patches: (_, _p: { target: KlpState }) => {},
    countRetry: assign({ signals: ({ context }) => context.signals + 1 }),
  },
}).createMachine({
  id: 'transition',
  context: { patch: null, target: KLP_TRANSITION_IDLE, signals: 0 },
  initial: 'idle',
  states: {
    idle: {
      description: 'klp_transition_patch = NULL, klp_target_state = KLP_TRANSITION_IDLE',
      on: {
        klp_init_transition: {
          target: 'initialized',
          actions: [
            assign({ patch: ({ event }) => event.patch, target: ({ event }) => event.target }),
            { type: 'pr_debug_initializing', params: ({ context }) => ({ target: context.target }) },
            'init_task_states',
          ],
        },
      },
    },
    initialized: {
      description: 'klp_init_transition(): tasks hold the initial state, no task is pending yet',
      on: {
        klp_start_transition: {
          target: 'running',
          actions: [
            { type: 'pr_notice_starting', params: ({ context }) => ({ target: context.target }) },
            'set_pending_flags',
            assign({ signals: 0 }),
          ],
        },
        klp_cancel_transition: {
          guard: 'targetPatched',
          target: 'completing',
          actions: [
            'pr_debug_canceling',
            assign({ target: KLP_TRANSITION_UNPATCHED }),
            { type: 'klp_complete_transition', params: { target: KLP_TRANSITION_UNPATCHED } },
          ],
        },
      },
    },
    running: {
      description: 'klp_start_transition(): pending tasks switch on stack checks, at kernel exit, or in the idle loop',
      on: {
        klp_try_complete_transition: [
          {
            guard: 'complete',
            target: 'completing',
            actions: { type: 'klp_complete_transition', params: ({ context }) => ({ target: context.target }) },
          },
          {
            guard: 'signalsDue',
            actions: [
              {
                type: 'klp_send_signals',
                params: ({ context }) => ({ announce: context.signals === SIGNALS_TIMEOUT }),
              },
              'countRetry',
              'schedule_retry',
            ],
          },
          { actions: ['countRetry', 'schedule_retry'] },
        ],
        klp_reverse_transition: {
          actions: [
            { type: 'pr_debug_reversing', params: ({ context }) => ({ from: context.target }) },
            'clear_pending_flags',
            'klp_synchronize_transition',
            assign({ target: ({ context }) => (context.target === KLP_TRANSITION_PATCHED ? KLP_TRANSITION_UNPATCHED : KLP_TRANSITION_PATCHED) }),
            { type: 'pr_notice_starting', params: ({ context }) => ({ target: context.target }) },
            'set_pending_flags',
            assign({ signals: 0 }),
          ],
        },
        klp_force_transition: {
          actions: [
            'pr_warn_forcing',
            'force_task_states',
            { type: 'mark_forced_patches', params: ({ context }) => ({ target: context.target }) },
          ],
        },
      },
    },
    completing: {
      description: 'klp_complete_transition(): every task reached the target',
      on: {
        completed: { target: 'idle', actions: assign({ patch: null, target: KLP_TRANSITION_IDLE, signals: 0 }) },
      },
    },
  },
});
