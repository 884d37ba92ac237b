/**
 * The consistency model over time: random runs that stall, reverse, force
 * and replace transitions (consistency.ts), checked by the invariant watch
 * after every command and every kernel event. The same runs, with a bug
 * planted, must fail (mutants.test.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { consistencyCase, runCase } from './consistency';
import { FUZZ_RUNS, TIMEOUT } from './arbitraries';

const RUNS = Math.max(100, Math.floor(FUZZ_RUNS / 4));

describe('the consistency model', () => {
  it(`holds over ${RUNS} random runs of stalled, reversed, forced and replacing transitions`, () => {
    fc.assert(
      fc.property(consistencyCase, (c) => {
        expect(runCase(c)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});
