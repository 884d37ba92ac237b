/**
 * A livepatch module's init and exit as the in-tree samples of its release
 * write them. Since 5.1 ("livepatch: Simplify API by removing registration
 * step"): `return klp_enable_patch(&patch);` and an empty exit. Before it
 * (4.12–5.0, e.g. samples/livepatch/livepatch-sample.c in 4.19): register,
 * enable, unregister again if enabling failed; the exit unregisters (after
 * the module's own clean-up).
 */
import type { ModuleApi } from './api';

export function livepatchInit(m: ModuleApi): number {
  if (!m.registerApi) return m.klp_enable_patch();
  let ret = m.klp_register_patch();
  if (ret) return ret;
  ret = m.klp_enable_patch();
  if (ret) {
    m.klp_unregister_patch(); // WARN_ON(klp_unregister_patch(&patch))
    return ret;
  }
  return 0;
}

/** The release's exit around the module's own (`own` runs first, as the samples order it). */
export function livepatchExit(m: ModuleApi, own?: (m: ModuleApi) => void): void {
  own?.(m);
  if (m.registerApi) m.klp_unregister_patch(); // WARN_ON(klp_unregister_patch(&patch))
}
