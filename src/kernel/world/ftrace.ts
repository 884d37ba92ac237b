/**
 * The parts of ftrace livepatch meets: the kernel.ftrace_enabled sysctl, the
 * registered ftrace_ops with their IPMODIFY and PERMANENT flags (only one
 * IPMODIFY user per function: a livepatch, or a kprobe with a post handler),
 * the function tracer behind /sys/kernel/debug/tracing, and kprobes.
 */
import type { Kernel } from '../kernel';
import type { CodeRef } from './code';
import { codeKey, VMLINUX } from './code';
import { EBUSY, EINVAL, ENOENT } from './errno';
import { KPROBES, say } from '../words';
import type { Task } from './tasks';

export interface FtraceOps {
  owner: string;
  /** the functions it hooks (codeKey), or null for every function */
  funcs: Set<string> | null;
  /** FTRACE_OPS_FL_IPMODIFY: it changes where the function returns to */
  ipmodify: boolean;
  /** FTRACE_OPS_FL_PERMANENT: ftrace_enabled may not be turned off under it */
  permanent: boolean;
}

export interface Kprobe {
  symbol: string;
  postHandler: boolean;
  owner: string;
  ops: FtraceOps | null;
}

export class Ftrace {
  /** kernel.ftrace_enabled */
  enabled = true;
  readonly ops: FtraceOps[] = [];
  tracer: 'nop' | 'function' = 'nop';
  tracingOn = true;
  filter: string[] = [];
  readonly buffer: string[] = [];
  entriesWritten = 0;
  private tracerOps: FtraceOps | null = null;
  kprobesEnabled = true;
  readonly kprobes: Kprobe[] = [];

  constructor(private readonly k: Kernel) {}

  /** register_ftrace_function() */
  register(ops: FtraceOps): number {
    if (!this.enabled && ops.permanent) return -EBUSY;
    if (ops.ipmodify) {
      for (const other of this.ops) {
        if (!other.ipmodify) continue;
        if (overlaps(other.funcs, ops.funcs)) return -EBUSY;
      }
    }
    this.ops.push(ops);
    return 0;
  }

  unregister(ops: FtraceOps): void {
    const i = this.ops.indexOf(ops);
    if (i >= 0) this.ops.splice(i, 1);
  }

  /** sysctl kernel.ftrace_enabled=N (ftrace_enable_sysctl) */
  setEnabled(on: boolean): number {
    if (!on && this.ops.some((o) => o.permanent)) return -EBUSY;
    this.enabled = on;
    return 0;
  }

  /** echo X > current_tracer */
  setTracer(name: string): number {
    if (name !== 'nop' && name !== 'function') return -EINVAL;
    if (this.tracerOps) this.unregister(this.tracerOps);
    this.tracerOps = null;
    this.tracer = name;
    if (name === 'function') {
      this.tracerOps = { owner: 'function tracer', funcs: null, ipmodify: false, permanent: false };
      this.register(this.tracerOps);
    }
    return 0;
  }

  /** echo FUNCS > set_ftrace_filter: every name must be a traceable function */
  setFilter(text: string, append: boolean): number {
    const names = text.split(/\s+/).filter(Boolean);
    for (const n of names) if (this.k.kallsyms(n).length === 0) return -EINVAL;
    this.filter = append ? [...this.filter, ...names] : names;
    return 0;
  }

  clearBuffer(): void {
    this.buffer.length = 0;
    this.entriesWritten = 0;
  }

  /** The function tracer's hook: called on entry of every traced function. */
  recordCall(task: Task, fn: CodeRef, caller: string): void {
    if (!this.enabled || !this.tracingOn || this.tracer !== 'function') return;
    if (this.filter.length && !this.filter.includes(fn.fn)) return;
    const usec = this.k.now;
    const ts = `${Math.floor(usec / 1e6)}.${String(usec % 1e6).padStart(6, '0')}`;
    const who = `${task.comm}-${task.pid}`.padStart(22, ' ');
    this.buffer.push(`${who}     [${String(task.cpu).padStart(3, '0')}] ..... ${ts.padStart(12, ' ')}: ${fn.fn} <-${caller}`);
    this.entriesWritten++;
  }

  /** The trace file. */
  traceText(): string {
    const n = this.buffer.length;
    return [
      `# tracer: ${this.tracer}`,
      '#',
      `# entries-in-buffer/entries-written: ${n}/${this.entriesWritten}   #P:${this.k.config.cpus}`,
      '#',
      '#                                _-----=> irqs-off/BH-disabled',
      '#                               / _----=> need-resched',
      '#                              | / _---=> hardirq/softirq',
      '#                              || / _--=> preempt-depth',
      '#                              ||| / _-=> migrate-disable',
      '#                              |||| /     delay',
      '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
      '#              | |         |   |||||     |         |',
      ...this.buffer,
    ].join('\n') + '\n';
  }

  // --- kprobes --------------------------------------------------------------

  /** register_kprobe() on a vmlinux function, armed through ftrace */
  registerKprobe(symbol: string, postHandler: boolean, owner: string): number {
    if (!this.k.vmlinuxSymbols.has(symbol)) return -ENOENT;
    const kp: Kprobe = { symbol, postHandler, owner, ops: null };
    if (this.kprobesEnabled) {
      const err = this.arm(kp);
      if (err) return err;
    }
    this.kprobes.push(kp);
    return 0;
  }

  unregisterKprobe(symbol: string, owner: string): void {
    const i = this.kprobes.findIndex((p) => p.symbol === symbol && p.owner === owner);
    if (i < 0) return;
    const kp = this.kprobes[i]!;
    if (kp.ops) this.unregister(kp.ops);
    this.kprobes.splice(i, 1);
  }

  /** echo 0|1 > /sys/kernel/debug/kprobes/enabled */
  setKprobesEnabled(on: boolean): void {
    if (on === this.kprobesEnabled) return;
    this.kprobesEnabled = on;
    for (const kp of this.kprobes) {
      if (on) this.arm(kp);
      else if (kp.ops) {
        this.unregister(kp.ops);
        kp.ops = null;
      }
    }
    say(this.k, on ? KPROBES.enabled : KPROBES.disabled);
  }

  private arm(kp: Kprobe): number {
    // A kprobe with a post handler must change the return address: IPMODIFY.
    const ops: FtraceOps = {
      owner: `kprobe:${kp.symbol}`,
      funcs: new Set([codeKey({ obj: VMLINUX, fn: kp.symbol })]),
      ipmodify: kp.postHandler,
      permanent: false,
    };
    const err = this.register(ops);
    if (err) return err;
    kp.ops = ops;
    return 0;
  }
}

function overlaps(a: Set<string> | null, b: Set<string> | null): boolean {
  if (a === null || b === null) return true;
  for (const x of a) if (b.has(x)) return true;
  return false;
}
