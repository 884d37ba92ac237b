/**
 * dmesg, sleep, sysctl, uname, ps, kill and the shell's own small builtins.
 */
import type { Command } from '../types';
import { KERNEL_RELEASE, UTS_VERSION } from '../../kernel';
import { formatTimestamp, LEVEL_NAMES } from '../../world/log';
import { strError } from '../../world/errno';
import { lookup } from '../../fs/vfs';

export const dmesg: Command = (ctx, args) => {
  const log = ctx.k.log;
  if (args.includes('-C') || args.includes('--clear')) {
    log.clear();
    return 0;
  }
  let levels: Set<number> | null = null;
  const li = args.findIndex((a) => a === '-l' || a === '--level');
  const lv = li >= 0 ? args[li + 1] : args.find((a) => a.startsWith('--level='))?.slice(8);
  if (lv !== undefined) {
    levels = new Set();
    for (const name of lv.split(',')) {
      const n = LEVEL_NAMES.indexOf(name as (typeof LEVEL_NAMES)[number]);
      if (n < 0) {
        ctx.err(`dmesg: unknown level '${name}'\n`);
        return 1;
      }
      levels.add(n);
    }
  }
  const decode = args.includes('-x') || args.includes('--decode');
  const noTime = args.includes('-t') || args.includes('--notime');
  for (const r of log.visible()) {
    if (levels && !levels.has(r.level)) continue;
    const fac = decode ? `${(r.facility === 0 ? 'kern' : 'user').padEnd(6)}:${LEVEL_NAMES[r.level]!.padEnd(6)}: ` : '';
    ctx.out(`${fac}${noTime ? '' : `${formatTimestamp(r.usec)} `}${r.text}\n`);
  }
  if (args.includes('-c')) log.clear();
  return 0;
};

/** The longest sleep the simulation runs, in seconds (the help says so). */
export const SLEEP_MAX = 86400;

export const sleep: Command = (ctx, args) => {
  const total = args.reduce((sum, a) => {
    const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(a);
    if (!m) return NaN;
    return sum + Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  }, 0);
  if (args.length === 0) {
    ctx.err("sleep: missing operand\nTry 'sleep --help' for more information.\n");
    return 1;
  }
  if (Number.isNaN(total)) {
    ctx.err(`sleep: invalid time interval '${args.find((a) => !/^\d+(\.\d+)?[smhd]?$/.test(a))}'\nTry 'sleep --help' for more information.\n`);
    return 1;
  }
  // At most a simulated day: every second of a stalled transition is a retry to run, synchronously.
  ctx.k.sleep(Math.min(total, SLEEP_MAX));
  return 0;
};

/** procps sysctl for the keys the simulated /proc/sys has. */
export const sysctl: Command = (ctx, args) => {
  const quiet = args.includes('-q') || args.includes('--quiet');
  const valuesOnly = args.includes('-n') || args.includes('--values');
  const keys = args.filter((a) => !a.startsWith('-'));
  if (keys.length === 0) {
    ctx.err('sysctl: no variables specified\n');
    return 1;
  }
  let status = 0;
  for (const arg of keys) {
    const [key, value] = arg.split('=', 2) as [string, string | undefined];
    const path = `/proc/sys/${key.replace(/\./g, '/')}`;
    const node = lookup(ctx.k, path);
    if (!node || node.kind !== 'file') {
      ctx.err(`sysctl: cannot stat ${path}: No such file or directory\n`);
      status = 255;
      continue;
    }
    if (value !== undefined) {
      const ret = node.write ? node.write(`${value}\n`, false) : -13;
      if (ret) {
        ctx.err(`sysctl: setting key "${key}": ${strError(ret)}\n`);
        status = 255;
        continue;
      }
      if (!quiet) ctx.out(valuesOnly ? `${value}\n` : `${key} = ${value}\n`);
    } else {
      const v = node.read ? node.read() : '';
      const text = typeof v === 'number' ? '' : v.trim();
      ctx.out(valuesOnly ? `${text}\n` : `${key} = ${text}\n`);
    }
  }
  return status;
};

export const uname: Command = (ctx, args) => {
  if (args.includes('-r')) ctx.out(`${KERNEL_RELEASE}\n`);
  else if (args.includes('-a')) ctx.out(`Linux klpscope ${KERNEL_RELEASE} ${UTS_VERSION} x86_64 GNU/Linux\n`);
  else ctx.out('Linux\n');
  return 0;
};

export const ps: Command = (ctx, args) => {
  const all = args.some((a) => /^-?[eA]$|^aux$|^-ef$/.test(a));
  const bracketKthreads = args.some((a) => a === 'aux' || a === '-ef');
  const tasks = all ? ctx.k.tasks : ctx.k.tasks.filter((t) => t === ctx.shell.task || t === ctx.task || t.ppid === ctx.shell.task.pid);
  ctx.out('    PID TTY          TIME CMD\n');
  for (const t of tasks) {
    const tty = t.kind === 'user' && (t === ctx.shell.task || t.ppid === ctx.shell.task.pid) ? 'pts/0' : '?';
    const cmd = t.kind === 'kthread' && bracketKthreads ? `[${t.comm}]` : t.comm;
    ctx.out(`${String(t.pid).padStart(7)} ${tty.padEnd(8)} 00:00:00 ${cmd}\n`);
  }
  return 0;
};

/** kill: user processes exit on SIGTERM; kernel threads and init ignore it. */
export const kill: Command = (ctx, args) => {
  const pids = args.filter((a) => !a.startsWith('-'));
  if (pids.length === 0) {
    ctx.err('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n');
    return 2;
  }
  let status = 0;
  for (const p of pids) {
    const task = /^\d+$/.test(p) ? ctx.k.taskByPid(Number(p)) : undefined;
    if (!task || task.pid === 0) {
      ctx.err(/^\d+$/.test(p) ? `bash: kill: (${p}) - No such process\n` : `bash: kill: ${p}: arguments must be process or job IDs\n`);
      status = 1;
      continue;
    }
    if (task.kind === 'user' && task.pid !== 1 && task !== ctx.shell.task) ctx.k.exitTask(task);
  }
  return status;
};

export const trueCmd: Command = () => 0;
export const falseCmd: Command = () => 1;

export const exportCmd: Command = (ctx, args) => {
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq > 0) ctx.shell.vars.set(a.slice(0, eq), a.slice(eq + 1));
  }
  return 0;
};

export const history: Command = (ctx) => {
  ctx.shell.history.forEach((h, i) => ctx.out(`${String(i + 1).padStart(5)}  ${h}\n`));
  return 0;
};

export const help: Command = (ctx) => {
  ctx.out(
    [
      'klpscope shell: a simulated root shell on a kernel with livepatch.',
      '',
      'Modules:   insmod test_modules/NAME.ko [param=value ...]   rmmod NAME',
      '           modprobe NAME   lsmod   modinfo NAME   ls test_modules',
      'Livepatch: echo 0 > /sys/kernel/livepatch/NAME/enabled     (disable)',
      '           echo 1 > /sys/kernel/livepatch/NAME/force       (force a stalled transition)',
      '           cat /sys/kernel/livepatch/NAME/{enabled,transition,replace,stack_order}',
      'Inspect:   dmesg [-C] [-l LEVEL]   cat FILE   ls [-l] DIR   grep [-qxvc] PATTERN FILE',
      '           cat /proc/cmdline   cat /proc/PID/stack   cat /proc/PID/patch_state   ps -e',
      'Time:      sleep N   (N virtual seconds pass, with every retry and signal they bring; a day at most)',
      'Selftests: set_ftrace_enabled [--fail] N   trace_function FUNC   cleanup_tracing',
      '           start_getpid_helpers   kill_getpid_helpers   ./test_klp-call_getpid &',
      "Debug:     echo 'file kernel/livepatch/* +p' > /sys/kernel/debug/dynamic_debug/control",
      'Also:      echo cat grep head tail wc ls stat cd pwd sysctl uname ps kill sleep history help',
      '',
    ].join('\n'),
  );
  return 0;
};

export { strError };
