/**
 * jiffies on the virtual clock. HZ is mainline's default (CONFIG_HZ_250,
 * kernel/Kconfig.hz; Debian's kernels use it too). jiffies starts at
 * INITIAL_JIFFIES, five minutes before it wraps its low 32 bits
 * (include/linux/jiffies.h: (unsigned long)(unsigned int)(-300*HZ)), so
 * wrap-around bugs show early.
 */
import { USEC_PER_SEC } from './events';

export const HZ = 250;
export const INITIAL_JIFFIES = 2 ** 32 - 300 * HZ;
const USEC_PER_JIFFY = USEC_PER_SEC / HZ;

/** jiffies at virtual time `usec` since boot */
export function jiffiesAt(usec: number): number {
  return INITIAL_JIFFIES + Math.floor(usec / USEC_PER_JIFFY);
}

/** secs_to_jiffies() */
export function secsToJiffies(s: number): number {
  return s * HZ;
}

/** How long `j` jiffies last, in virtual µs. */
export function jiffiesToUsec(j: number): number {
  return j * USEC_PER_JIFFY;
}

/** time_after(a, b): a is after b, as unsigned long arithmetic sees it (64-bit, where jiffies never wraps in practice). */
export function timeAfter(a: number, b: number): boolean {
  return b - a < 0;
}
