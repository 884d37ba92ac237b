/**
 * The module catalogue: every module the simulated machine can load. Adding
 * a module is adding its entry here.
 */
import type { ModuleSpec } from './types';
import { test_klp_atomic_replace } from './test_klp_atomic_replace';
import { test_klp_callbacks_busy } from './test_klp_callbacks_busy';
import { test_klp_callbacks_demo } from './test_klp_callbacks_demo';
import { test_klp_callbacks_demo2 } from './test_klp_callbacks_demo2';
import { test_klp_callbacks_mod } from './test_klp_callbacks_mod';
import { test_klp_kprobe } from './test_klp_kprobe';
import { test_klp_livepatch } from './test_klp_livepatch';
import { test_klp_mod_patch } from './test_klp_mod_patch';
import { test_klp_mod_target } from './test_klp_mod_target';
import { test_klp_shadow_vars } from './test_klp_shadow_vars';
import { test_klp_state, test_klp_state2, test_klp_state3 } from './test_klp_state';
import { test_klp_syscall } from './test_klp_syscall';
import { livepatch_sample } from './livepatch_sample';
import { livepatch_shadow_mod } from './livepatch_shadow_mod';
import { livepatch_shadow_fix1 } from './livepatch_shadow_fix1';
import { livepatch_shadow_fix2 } from './livepatch_shadow_fix2';

export const CATALOG: readonly ModuleSpec[] = [
  test_klp_atomic_replace,
  test_klp_callbacks_busy,
  test_klp_callbacks_demo,
  test_klp_callbacks_demo2,
  test_klp_callbacks_mod,
  test_klp_kprobe,
  test_klp_livepatch,
  test_klp_mod_patch,
  test_klp_mod_target,
  test_klp_shadow_vars,
  test_klp_state,
  test_klp_state2,
  test_klp_state3,
  test_klp_syscall,
  livepatch_sample,
  livepatch_shadow_mod,
  livepatch_shadow_fix1,
  livepatch_shadow_fix2,
];

export function findModuleByName(name: string): ModuleSpec | undefined {
  const n = name.replace(/-/g, '_');
  return CATALOG.find((m) => m.name === n);
}
