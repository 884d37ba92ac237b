/**
 * Settling stops at a stalled transition, also when what stalls it is an
 * idle task whose CPU never goes idle.
 */
import { describe, expect, it } from 'vitest';
import { bootKernel } from './boot';
import { Shell } from './shell/shell';
import { settle } from './settle';
import { checkInvariants } from './invariants';

function helpersOnEveryCpu(reliableStacks: boolean) {
  const k = bootKernel({ reliableStacks });
  const sh = new Shell(k);
  sh.run('start_getpid_helpers');
  settle(k);
  sh.run('insmod test_modules/test_klp_atomic_replace.ko');
  return { k, sh };
}

describe('settle', () => {
  // Found by tests/property/time-travel.property.test.ts: klpRetryWouldProgress() said an idle task
  // not yet switched always makes progress (it "gets kicked"), but with a getpid helper on every CPU
  // no idle task ever runs, so settle ran retries until it threw after 1,000,000 events.
  it('stops when no stack can be checked and a getpid helper keeps every CPU from going idle', () => {
    const { k, sh } = helpersOnEveryCpu(false);
    const n = settle(k);
    expect(n).toBeLessThan(100);
    expect(k.now).toBeLessThan(2_000_000);
    expect(k.klpTransitionPatch()?.mod.name).toBe('test_klp_atomic_replace');
    expect(k.cpus.every((c) => c.idle.pending)).toBe(true);
    expect(checkInvariants(k)).toEqual([]);
    // once the helpers are gone the CPUs go idle, and their idle tasks switch in the idle loop
    sh.run('kill_getpid_helpers');
    settle(k);
    expect(k.cpus.every((c) => !c.idle.pending && c.idle.patchState === k.klpTargetState())).toBe(true);
    expect(checkInvariants(k)).toEqual([]);
  });

  it('still switches busy CPUs’ idle tasks by their stack check when stacks are reliable', () => {
    const { k } = helpersOnEveryCpu(true);
    settle(k);
    expect(k.klpTransitionPatch()).toBeNull();
    expect(k.log.records.map((r) => r.text)).toContain("livepatch: 'test_klp_atomic_replace': patching complete");
  });
});
