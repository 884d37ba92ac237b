/**
 * With CONFIG_MODULE_FORCE_UNLOAD, `rmmod -f` of a livepatch module breaks
 * the kernel on purpose: its patch stays registered over freed memory, and
 * what touches it Oopses. The invariants do not hold there (the checker
 * says so, tests/engine/modules.test.ts), so the invariant properties run
 * mainline's default config. What must hold even here: nothing throws, the
 * views can still be drawn, and the shell goes on answering.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CATALOG } from '../../src/kernel/catalog';
import { bootKernel } from '../../src/kernel/boot';
import { Shell } from '../../src/kernel/shell/shell';
import { settle } from '../../src/kernel/settle';
import { snapshot } from '../../src/kernel/view/snapshot';
import { stepArb } from './commands';
import { TIMEOUT } from './arbitraries';

const RUNS = Math.max(50, Math.floor(Number(process.env.FUZZ_RUNS ?? 1000) / 4));
const forced = fc.tuple(fc.constantFrom(...CATALOG.map((m) => m.name)).map((n) => `rmmod -f ${n}`), fc.constant(-1));
const LOOK = 'ls -R /sys/kernel/livepatch; cat /sys/kernel/livepatch/*/enabled; lsmod; cat /proc/cmdline; jobs';

describe('a kernel broken by rmmod -f', () => {
  it(`never throws, and still draws and answers, over ${RUNS} random sequences`, () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(stepArb, forced), { maxLength: 14 }), fc.integer({ min: 1, max: 1000 }), (steps, seed) => {
        const k = bootKernel({ seed, moduleForceUnload: true });
        const sh = new Shell(k);
        for (const [line, events] of steps) {
          sh.run(line);
          if (events < 0) settle(k);
          else for (let i = 0; i < events && k.step(); i++);
          snapshot(k);
          sh.run(LOOK);
        }
        expect(sh.run('echo alive').stdout).toBe('alive\n');
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});
