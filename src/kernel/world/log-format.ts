/**
 * A kernel log record and how dmesg prints it: plain data and formatting,
 * apart from the ring buffer itself (log.ts), so the page's log view loads
 * these without the engine's printk.
 */
export const KERN_EMERG = 0;
export const KERN_ALERT = 1;
export const KERN_CRIT = 2;
export const KERN_ERR = 3;
export const KERN_WARNING = 4;
export const KERN_NOTICE = 5;
export const KERN_INFO = 6;
export const KERN_DEBUG = 7;
/** default_message_loglevel: what a write to /dev/kmsg without "<N>" gets. */
export const KERN_DEFAULT = 4;

export const LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'] as const;

export interface LogRecord {
  seq: number;
  /** Virtual time in microseconds since boot. */
  usec: number;
  level: number;
  /** 0 = kernel, 1 = user (a write to /dev/kmsg). */
  facility: number;
  text: string;
  /** The kernel function that printed it, when known (for captions). */
  func?: string;
  /** The catalogue entry it came from (src/kernel/words): its id, and the arguments it was given. */
  msg?: string;
  args?: Readonly<Record<string, string | number>>;
}

/** Records as plain `dmesg` prints them: `[    1.234567] text`, a line each (no level column). */
export function dmesgText(records: readonly LogRecord[]): string {
  return records.map((r) => `${formatTimestamp(r.usec)} ${r.text}\n`).join('');
}

/** `[    1.234567] ` as dmesg prints the timestamp. */
export function formatTimestamp(usec: number): string {
  const sec = Math.floor(usec / 1e6);
  const frac = String(usec % 1e6).padStart(6, '0');
  return `[${String(sec).padStart(5, ' ')}.${frac}]`;
}
