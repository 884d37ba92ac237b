/**
 * samples/livepatch/livepatch-shadow-fix1.c: fixes livepatch-shadow-mod's
 * leak by patching dummy_alloc() and dummy_free(). The new dummy_alloc()
 * keeps the leaking pointer in an SV_LEAK shadow variable attached to the
 * dummy (klp_shadow_alloc() with a constructor); the new dummy_free() finds
 * it (klp_shadow_get()) and frees it with a destructor (klp_shadow_free()).
 * Dummies allocated before the patch have none: they still leak. Its
 * module_exit frees the SV_LEAK variables left (klp_shadow_free_all()).
 */
import type { ModuleApi, ShadowCtor } from './api';
import type { ModuleSpec } from './types';
import { EINVAL } from '../world/errno';
import { PTR_SIZE, SV_LEAK, expiresLine, freeLeak, leakDtor, newDummy, shadowModPatch } from './shadow-sample';
import { SHADOW_FIX1_SAMPLE as W } from '../words';

/** shadow_leak_ctor(): *shadow_leak = *leak, ctor_data being &leak */
const shadow_leak_ctor =
  (m: ModuleApi): ShadowCtor =>
  (_obj, shadowData, ctorData) => {
    if (!ctorData) return -EINVAL;
    m.poke(shadowData, m.peek(ctorData));
    return 0;
  };

const dtor = (m: ModuleApi) => leakDtor(m, W.preventedLeak);

export const livepatch_shadow_fix1: ModuleSpec = {
  name: 'livepatch_shadow_fix1',
  file: 'samples/livepatch/livepatch-shadow-fix1.ko',
  description: 'Live patching demo for shadow variables',
  source: 'samples/livepatch/livepatch-shadow-fix1.c (mainline, with secs_to_jiffies())',
  // added by "livepatch: introduce shadow variable API" (439e7271dc2b, 4.13); the code is mainline's
  since: '4.13',
  size: 16384,
  livepatch: true,
  functions: {
    livepatch_fix1_dummy_alloc: (m) => {
      const d = newDummy(m);
      // Patch: save the extra memory location into a SV_LEAK shadow variable.
      const leak = m.kzalloc();
      const leakOnStack = m.address('stack'); // &leak
      m.poke(leakOnStack, leak);
      const shadowLeak = m.shadow.alloc(d, SV_LEAK, PTR_SIZE, shadow_leak_ctor(m), leakOnStack);
      if (!shadowLeak) {
        m.say(W.shadowAllocFailed, { d: m.p(d), leak: m.p(leak) });
        m.kfree(leak);
        m.kfree(d);
        return 0;
      }
      expiresLine(m, W.alloc, d);
      return d;
    },
    livepatch_fix1_dummy_free: (m, { args: [d = 0] }) => {
      // Patch: fetch the saved SV_LEAK shadow variable, detach and free it.
      freeLeak(m, W.leaked, dtor(m), d);
      m.kfree(d);
    },
  },
  patch: shadowModPatch([
    ['dummy_alloc', 'livepatch_fix1_dummy_alloc'],
    ['dummy_free', 'livepatch_fix1_dummy_free'],
  ]),
  // Cleanup any existing SV_LEAK shadow variables
  exit: (m) => m.shadow.freeAll(SV_LEAK, dtor(m)),
};
