/**
 * Time travel on a Timeline is exact. For random set-ups and random inputs
 * (shell commands, single kernel events, settling, virtual seconds passing,
 * a sleeping task woken):
 * - going to step i, then j, then i again shows exactly what was shown when
 *   step i was first reached going forward, and exactly what a fresh
 *   Timeline that loaded the same inputs shows at step i (view, a fresh
 *   snapshot, the log, every step's record, the shell history, the queue);
 * - acting at a past step drops the future (length = position + 1), keeps
 *   the past, and gives what doing it there in the first place gives;
 * - the livepatch invariants hold at every step visited;
 * - whatever the spacing of the checkpoints going back starts from (copies
 *   of the machine, session/checkpoints.ts), down to one at every step.
 * FUZZ_RUNS scales it (a tenth of it, at least 50, as it replays the engine).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Timeline, type Setup } from '../../src/session/timeline';
import { checkInvariants } from '../../src/kernel/invariants';
import { REPLAY_RUNS, TIMEOUT, firstDifference, observe, replayCommand, replaySituation, seconds, shellFactory } from './arbitraries';

/** What the user does; `wake` picks one of the tasks there are when it runs. */
type Action =
  | { kind: 'command'; line: string }
  | { kind: 'event' }
  | { kind: 'settle' }
  | { kind: 'advance'; seconds: number }
  | { kind: 'wake'; pick: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: replayCommand.map((line) => ({ kind: 'command' as const, line })) },
  { weight: 5, arbitrary: fc.constant({ kind: 'event' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'settle' as const }) },
  { weight: 2, arbitrary: seconds.map((s) => ({ kind: 'advance' as const, seconds: s })) },
  { weight: 3, arbitrary: fc.nat().map((pick) => ({ kind: 'wake' as const, pick })) },
);
const actions = fc.array(action, { minLength: 1, maxLength: 14, size: 'max' });
/** An action that can be taken at a past step (stepping an event there replays the recorded input instead). */
const newAction = action.filter((a) => a.kind !== 'event');
const setup: fc.Arbitrary<Setup> = replaySituation(0).map((s) => s.setup);
/** How far apart a Timeline keeps copies of the machine: 1 restores a copy at every step. */
const checkpointEvery = fc.integer({ min: 1, max: 4 });

/** Acts as the app does at the current step. */
function act(t: Timeline, a: Action): void {
  switch (a.kind) {
    case 'command':
      t.command(a.line);
      return;
    case 'event':
      // at the end, stepping runs the next kernel event as a new input (nothing queued: nothing happens)
      t.forward();
      return;
    case 'settle':
      t.settleStep();
      return;
    case 'advance':
      t.advance(a.seconds);
      return;
    case 'wake': {
      // a task that sleeps, if there is one (a running one is woken for nothing)
      const sleeping = t.k.tasks.filter((x) => x.state !== 'R');
      const pool = sleeping.length ? sleeping : t.k.tasks;
      t.wake(pool[a.pick % pool.length]!.pid);
      return;
    }
  }
}

function expectInvariants(t: Timeline, where: string): void {
  expect(checkInvariants(t.k), `at step ${t.position} (${where}) of ${JSON.stringify(t.inputs)}`).toEqual([]);
}

function expectSame(actual: string, expected: string, where: string): void {
  if (actual !== expected) expect.fail(`${where}: ${firstDifference(actual, expected)}`);
}

/** Plays the actions forward, checking invariants, and returns what each step showed. */
function playForward(t: Timeline, as: readonly Action[]): string[] {
  expectInvariants(t, 'set-up');
  const seen = [observe(t)];
  for (const a of as) {
    const before = t.position;
    act(t, a);
    // stepping with nothing queued does not add a step
    if (t.position === before) continue;
    expect(t.position).toBe(before + 1);
    expectInvariants(t, a.kind);
    seen.push(observe(t));
  }
  expect(t.length).toBe(t.position);
  expect(seen).toHaveLength(t.length + 1);
  return seen;
}

describe('time travel on a Timeline', () => {
  it(`going to i, j, then i again shows what going forward showed, and what a fresh replay shows (${REPLAY_RUNS} runs)`, () => {
    let travelled = 0;
    fc.assert(
      fc.property(setup, actions, fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }), checkpointEvery, (s, as, pairs, every) => {
        // going back starts from a copy of the machine (a checkpoint) as close as every step
        const t = new Timeline(s, shellFactory, { checkpointEvery: every });
        const seen = playForward(t, as);
        const n = t.length;
        const inputs = JSON.stringify(t.inputs);
        for (const [a, b] of pairs) {
          const i = a % (n + 1);
          const j = b % (n + 1);
          for (const [to, what] of [[i, 'i'], [j, 'j'], [i, 'i again']] as const) {
            t.goto(to);
            expect(t.position).toBe(to);
            expectInvariants(t, `goto ${what}`);
            expectSame(observe(t), seen[to]!, `goto(${to}) (${what}, i=${i} j=${j})`);
          }
          if (i !== j) travelled++;
          // going about changes neither the inputs nor how many there are
          expect(t.length).toBe(n);
          expect(JSON.stringify(t.inputs)).toBe(inputs);
        }
        // a fresh Timeline given the same inputs, sent straight to i
        const i = pairs[0]![0] % (n + 1);
        const fresh = new Timeline(s, shellFactory);
        fresh.load(t.inputs);
        fresh.goto(i);
        expectSame(observe(fresh), seen[i]!, `fresh goto(${i})`);
        // past either end: the ends
        t.goto(n + 5);
        expect(t.position).toBe(n);
        t.goto(-3);
        expect(t.position).toBe(0);
        expectSame(observe(t), seen[0]!, 'goto(-3)');
      }),
      { numRuns: REPLAY_RUNS },
    );
    expect(travelled).toBeGreaterThan(REPLAY_RUNS / 2);
  }, TIMEOUT);

  it(`acting at a past step drops the future, keeps the past, and is as if done there (${REPLAY_RUNS} runs)`, () => {
    fc.assert(
      fc.property(setup, actions, fc.nat(), newAction, checkpointEvery, (s, as, at, a, every) => {
        const t = new Timeline(s, shellFactory, { checkpointEvery: every });
        const seen = playForward(t, as);
        const n = t.length;
        const i = at % (n + 1);
        t.goto(i);
        const past = JSON.stringify(t.inputs.slice(0, i));
        act(t, a);
        expect(t.length).toBe(i + 1);
        expect(t.position).toBe(i + 1);
        expect(JSON.stringify(t.inputs.slice(0, i))).toBe(past);
        expectInvariants(t, `${a.kind} at step ${i}`);
        const now = observe(t);
        // the same as a fresh Timeline that was given these inputs
        const fresh = new Timeline(s, shellFactory);
        fresh.load(t.inputs);
        expectSame(observe(fresh), now, `fresh after acting at ${i}`);
        // the new history replays exactly, and its past is the old past
        t.goto(0);
        expectSame(observe(t), seen[0]!, 'back to 0 in the new history');
        t.goto(i);
        expectSame(observe(t), seen[i]!, `back to ${i} in the new history`);
        t.goto(i + 1);
        expectSame(observe(t), now, `forward to ${i + 1} in the new history`);
        // the dropped future does not come back: stepping on runs kernel events, not the old inputs
        const rec = t.forward();
        if (rec) expect(rec.input).toEqual({ kind: 'event' });
        expect(t.length).toBe(t.position);
      }),
      { numRuns: REPLAY_RUNS },
    );
  }, TIMEOUT);
});
