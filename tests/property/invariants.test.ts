/**
 * Random command sequences, valid and invalid: after every command, and
 * after every single kernel event that follows it, the invariants of the
 * livepatch core hold (the rules over time checked as each step happens)
 * and nothing throws. FUZZ_RUNS sets how many sequences (npm test runs
 * 1,000; npm run fuzz many more).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bootKernel } from '../../src/kernel/boot';
import { Shell } from '../../src/kernel/shell/shell';
import { settle } from '../../src/kernel/settle';
import { watchInvariants, type InvariantWatch } from '../../src/kernel/invariants';
import { stepArb } from './commands';
import { TIMEOUT } from './arbitraries';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

function violations(watch: InvariantWatch, after: string): string[] {
  return watch.check().map((v) => `${v} (after ${JSON.stringify(after)})`);
}

describe('invariants under random commands', () => {
  it(`hold after every step of ${RUNS} random sequences`, () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 14 }), fc.integer({ min: 1, max: 1000 }), (steps, seed) => {
        const k = bootKernel({ seed });
        const watch = watchInvariants(k);
        const sh = new Shell(k);
        expect(violations(watch, 'boot')).toEqual([]);
        for (const [line, events] of steps) {
          sh.run(line);
          expect(violations(watch, line)).toEqual([]);
          if (events < 0) settle(k);
          else for (let i = 0; i < events && k.step(); i++) expect(violations(watch, `${line} +event`)).toEqual([]);
          expect(violations(watch, `${line} (settled)`)).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('a command that does not parse changes nothing', () => {
    const k = bootKernel();
    const sh = new Shell(k);
    const before = JSON.stringify({ log: k.log.records.length, tasks: k.tasks.length, mods: [...k.modules.keys()] });
    for (const bad of ['insmod "test_modules/test_klp_livepatch.ko', 'echo 0 > ', '| rmmod x', 'echo $(insmod x']) {
      const r = sh.run(bad);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^bash: /);
    }
    expect(JSON.stringify({ log: k.log.records.length, tasks: k.tasks.length, mods: [...k.modules.keys()] })).toBe(before);
  });
});
