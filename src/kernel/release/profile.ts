/**
 * A kernel profile: what the livepatch core of one release does differently
 * from mainline, each difference one entry read from a release fact (facts.ts,
 * with the commit that made it). The Kernel is built from a profile; the rules
 * ask it instead of comparing version numbers.
 */
import { FACTS, holdsIn } from './facts';
import { compareReleases, MAINLINE, type Release } from './releases';

// The dial's list and release parsing are plain data, kept with the releases (the page's header reads them without the facts).
export { DIAL_RELEASES, parseRelease } from './releases';

export interface KernelProfile {
  release: Release;
  /**
   * 4.12–5.0: a patch module's init calls klp_register_patch() then
   * klp_enable_patch(), its exit klp_unregister_patch(); a disabled patch
   * stays registered (its directory too) and `echo 1` enables it again.
   */
  registerApi: boolean;
  /** ≤5.0: only the topmost enabled patch may be disabled, only the first disabled one enabled */
  stacking: boolean;
  /** 4.15–5.0: one global klp_forced; after it no unpatching drops a module reference */
  forcedFlagGlobal: boolean;
  /** 5.1–5.17: a forced transition marks every patch on klp_patches */
  forceMarksEveryPatch: boolean;
  /** since 5.1: klp_try_complete_transition() sends fake signals every SIGNALS_TIMEOUT retries */
  autoSignals: boolean;
  /**
   * Where a busy kthread switches itself: 'cond_resched' (6.4–6.15, e3ff7c609f39: klp_cond_resched() in its
   * loop's cond_resched()), 'schedule' (since 6.16, 676e8cf70cb0: __schedule() as it goes to a freezable sleep),
   * 'none' before 6.4 (a retry's stack check has to find it asleep)
   */
  kthreadSelfSwitch: 'none' | 'cond_resched' | 'schedule';
  /** klp_target_state's constants for -1, 0, 1: KLP_TRANSITION_IDLE/UNPATCHED/PATCHED since 6.10, KLP_UNDEFINED/UNPATCHED/PATCHED before */
  stateNames: readonly [string, string, string];
  /** 5.1–5.16: klp_init_patch_early() takes the patch module's reference (since 5.17 klp_enable_patch() does, just before) */
  moduleRefInInitEarly: boolean;
  /** since 5.1: the selftests exist, with their test modules (before: the samples only) */
  selftests: boolean;
}


export function kernelProfile(release: Release = MAINLINE): KernelProfile {
  return {
    release,
    registerApi: holdsIn(FACTS.registerThenEnable, release),
    stacking: compareReleases(release, FACTS.noStackingOrder.since) < 0,
    forcedFlagGlobal: holdsIn(FACTS.forcedFlagGlobal, release),
    forceMarksEveryPatch: holdsIn(FACTS.forceMarksEveryPatch, release),
    autoSignals: compareReleases(release, FACTS.signalFile.until) >= 0,
    selftests: holdsIn(FACTS.livepatchSelftests, release),
    moduleRefInInitEarly: holdsIn(FACTS.moduleRefInInitEarly, release),
    stateNames: holdsIn(FACTS.transitionStateNames, release)
      ? ['KLP_TRANSITION_IDLE', 'KLP_TRANSITION_UNPATCHED', 'KLP_TRANSITION_PATCHED']
      : ['KLP_UNDEFINED', 'KLP_UNPATCHED', 'KLP_PATCHED'],
    kthreadSelfSwitch: holdsIn(FACTS.schedTrySwitch, release) ? 'schedule' : holdsIn(FACTS.condReschedSwitch, release) ? 'cond_resched' : 'none',
  };
}
