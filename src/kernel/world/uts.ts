/**
 * The release the simulated kernel names (uname -r, the boot banner,
 * /proc/version, /lib/modules/<release>) and how the reports print it:
 * include/linux/utsname.h and init/version.c. A leaf: rules and views read
 * these without reaching the Kernel class.
 */
import type { Kernel } from '../kernel';
import { MAINLINE, type Release } from '../release/releases';

/**
 * The release the simulated kernel names by default: the one place it is
 * written. A real mainline release whose livepatch is the one modelled:
 * `replace` (6.11) and `stack_order` (6.14) in sysfs, `force` marking only
 * the patches it removes, and the selftests the transcripts come from (the
 * "module function patching" test and its test_klp_mod_* modules arrived with
 * the livepatching pull for 7.1, 2026-04-16).
 */
export const KERNEL_RELEASE = utsRelease(MAINLINE);
/** uname -r of a simulated release: its first build, "6.1.0" */
export function utsRelease(r: Release): string {
  return `${r}.0`;
}
/** init_utsname()->version: the build's number and flags (PREEMPT_DYNAMIC since 5.12's x86-64 default) */
export const utsVersion = (k: Pick<Kernel, 'kconfig'>): string => `#1 SMP${k.kconfig.preemptDynamic ? ' PREEMPT_DYNAMIC' : ''}`;
/** The release and version as a report prints them ("%s %.*s", the version up to its first blank: "#1"). */
export const utsArgs = (k: Kernel) => ({ release: k.uts, version_len: utsVersion(k).indexOf(' '), version: utsVersion(k) }) as const;
/** linux_banner: the first line of the boot log, and /proc/version */
export const linuxBanner = (k: Kernel): string => `Linux version ${k.uts} (klpscope@localhost) ${utsVersion(k)}`;
