/**
 * The kernel ring buffer (printk) and the /dev/kmsg writer side.
 * Levels are the kernel's: 0 KERN_EMERG … 7 KERN_DEBUG.
 */
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
}

export class KernelLog {
  readonly records: LogRecord[] = [];
  private nextSeq = 0;
  /** Index of the first record `dmesg` still shows (after `dmesg -C`). */
  firstVisible = 0;

  constructor(private readonly now: () => number) {}

  printk(level: number, text: string, func?: string, facility = 0): LogRecord {
    const rec: LogRecord = { seq: this.nextSeq++, usec: this.now(), level, facility, text };
    if (func) rec.func = func;
    this.records.push(rec);
    return rec;
  }

  /** A write to /dev/kmsg: one record per line, optional "<N>" level prefix. */
  writeKmsg(data: string): void {
    for (const raw of data.split('\n')) {
      if (raw === '') continue;
      const m = /^<(\d+)>/.exec(raw);
      const level = m ? Number(m[1]) & 7 : KERN_DEFAULT;
      this.printk(level, m ? raw.slice(m[0].length) : raw, undefined, 1);
    }
  }

  visible(): LogRecord[] {
    return this.records.slice(this.firstVisible);
  }

  clear(): void {
    this.firstVisible = this.records.length;
  }
}

/** `[    1.234567] ` as dmesg prints the timestamp. */
export function formatTimestamp(usec: number): string {
  const sec = Math.floor(usec / 1e6);
  const frac = String(usec % 1e6).padStart(6, '0');
  return `[${String(sec).padStart(5, ' ')}.${frac}]`;
}
