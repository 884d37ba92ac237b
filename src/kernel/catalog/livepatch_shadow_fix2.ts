/**
 * samples/livepatch/livepatch-shadow-fix2.c: on top of fix1, gives every
 * dummy a check counter. Its dummy_check() attaches an SV_COUNTER shadow
 * variable to any dummy that has none (klp_shadow_get_or_alloc(): in-flight
 * dummies too, whoever allocated them) and counts; its dummy_free() does
 * fix1's SV_LEAK work and prints and frees the counter. Its module_exit
 * frees the SV_COUNTER variables left (klp_shadow_free_all()).
 */
import type { ModuleSpec } from './types';
import { timeAfter } from '../world/jiffies';
import { SV_COUNTER, freeLeak, leakDtor, shadowModPatch } from './shadow-sample';
import { SHADOW_FIX2_SAMPLE as W } from '../words';

const INT_SIZE = 4;

export const livepatch_shadow_fix2: ModuleSpec = {
  name: 'livepatch_shadow_fix2',
  file: 'samples/livepatch/livepatch-shadow-fix2.ko',
  description: 'Live patching demo for shadow variables',
  source: 'samples/livepatch/livepatch-shadow-fix2.c (mainline)',
  // added by "livepatch: introduce shadow variable API" (439e7271dc2b, 4.13); the code is mainline's
  since: '4.13',
  size: 16384,
  livepatch: true,
  functions: {
    livepatch_fix2_dummy_check: (m, { args: [d = 0, j = 0] }) => {
      // Patch: handle in-flight dummy structures, if they do not already have a SV_COUNTER shadow variable, then attach a new one.
      const count = m.shadow.getOrAlloc(d, SV_COUNTER, INT_SIZE, null, 0);
      if (count) m.poke(count, m.peek(count) + 1);
      return timeAfter(j, m.peek(d)) ? 1 : 0;
    },
    livepatch_fix2_dummy_free: (m, { args: [d = 0] }) => {
      // Patch: copy the memory leak patch from the fix1 module.
      freeLeak(m, W.leaked, leakDtor(m, W.preventedLeak), d);
      // Patch: fetch the SV_COUNTER shadow variable and display the final count. Detach the shadow variable.
      const count = m.shadow.get(d, SV_COUNTER);
      if (count) {
        m.say(W.checkCounter, { d: m.p(d), count: m.peek(count) });
        m.shadow.free(d, SV_COUNTER, null);
      }
      m.kfree(d);
    },
  },
  patch: shadowModPatch([
    ['dummy_check', 'livepatch_fix2_dummy_check'],
    ['dummy_free', 'livepatch_fix2_dummy_free'],
  ]),
  // Cleanup any existing SV_COUNTER shadow variables
  exit: (m) => m.shadow.freeAll(SV_COUNTER, null),
};
