/**
 * The machine a Kernel is built as: plain data with no engine code, so the
 * page (links carry a config) can read it without loading the kernel.
 */
import type { Release } from './release/releases';
import type { DistributionId } from './release/distributions';

export interface KernelConfig {
  /** online CPUs */
  cpus: number;
  /** seeds every choice the kernel leaves to chance */
  seed: number;
  /** extra user processes, for large-system set-ups */
  extraTasks: number;
  /** CONFIG_HAVE_RELIABLE_STACKTRACE (x86_64 has it; absent: the kernel's config, release/kconfig.ts) */
  reliableStacks: boolean;
  /**
   * klp_force_transition() as in 5.1 to 5.17: every patch on klp_patches is
   * marked forced, so none of their modules can ever be removed. Since 5.18
   * ("livepatch: Don't block removal of patches that are safe to unload",
   * 2957308343fa, in the livepatching pull for 5.18) only the patches the
   * forced transition removes are marked.
   */
  forceMarksEveryPatch: boolean;
  /**
   * CONFIG_MODULE_FORCE_UNLOAD: `rmmod -f` (delete_module() with O_TRUNC)
   * may remove a module that is in use or has no exit function, tainting the
   * kernel R. Absent: the kernel's config (release/kconfig.ts): Kconfig says
   * "If unsure, say N" (so EAGAIN), Debian 12's 6.1 has it.
   */
  moduleForceUnload?: boolean;
  /**
   * The release simulated (release/profile.ts: what its livepatch core does
   * differently, uname -r, the modules its tree builds); absent: mainline.
   */
  release?: Release;
  /** a distribution whose kernel config this kernel has (its release is the distribution's) */
  distribution?: DistributionId;
  /**
   * The release whose selftests' harness the shell's selftest helpers follow
   * (a transcript's `# kernel:` line; absent: mainline).
   */
  harness?: Release;
}

export const DEFAULT_CONFIG: KernelConfig = { cpus: 4, seed: 1, extraTasks: 0, reliableStacks: true, forceMarksEveryPatch: false };
