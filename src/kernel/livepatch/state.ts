/**
 * kernel/livepatch/state.c: klp_state lets cumulative patches hand over a
 * change they made to the system (test_klp_state*'s console_loglevel).
 */
import type { Kernel } from '../kernel';
import { PATHS, touchPatch } from './freed';
import type { KlpStateView } from '../catalog/api';
import type { KlpPatch } from './types';

export function klp_get_state(patch: KlpPatch, id: number): KlpStateView | null {
  return patch.states.find((s) => s.id === id) ?? null;
}

/**
 * klp_get_prev_state(): the state with this id in the already installed
 * patches (those before klp_transition_patch on klp_patches), the latest
 * one winning. Valid only during a transition.
 */
export function klp_get_prev_state(k: Kernel, id: number): KlpStateView | null {
  const transition = k.klpTransitionPatch();
  if (!transition) return null; // WARN_ON_ONCE(!klp_transition_patch)
  let last: KlpStateView | null = null;
  for (const patch of k.klp.patches) {
    if (patch === transition) break;
    last = klp_get_state(patch, id) ?? last;
  }
  return last;
}

/**
 * klp_is_patch_compatible(): a cumulative patch must handle every state the
 * installed patches changed, each at the same or a higher version.
 */
export function klp_is_patch_compatible(k: Kernel, patch: KlpPatch): boolean {
  for (const old of k.klp.patches) {
    touchPatch(k, old, 'klp_is_patch_compatible', ['klp_enable_patch', 'do_one_initcall', 'do_init_module', ...PATHS.loadModule]);
    for (const oldState of old.states) {
      const state = klp_get_state(patch, oldState.id);
      if (!state) {
        if (patch.machine.context.replace) return false;
        continue;
      }
      if (state.version < oldState.version) return false;
    }
  }
  return true;
}
