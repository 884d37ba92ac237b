/**
 * The kernel configuration options that change what a livepatch user meets,
 * with their defaults: the Kconfig default of an x86-64 build of the release,
 * or a distribution's own config where one is named. A link or a scenario may
 * still set an option (`moduleForceUnload=1`); what it leaves out comes from
 * here. Plain data: the page reads the distributions without the engine.
 */
import { FACTS, holdsIn } from './facts';
import { MAINLINE, type Release } from './releases';
import { DISTRIBUTION_NAME, DISTRIBUTION_RELEASE, type DistributionId } from './distributions';

export type { DistributionId } from './distributions';

export interface Kconfig {
  /** CONFIG_MODULE_FORCE_UNLOAD: `rmmod -f` may remove a module in use (tainting the kernel R) */
  moduleForceUnload: boolean;
  /** CONFIG_HAVE_RELIABLE_STACKTRACE: a sleeping task's stack can be checked (x86-64 has it with ORC or frame pointers) */
  reliableStacks: boolean;
  /** CONFIG_PREEMPT_DYNAMIC: the banner's PREEMPT_DYNAMIC */
  preemptDynamic: boolean;
}

/** A distribution whose kernel config was read: its release and the options above as it sets them. */
export interface Distribution {
  id: DistributionId;
  name: string;
  release: Release;
  kconfig: Kconfig;
  /** where the values were read */
  source: string;
}

/** Only configs read here are named: other distributions' defaults are not guessed. */
export const DISTRIBUTIONS: Record<DistributionId, Distribution> = {
  'debian-12': {
    id: 'debian-12',
    name: DISTRIBUTION_NAME['debian-12'],
    release: DISTRIBUTION_RELEASE['debian-12'],
    kconfig: { moduleForceUnload: true, reliableStacks: true, preemptDynamic: true },
    source: '/boot/config-6.1.0-50-amd64 of linux-image-6.1.0-50-amd64 6.1.176-1 (CONFIG_MODULE_FORCE_UNLOAD=y, CONFIG_HAVE_RELIABLE_STACKTRACE=y, CONFIG_PREEMPT_DYNAMIC=y, CONFIG_UNWINDER_ORC=y)',
  },
};

/** What Kconfig gives an x86-64 build of the release: MODULE_FORCE_UNLOAD "If unsure, say N". */
export function kconfigDefaults(release: Release): Kconfig {
  return { moduleForceUnload: false, reliableStacks: true, preemptDynamic: holdsIn(FACTS.preemptDynamic, release) };
}

/** The options of a kernel: the distribution's config, else the release's Kconfig defaults. */
export function kconfigOf(release: Release, distribution?: DistributionId): Kconfig {
  return distribution ? { ...DISTRIBUTIONS[distribution].kconfig } : kconfigDefaults(release);
}

/** The options' names in the kernel's Kconfig. */
export const KCONFIG_NAMES: Record<keyof Kconfig, string> = {
  moduleForceUnload: 'CONFIG_MODULE_FORCE_UNLOAD',
  reliableStacks: 'CONFIG_HAVE_RELIABLE_STACKTRACE',
  preemptDynamic: 'CONFIG_PREEMPT_DYNAMIC',
};

/** What each option changes for a livepatch user. */
export const KCONFIG_DOES: Record<keyof Kconfig, string> = {
  moduleForceUnload: 'rmmod -f may remove a module in use (the kernel is tainted R)',
  reliableStacks: "a sleeping task's stack can be checked, so it switches without waiting to return to user space",
  preemptDynamic: 'the preemption model is chosen at boot (the banner says PREEMPT_DYNAMIC)',
};

export interface KconfigLine {
  name: string;
  /** what it changes for a livepatch user */
  does: string;
  value: boolean;
  /** where the value comes from */
  from: string;
  /** mainline's Kconfig default differs */
  differs: boolean;
}

/** The options as a kernel of `release` (of `distribution`) has them, each with where its value comes from. */
export function kconfigLines(release: Release, distribution?: DistributionId): KconfigLine[] {
  const mine = kconfigOf(release, distribution);
  const base = kconfigDefaults(MAINLINE);
  const from = distribution ? `${DISTRIBUTIONS[distribution].name}'s config` : `Kconfig's default for x86-64 at ${release}`;
  return (Object.keys(KCONFIG_NAMES) as (keyof Kconfig)[]).map((k) => ({ name: KCONFIG_NAMES[k], does: KCONFIG_DOES[k], value: mine[k], from, differs: mine[k] !== base[k] }));
}
