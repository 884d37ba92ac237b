/**
 * What the vmlinux functions the simulation calls do: the seq_file show
 * functions behind /proc files, and system calls.
 */
import type { Kernel } from '../kernel';
import { linuxBanner } from './uts';
import type { Task } from './tasks';

export type Builtin = (k: Kernel, task: Task) => string | number;

const MEMINFO = [
  ['MemTotal', 8131212],
  ['MemFree', 6712336],
  ['MemAvailable', 7398720],
  ['Buffers', 28264],
  ['Cached', 812240],
  ['SwapCached', 0],
  ['Active', 466872],
  ['Inactive', 615204],
  ['Active(anon)', 243508],
  ['Inactive(anon)', 0],
  ['Active(file)', 223364],
  ['Inactive(file)', 615204],
  ['Unevictable', 0],
  ['Mlocked', 0],
  ['SwapTotal', 0],
  ['SwapFree', 0],
  ['Dirty', 52],
  ['Writeback', 0],
  ['AnonPages', 241600],
  ['Mapped', 178696],
  ['Shmem', 12392],
  ['KReclaimable', 61884],
  ['Slab', 124316],
  ['SReclaimable', 61884],
  ['SUnreclaim', 62432],
  ['KernelStack', 4512],
  ['PageTables', 5032],
  ['CommitLimit', 4065604],
  ['Committed_AS', 1038280],
  ['VmallocTotal', 34359738367],
  ['VmallocUsed', 22956],
  ['Percpu', 2880],
  ['HugePages_Total', 0],
] as const;

export const BUILTINS: Record<string, Builtin> = {
  cmdline_proc_show: (k) => `${k.cmdline}\n`,
  meminfo_proc_show: () =>
    MEMINFO.map(([key, v]) =>
      key.startsWith('HugePages') ? `${`${key}:`.padEnd(16)}${String(v).padStart(8)}\n` : `${`${key}:`.padEnd(16)}${String(v).padStart(8)} kB\n`,
    ).join(''),
  version_proc_show: (k) => `${linuxBanner(k)}\n`,
  __x64_sys_getpid: (_k, task) => task.tgid,
};
