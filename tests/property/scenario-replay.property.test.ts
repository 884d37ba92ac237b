/**
 * Every narrated timeline scenario can be entered anywhere: opened as the
 * app opens it (all its steps played, then goto the step a link names),
 * going from a random step to another random step shows exactly what
 * playing the scenario forward showed at that step (view, a fresh
 * snapshot, log, step records, shell history, queued events), and the
 * livepatch invariants hold there (but where rmmod -f broke them on purpose). FUZZ_RUNS scales the runs per scenario.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Timeline } from '../../src/session/timeline';
import { SCENARIOS } from '../../src/scenarios/index';
import { playStep } from '../../src/scenarios/run';
import type { TimelineScenario } from '../../src/scenarios/types';
import { FUZZ_RUNS, TIMEOUT, firstDifference, observe, shellFactory, violated } from './arbitraries';

const RUNS = Math.max(10, Math.floor(FUZZ_RUNS / 100));

const timelineScenarios = SCENARIOS.filter((s): s is TimelineScenario => s.kind === 'timeline');

describe('scenario replay', () => {
  it('there are timeline scenarios to replay', () => {
    expect(timelineScenarios.length).toBeGreaterThanOrEqual(8);
  });

  for (const s of timelineScenarios) {
    it(`${s.id}: goto from a random step to another equals playing forward to it (${RUNS} runs)`, () => {
      // played forward, step by step, as the scenario tests and the player do
      const forward = new Timeline(s.setup, shellFactory);
      const seen = [observe(forward)];
      for (const st of s.steps) {
        playStep(forward, st);
        expect(violated(forward.k)).toEqual([]);
        seen.push(observe(forward));
      }
      const n = s.steps.length;
      expect(forward.length).toBe(n);

      // opened as the app opens it: every step played, then the link's step
      const t = new Timeline(s.setup, shellFactory);
      for (const st of s.steps) playStep(t, st);
      fc.assert(
        fc.property(fc.nat(n), fc.nat(n), (from, to) => {
          t.goto(from);
          expect(t.position).toBe(from);
          t.goto(to);
          expect(t.position).toBe(to);
          expect(t.length).toBe(n);
          expect(violated(t.k), `${s.id} ${from}→${to}`).toEqual([]);
          const now = observe(t);
          if (now !== seen[to]) expect.fail(`${s.id}: goto ${from} then ${to}: ${firstDifference(now, seen[to]!)}`);
        }),
        { numRuns: RUNS },
      );
    }, TIMEOUT);
  }
});
