import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { expectEveryStateReached, handledEvents, runEvents, staysPut, summary } from './testing';
import {
  KLP_TRANSITION_PATCHED,
  KLP_TRANSITION_IDLE,
  KLP_TRANSITION_UNPATCHED,
  SIGNALS_TIMEOUT,
  transitionMachine,
  type TransitionEvent,
} from './transition.machine';

type Snap = SnapshotFrom<typeof transitionMachine>;


const init = (patch: string, target: 0 | 1) => ({ type: 'klp_init_transition', patch, target }) as const;
const startEv = { type: 'klp_start_transition' } as const;
const tryComplete = (complete: boolean, autoSignals = true) => ({ type: 'klp_try_complete_transition', complete, autoSignals }) as const;
const reverse = { type: 'klp_reverse_transition' } as const;
const cancel = { type: 'klp_cancel_transition' } as const;
const force = { type: 'klp_force_transition' } as const;
const completed = { type: 'completed' } as const;

function run(events: readonly TransitionEvent[]): Snap {
  return runEvents(transitionMachine, undefined, events);
}

function stays(s: Snap, e: TransitionEvent) {
  return staysPut(transitionMachine, s, e);
}

describe('transition machine: idle and klp_init_transition()', () => {
  it('starts idle with no patch, KLP_TRANSITION_IDLE and a zero counter', () => {
    const [s, actions] = initialTransition(transitionMachine);
    expect(s.value).toBe('idle');
    expect(s.context).toEqual({ patch: null, target: KLP_TRANSITION_IDLE, signals: 0 });
    expect(actions).toEqual([]);
  });

  it('the constants are the kernel\'s', () => {
    expect([KLP_TRANSITION_IDLE, KLP_TRANSITION_UNPATCHED, KLP_TRANSITION_PATCHED, SIGNALS_TIMEOUT]).toEqual([-1, 0, 1, 15]);
  });

  for (const target of [KLP_TRANSITION_PATCHED, KLP_TRANSITION_UNPATCHED] as const) {
    it(`stores patch and target ${target} and logs the target`, () => {
      const [s, actions] = transition(transitionMachine, run([]), init('lp', target));
      expect(s.value).toBe('initialized');
      expect(s.context).toEqual({ patch: 'lp', target, signals: 0 });
      expect(summary(actions)).toEqual([
        { type: 'pr_debug_initializing', params: { target } },
        { type: 'init_task_states' },
      ]);
    });
  }

  it('idle ignores everything but klp_init_transition', () => {
    const idle = run([]);
    for (const e of [startEv, cancel, tryComplete(true), tryComplete(false), reverse, force, completed]) {
      expect(stays(idle, e)).toEqual([]);
    }
  });
});

describe('transition machine: initialized', () => {
  it('klp_start_transition announces the target, sets pending flags, resets the counter', () => {
    const [s, actions] = transition(transitionMachine, run([init('lp', KLP_TRANSITION_UNPATCHED)]), startEv);
    expect(s.value).toBe('running');
    expect(s.context).toEqual({ patch: 'lp', target: KLP_TRANSITION_UNPATCHED, signals: 0 });
    expect(summary(actions)).toEqual([
      { type: 'pr_notice_starting', params: { target: KLP_TRANSITION_UNPATCHED } },
      { type: 'set_pending_flags' },
    ]);
  });

  it('klp_cancel_transition of a PATCHED transition completes it towards UNPATCHED', () => {
    const [s, actions] = transition(transitionMachine, run([init('lp', KLP_TRANSITION_PATCHED)]), cancel);
    expect(s.value).toBe('completing');
    expect(s.context.target).toBe(KLP_TRANSITION_UNPATCHED);
    expect(s.context.patch).toBe('lp');
    expect(summary(actions)).toEqual([
      { type: 'pr_debug_canceling' },
      { type: 'klp_complete_transition', params: { target: KLP_TRANSITION_UNPATCHED } },
    ]);
  });

  it('klp_cancel_transition of an UNPATCHED transition does nothing', () => {
    expect(stays(run([init('lp', KLP_TRANSITION_UNPATCHED)]), cancel)).toEqual([]);
  });

  it('klp_cancel_transition once running does nothing', () => {
    expect(stays(run([init('lp', KLP_TRANSITION_PATCHED), startEv]), cancel)).toEqual([]);
  });
});

describe('transition machine: running', () => {
  const running = run([init('lp', KLP_TRANSITION_PATCHED), startEv]);

  it('complete=true completes towards the current target', () => {
    const [s, actions] = transition(transitionMachine, running, tryComplete(true));
    expect(s.value).toBe('completing');
    expect(summary(actions)).toEqual([{ type: 'klp_complete_transition', params: { target: KLP_TRANSITION_PATCHED } }]);
  });

  it('complete=false counts a retry and schedules another', () => {
    const [s, actions] = transition(transitionMachine, running, tryComplete(false));
    expect(s.value).toBe('running');
    expect(s.context.signals).toBe(1);
    expect(summary(actions)).toEqual([{ type: 'schedule_retry' }]);
  });

  it('signals go out exactly when the counter is a positive multiple of 15; only the first announces', () => {
    let s = running;
    const signalled: { before: number; announce: unknown }[] = [];
    for (let i = 0; i < 47; i++) {
      const before = s.context.signals;
      expect(before).toBe(i);
      const [next, actions] = transition(transitionMachine, s, tryComplete(false));
      expect(next.value).toBe('running');
      expect(next.context.signals).toBe(before + 1);
      const sum = summary(actions);
      if (before > 0 && before % SIGNALS_TIMEOUT === 0) {
        expect(sum).toEqual([
          { type: 'klp_send_signals', params: { announce: before === SIGNALS_TIMEOUT } },
          { type: 'schedule_retry' },
        ]);
        signalled.push({ before, announce: (actions[0]?.params as { announce?: boolean } | undefined)?.announce });
      } else {
        expect(sum).toEqual([{ type: 'schedule_retry' }]);
      }
      s = next;
    }
    // Stated literally, so that a changed SIGNALS_TIMEOUT also fails.
    expect(signalled).toEqual([
      { before: 15, announce: true },
      { before: 30, announce: false },
      { before: 45, announce: false },
    ]);
  });

  it('before 5.1 no retry sends a signal: the signal file was the only way', () => {
    let s = running;
    for (let i = 0; i < 31; i++) {
      const [next, actions] = transition(transitionMachine, s, tryComplete(false, false));
      expect(summary(actions)).toEqual([{ type: 'schedule_retry' }]);
      s = next;
    }
  });

  it('reverse logs the old target, flips it, announces the new one and resets the counter', () => {
    const retried = run([init('lp', KLP_TRANSITION_PATCHED), startEv, tryComplete(false), tryComplete(false)]);
    expect(retried.context.signals).toBe(2);
    const [s, actions] = transition(transitionMachine, retried, reverse);
    expect(s.value).toBe('running');
    expect(s.context).toEqual({ patch: 'lp', target: KLP_TRANSITION_UNPATCHED, signals: 0 });
    expect(summary(actions)).toEqual([
      { type: 'pr_debug_reversing', params: { from: KLP_TRANSITION_PATCHED } },
      { type: 'clear_pending_flags' },
      { type: 'klp_synchronize_transition' },
      { type: 'pr_notice_starting', params: { target: KLP_TRANSITION_UNPATCHED } },
      { type: 'set_pending_flags' },
    ]);

    const [back, actions2] = transition(transitionMachine, s, reverse);
    expect(back.context.target).toBe(KLP_TRANSITION_PATCHED);
    expect(summary(actions2)[0]).toEqual({ type: 'pr_debug_reversing', params: { from: KLP_TRANSITION_UNPATCHED } });
    expect(summary(actions2)[3]).toEqual({ type: 'pr_notice_starting', params: { target: KLP_TRANSITION_PATCHED } });
  });

  it('the signal schedule restarts after a reverse (announce is true again at 15)', () => {
    let s = run([init('lp', KLP_TRANSITION_PATCHED), startEv]);
    for (let i = 0; i < 20; i++) s = transition(transitionMachine, s, tryComplete(false))[0];
    s = transition(transitionMachine, s, reverse)[0];
    expect(s.context.signals).toBe(0);
    const sent: number[] = [];
    for (let i = 0; i < 16; i++) {
      const [next, actions] = transition(transitionMachine, s, tryComplete(false));
      const signal = summary(actions).find((a) => a.type === 'klp_send_signals');
      if (signal) {
        expect(signal).toEqual({ type: 'klp_send_signals', params: { announce: true } });
        sent.push(s.context.signals);
      }
      s = next;
    }
    expect(sent).toEqual([15]);
  });

  it('force warns, forces task states and marks the forced patches with the target, staying in running', () => {
    expect(stays(running, force)).toEqual([
      { type: 'pr_warn_forcing' },
      { type: 'force_task_states' },
      { type: 'mark_forced_patches', params: { target: KLP_TRANSITION_PATCHED } },
    ]);
  });

  it('klp_init_transition is ignored while a transition runs', () => {
    expect(stays(running, init('other', KLP_TRANSITION_UNPATCHED))).toEqual([]);
  });
});

describe('transition machine: completing', () => {
  it('completed returns to idle with no patch, KLP_TRANSITION_IDLE and a zero counter', () => {
    const completing = run([init('lp', KLP_TRANSITION_PATCHED), startEv, tryComplete(false), tryComplete(true)]);
    expect(completing.value).toBe('completing');
    expect(completing.context.signals).toBe(1);
    const [s, actions] = transition(transitionMachine, completing, completed);
    expect(s.value).toBe('idle');
    expect(s.context).toEqual({ patch: null, target: KLP_TRANSITION_IDLE, signals: 0 });
    expect(actions).toEqual([]);
  });

  it('completing ignores retries, reverses and forces', () => {
    const completing = run([init('lp', KLP_TRANSITION_PATCHED), startEv, tryComplete(true)]);
    for (const e of [tryComplete(false), reverse, force, startEv, cancel]) expect(stays(completing, e)).toEqual([]);
  });
});

// ---- path coverage -----------------------------------------------------------

const SAMPLE_EVENTS: TransitionEvent[] = [
  init('lp', KLP_TRANSITION_PATCHED),
  init('lp', KLP_TRANSITION_UNPATCHED),
  startEv,
  cancel,
  tryComplete(true),
  tryComplete(false),
  reverse,
  force,
  completed,
];

describe('transition machine: path coverage', () => {
  it('the sample events cover every event type the machine handles', () => {
    expect([...new Set(SAMPLE_EVENTS.map((e) => e.type))].sort()).toEqual(handledEvents(transitionMachine));
  });

  it('every state is reachable, with both targets, and each shortest path replays', () => {
    // signals grows without bound: leave it out.
    const paths = expectEveryStateReached(transitionMachine, undefined, SAMPLE_EVENTS, (s) =>
      JSON.stringify({ patch: s.context.patch, target: s.context.target }),
    );
    const keys = paths.map((p) => `${String(p.state.value)}:${p.state.context.target}`).sort();
    expect(keys).toEqual([
      'completing:0',
      'completing:1',
      'idle:-1',
      'initialized:0',
      'initialized:1',
      'running:0',
      'running:1',
    ]);
  });
});
