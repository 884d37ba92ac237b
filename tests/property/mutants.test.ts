/**
 * Mutation tests for the invariant watch: each deliberate bug of
 * src/kernel/mutants.ts, planted in the engine, must make the consistency
 * property (consistency.ts) fail, on the rule the bug breaks, while the
 * unplanted engine passes it (consistency.property.test.ts). Two bugs the
 * old checker let through are also shown on a run written out.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { consistencyCase, playCase, runCase, type ConsistencyCase } from './consistency';
import { MUTANTS, type Mutant } from '../../src/kernel/mutants';
import { TIMEOUT } from './arbitraries';

/** The rule of semantics.md (§7, or §2.3 for the safe points) each bug breaks. */
const BREAKS: Record<Mutant, string> = {
  'switch-while-sleeping': '7.7',
  'switch-while-running': '7.7',
  'kthread-switches-on-wake': '2.3',
  'reverse-resets-universes': '7.4',
  'handler-ignores-universe': '7.8',
  'complete-while-blocked': '7.6',
  'post-patch-at-start': '7.9',
  'free-in-store': '7.13',
  'forced-module-put': '7.14',
};

const LP = '/sys/kernel/livepatch';
const run = (lines: string[], rest: Partial<ConsistencyCase> = {}): ConsistencyCase => ({
  config: {},
  tasks: [],
  acts: lines.map((line) => ({ line, events: -1 })),
  ...rest,
});

/** The kworker sleeps in busymod_work_func when test_klp_callbacks_demo patches it. */
const SLEEPING_IN_PATCHED = run(['insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y', 'insmod test_modules/test_klp_callbacks_demo.ko']);

/**
 * A task in an uninterruptible sleep with an unreliable stack stalls every
 * transition until its wait ends (it switches on its way back to user space,
 * then sleeps again). Forcing the unpatching transition it stalls marks the
 * patch forced (mainline, since 5.18), and free_work frees the patch.
 */
const FORCED_AND_FREED: ConsistencyCase = {
  config: {},
  tasks: [{ comm: 'reader', kind: 'user', sleepsIn: ['ksys_read', 'vfs_read', 'pipe_read'], state: 'D', unreliable: true }],
  acts: [
    { line: 'insmod test_modules/test_klp_livepatch.ko', events: -1 },
    { wake: 0 },
    { line: 'sleep 2', events: -1 },
    { line: `echo 0 > ${LP}/test_klp_livepatch/enabled`, events: -1 },
    { line: `echo 1 > ${LP}/test_klp_livepatch/force`, events: -1 },
    { line: 'sleep 2', events: -1 },
  ],
};

describe('the invariant watch catches a broken engine', () => {
  it('the two runs written out hold on the engine as it is: the kworker stays pending, the forced module stays pinned', () => {
    const sleeping = playCase(SLEEPING_IN_PATCHED);
    expect(sleeping.violations).toEqual([]);
    expect(sleeping.sh.run(`cat ${LP}/test_klp_callbacks_demo/transition`).stdout).toBe('1\n');
    const forced = playCase(FORCED_AND_FREED);
    expect(forced.violations).toEqual([]);
    expect(forced.sh.run(`ls ${LP}`).stdout).toBe('');
    expect(forced.sh.run('rmmod test_klp_livepatch').stderr).toBe('rmmod: ERROR: Module test_klp_livepatch is in use\n');
  });

  it('the stack check disabled: the kworker switches while sleeping in busymod_work_func', () => {
    const v = runCase(SLEEPING_IN_PATCHED, 'switch-while-sleeping');
    expect(v.find((x) => x.startsWith('7.7:'))).toMatch(/^7\.7: kworker\/\d+:\d+:\d+ switched while sleeping on busymod_work_func \[test_klp_callbacks_busy\], the unpatched code of busymod_work_func/);
    expect(v.find((x) => x.startsWith('7.8:'))).toMatch(/^7\.8: kworker\/.* \(patched\) runs busymod_work_func \[test_klp_callbacks_busy\] for busymod_work_func, its universe runs patched_work_func \[test_klp_callbacks_demo\]/);
  });

  it("free_work releasing a forced patch's module: the reference a forced patch keeps for good is gone", () => {
    const { violations: v, sh } = playCase(FORCED_AND_FREED, 'forced-module-put');
    expect(sh.run('rmmod test_klp_livepatch').status).toBe(0);
    expect(v.filter((x) => x.startsWith('7.14:')).map((x) => x.replace(/ \(after .*/, ''))).toEqual([
      '7.14: module_put() of test_klp_livepatch, whose patch was forced',
      '7.14: module test_klp_livepatch of a forced patch lost its reference (refcnt 0)',
    ]);
  });

  for (const [mutant, what] of Object.entries(MUTANTS) as [Mutant, string][]) {
    it(`${what} (${mutant}): random runs break §${BREAKS[mutant]}`, () => {
      const r = fc.check(
        fc.property(consistencyCase, (c) => runCase(c, mutant).length === 0),
        { numRuns: 3000, seed: 1, endOnFailure: true },
      );
      expect(r.failed, `${mutant} went unnoticed over ${r.numRuns} runs`).toBe(true);
      const v = runCase(r.counterexample![0], mutant);
      expect(v.some((x) => x.startsWith(`${BREAKS[mutant]}:`)), v.join('\n')).toBe(true);
    }, TIMEOUT);
  }
});
