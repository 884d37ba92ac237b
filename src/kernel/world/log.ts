/**
 * The kernel ring buffer (printk) and the /dev/kmsg writer side.
 * Levels are the kernel's: 0 KERN_EMERG … 7 KERN_DEBUG.
 */
export {
  KERN_EMERG,
  KERN_ALERT,
  KERN_CRIT,
  KERN_ERR,
  KERN_WARNING,
  KERN_NOTICE,
  KERN_INFO,
  KERN_DEBUG,
  KERN_DEFAULT,
  LEVEL_NAMES,
  dmesgText,
  formatTimestamp,
  type LogRecord,
} from './log-format';
import { KERN_DEFAULT, type LogRecord } from './log-format';

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
