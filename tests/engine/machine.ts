/** A booted machine with a shell, for engine tests. */
import type { Kernel, KernelConfig } from '../../src/kernel/kernel';
import { bootKernel } from '../../src/kernel/boot';
import { Shell, type ShellResult } from '../../src/kernel/shell/shell';
import { settle } from '../../src/kernel/settle';
import { selftestMachine } from '../../src/kernel/selftest/replay';
import { lookup } from '../../src/kernel/fs/vfs';

export interface TestMachine {
  k: Kernel;
  sh: Shell;
  /** runs a line and settles, like the selftest helpers wait */
  run(line: string): ShellResult;
  /** kernel log lines since the machine was made (or since `mark`) */
  log(): string[];
  mark(): void;
  read(path: string): string | null;
  exists(path: string): boolean;
}

export function machine(opts: { selftest?: boolean; config?: Partial<KernelConfig> } = {}): TestMachine {
  const made = opts.selftest ? selftestMachine(opts.config) : null;
  const k = made?.kernel ?? bootKernel(opts.config);
  const sh = made?.shell ?? new Shell(k);
  let from = k.log.records.length;
  return {
    k,
    sh,
    run(line) {
      const r = sh.run(line);
      settle(k);
      return r;
    },
    log: () => k.log.records.slice(from).map((r) => r.text),
    mark() {
      from = k.log.records.length;
    },
    read(path) {
      const n = lookup(k, path);
      if (!n || n.kind !== 'file' || !n.read) return null;
      const v = n.read();
      return typeof v === 'string' ? v : null;
    },
    exists: (path) => lookup(k, path) !== null,
  };
}

export const LP = '/sys/kernel/livepatch';
export const ins = (name: string, params = '') => `insmod test_modules/${name}.ko ${params}`.trim();
