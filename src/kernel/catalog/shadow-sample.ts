/**
 * What samples/livepatch/livepatch-shadow-{mod,fix1,fix2}.c share: struct
 * dummy (its jiffies_expire is the one word modelled, at the object's
 * address), the periods, the shadow variable ids, and the SV_LEAK handling
 * fix2 copies from fix1 under its own function names.
 */
import type { ModuleApi, ShadowDtor } from './api';
import type { PatchSpec } from './types';
import { secsToJiffies } from '../world/jiffies';
import type { Word } from '../words';

/** Allocate new dummies every second */
export const ALLOC_PERIOD = 1;
/** Check for expired dummies after a few new ones have been allocated */
export const CLEANUP_PERIOD = 3 * ALLOC_PERIOD;
/** Dummies expire after a few cleanup instances */
export const EXPIRE_PERIOD = 4 * CLEANUP_PERIOD;

/** Shadow variable enums */
export const SV_LEAK = 1;
export const SV_COUNTER = 2;

const PTR_SIZE = 8;

/** kzalloc(sizeof(*d)) with d->jiffies_expire = jiffies + secs_to_jiffies(EXPIRE_PERIOD) */
export function newDummy(m: ModuleApi): number {
  const d = m.kzalloc();
  m.poke(d, m.jiffies() + secsToJiffies(EXPIRE_PERIOD));
  return d;
}

/** "%s: dummy @ %p, expires @ %lx" of a dummy_alloc(), the module's or fix1's (the entry says whose) */
export const expiresLine = (m: ModuleApi, w: Word<'__func__' | 'd' | 'expires'>, d: number): void =>
  m.say(w, { d: m.p(d), expires: m.peek(d) });

/** livepatch_fix{1,2}_dummy_leak_dtor(): frees the leaked int the shadow variable kept, saying so first */
export function leakDtor(m: ModuleApi, preventedLeak: Word<'__func__' | 'd' | 'leak'>): ShadowDtor {
  return (obj, shadowData) => {
    const leak = m.peek(shadowData);
    m.say(preventedLeak, { d: m.p(obj), leak: m.p(leak) });
    m.kfree(leak);
  };
}

/**
 * The SV_LEAK part of livepatch_fix{1,2}_dummy_free(): a dummy allocated
 * before the fix has no shadow variable, and its int stays leaked.
 */
export function freeLeak(m: ModuleApi, leaked: Word<'__func__' | 'd'>, dtor: ShadowDtor, d: number): void {
  if (m.shadow.get(d, SV_LEAK)) m.shadow.free(d, SV_LEAK, dtor);
  else m.say(leaked, { d: m.p(d) });
}

export { PTR_SIZE };

/** A fix's struct klp_patch: functions of livepatch_shadow_mod, [old_name, new_func] each. */
export function shadowModPatch(funcs: [string, string][]): PatchSpec {
  return { replace: false, objects: [{ name: 'livepatch_shadow_mod', funcs: funcs.map(([old, nw]) => ({ old, new: nw })) }] };
}
