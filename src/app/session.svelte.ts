/**
 * One simulated machine for the page: a kernel, its shell, and the terminal
 * transcript. Each command settles the kernel, as a user waiting at the
 * prompt would see it.
 */
import { Kernel } from '../kernel/kernel';
import { Shell } from '../kernel/shell/shell';
import { settle } from '../kernel/settle';
import { formatTimestamp, type LogRecord } from '../kernel/world/log';

export interface TermLine {
  kind: 'prompt' | 'out' | 'err';
  text: string;
}

export class Session {
  readonly kernel = new Kernel();
  readonly shell = new Shell(this.kernel);
  term = $state<TermLine[]>([]);
  log = $state.raw<LogRecord[]>([]);

  constructor(setup: readonly string[] = []) {
    for (const line of setup) this.run(line);
  }

  run(line: string): void {
    const lines: TermLine[] = [{ kind: 'prompt', text: line }];
    const r = this.shell.run(line);
    settle(this.kernel);
    for (const t of r.stdout.split('\n').slice(0, -1)) lines.push({ kind: 'out', text: t });
    for (const t of r.stderr.split('\n').slice(0, -1)) lines.push({ kind: 'err', text: t });
    this.term = [...this.term, ...lines];
    this.log = this.kernel.log.visible();
  }
}

export function stamp(r: LogRecord): string {
  return formatTimestamp(r.usec);
}
