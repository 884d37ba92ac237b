/**
 * The kernel ring buffer (printk) and the /dev/kmsg writer side.
 * Levels are the kernel's: 0 KERN_EMERG … 7 KERN_DEBUG.
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

/** Where a record came from, and whether its format left it open for pr_cont(). */
export type RecordMeta = Pick<LogRecord, 'func' | 'msg' | 'args'> & { open?: boolean };

export class KernelLog {
  readonly records: LogRecord[] = [];
  private nextSeq = 0;
  /** Index of the first record `dmesg` still shows (after `dmesg -C`). */
  firstVisible = 0;

  /** The last record, while its format did not end the line (a pr_cont() continues it). */
  private open: LogRecord | null = null;

  /** `clock` is the event queue, whose `now` is the virtual time */
  constructor(private readonly clock: { readonly now: number }) {}

  printk(level: number, text: string, meta: RecordMeta = {}, facility = 0): LogRecord {
    const rec: LogRecord = { seq: this.nextSeq++, usec: this.clock.now, level, facility, text };
    if (meta.func) rec.func = meta.func;
    if (meta.msg) rec.msg = meta.msg;
    if (meta.args) rec.args = meta.args;
    this.records.push(rec);
    this.open = meta.open ? rec : null;
    return rec;
  }

  /** pr_cont(): appends to the open record; with none open it starts one at the default level. */
  cont(text: string, meta: RecordMeta = {}): LogRecord {
    const rec = this.open;
    if (!rec) return this.printk(KERN_DEFAULT, text, meta);
    rec.text += text;
    if (!meta.open) this.open = null;
    return rec;
  }

  /** A write to /dev/kmsg: one record per line, optional "<N>" level prefix. */
  writeKmsg(data: string, meta: RecordMeta = {}): void {
    for (const raw of data.split('\n')) {
      if (raw === '') continue;
      const m = /^<(\d+)>/.exec(raw);
      const level = m ? Number(m[1]) & 7 : KERN_DEFAULT;
      this.printk(level, m ? raw.slice(m[0].length) : raw, { ...meta, open: false }, 1);
    }
  }

  visible(): LogRecord[] {
    return this.records.slice(this.firstVisible);
  }

  clear(): void {
    this.firstVisible = this.records.length;
  }
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
