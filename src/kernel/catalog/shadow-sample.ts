/**
 * What samples/livepatch/livepatch-shadow-{mod,fix1,fix2}.c share: struct
 * dummy (its jiffies_expire is the one word modelled, at the object's
 * address), the periods, the shadow variable ids, and the SV_LEAK handling
 * fix2 copies from fix1 under its own function names.
 */
import type { ModuleApi, ShadowDtor } from './api';
import type { PatchSpec } from './types';
import { secsToJiffies } from '../world/jiffies';
import { hexLong } from '../world/vsprintf';

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

export const expiresLine = (m: ModuleApi, func: string, d: number): void =>
  m.pr_info(`${func}: dummy @ ${m.p(d)}, expires @ ${hexLong(m.peek(d))}`);

/** livepatch_fix{1,2}_dummy_leak_dtor(): frees the leaked int the shadow variable kept, saying so first */
export function leakDtor(m: ModuleApi, func: string): ShadowDtor {
  return (obj, shadowData) => {
    const leak = m.peek(shadowData);
    m.pr_info(`${func}: dummy @ ${m.p(obj)}, prevented leak @ ${m.p(leak)}`);
    m.kfree(leak);
  };
}

/**
 * The SV_LEAK part of livepatch_fix{1,2}_dummy_free(): a dummy allocated
 * before the fix has no shadow variable, and its int stays leaked.
 */
export function freeLeak(m: ModuleApi, func: string, dtor: ShadowDtor, d: number): void {
  if (m.shadow.get(d, SV_LEAK)) m.shadow.free(d, SV_LEAK, dtor);
  else m.pr_info(`${func}: dummy @ ${m.p(d)} leaked!`);
}

export { PTR_SIZE };

/** A fix's struct klp_patch: functions of livepatch_shadow_mod, [old_name, new_func] each. */
export function shadowModPatch(funcs: [string, string][]): PatchSpec {
  return { replace: false, objects: [{ name: 'livepatch_shadow_mod', funcs: funcs.map(([old, nw]) => ({ old, new: nw })) }] };
}
