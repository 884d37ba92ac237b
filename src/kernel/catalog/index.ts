/**
 * The module catalogue: every module the simulated machine can load. Adding
 * a module is adding its entry here.
 */
import type { ModuleSpec } from './types';
import { kernelProfile, type KernelProfile } from '../release/profile';
import { compareReleases, type Release } from '../release/releases';
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
import { livepatch_callbacks_busymod, livepatch_callbacks_demo, livepatch_callbacks_mod } from './livepatch_callbacks';

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
  livepatch_callbacks_demo,
  livepatch_callbacks_mod,
  livepatch_callbacks_busymod,
];

/**
 * The modules a release's tree builds: a test module needs the selftests
 * (5.1); a sample, the release that added it.
 */
export function catalogOf(profile: KernelProfile = kernelProfile()): ModuleSpec[] {
  const built = (since: Release) => compareReleases(profile.release, since) >= 0;
  return CATALOG.filter((m) => (m.file.startsWith('test_modules/') ? profile.selftests && built(m.since ?? '5.1') : built(m.since ?? '4.0')));
}

export function findModuleByName(name: string, profile?: KernelProfile): ModuleSpec | undefined {
  const n = name.replace(/-/g, '_');
  return catalogOf(profile).find((m) => m.name === n);
}
