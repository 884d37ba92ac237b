/**
 * dmesg, sysctl, uname, ps, kill and the shell's own small builtins.
 */
import { attrNames } from '../../fs/livepatch-attrs';
import type { Command, CommandContext } from '../types';
import { utsVersion } from '../../world/uts';
import { formatTimestamp, LEVEL_NAMES } from '../../world/log';
import { strError } from '../../world/errno';
import { lookup } from '../../fs/vfs';
import { passTime, SLEEP_MAX } from './sleep';
import { SIGNAL_NUMBERS } from '../jobs';
import { taskListScan } from '../limits';
import type { Task } from '../../world/tasks';
import { USEC_PER_SEC } from '../../world/events';

export { SLEEP_MAX };

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
  if (args.includes('-r')) ctx.out(`${ctx.k.uts}\n`);
  else if (args.includes('-a')) ctx.out(`Linux klpscope ${ctx.k.uts} ${utsVersion(ctx.k)} x86_64 GNU/Linux\n`);
  else ctx.out('Linux\n');
  return 0;
};

export const ps: Command = (ctx, args) => {
  const all = args.some((a) => /^-?[eA]$|^aux$|^-ef$/.test(a));
  const bracketKthreads = args.some((a) => a === 'aux' || a === '-ef');
  // The terminal's processes: bash and what it forked, a job's subshell's children too.
  const bash = ctx.k.loginShell;
  const onTty = (t: Task) => t.kind === 'user' && (t === bash || descendsFrom(ctx.k, t, bash.pid));
  const tasks = all ? ctx.k.tasks : ctx.k.tasks.filter((t) => onTty(t) || t === ctx.task);
  ctx.out('    PID TTY          TIME CMD\n');
  for (const t of tasks) {
    const tty = onTty(t) ? 'pts/0' : '?';
    const cmd = t.kind === 'kthread' && bracketKthreads ? `[${t.comm}]` : t.comm;
    ctx.out(`${String(t.pid).padStart(7)} ${tty.padEnd(8)} 00:00:00 ${cmd}\n`);
  }
  return 0;
};

/** A signal as kill names it: -9, -KILL, -SIGKILL, -s KILL, -n 9. Only the two that end a process matter here. */
function signalSpec(spec: string): 'TERM' | 'KILL' | 'OTHER' | null {
  const s = spec.toUpperCase().replace(/^SIG/, '');
  if (s === 'TERM' || s === '15') return 'TERM';
  if (s === 'KILL' || s === '9') return 'KILL';
  if (/^\d+$/.test(s) ? Number(s) <= 64 : /^(HUP|INT|QUIT|USR1|USR2|PIPE|ALRM|CHLD|CONT|STOP|TSTP|WINCH|0)$/.test(s)) return 'OTHER';
  return null;
}

/**
 * kill: user processes end on SIGTERM and SIGKILL; kernel threads and init
 * ignore signals. %N names a job: one that has already ended is "no such
 * job" once bash has reported it, "No such process" before.
 */
export const kill: Command = (ctx, args) => {
  let signal: 'TERM' | 'KILL' | 'OTHER' = 'TERM';
  let i = 0;
  if (args[0] === '-s' || args[0] === '-n') {
    const sig = args[1] === undefined ? null : signalSpec(args[1]);
    if (!sig) {
      ctx.err(args[1] === undefined ? `bash: kill: ${args[0]}: option requires an argument\n` : `bash: kill: ${args[1]}: invalid signal specification\n`);
      return 1;
    }
    signal = sig;
    i = 2;
  } else if (args[0] && /^-./.test(args[0]) && args[0] !== '--') {
    const sig = signalSpec(args[0].slice(1));
    if (!sig) {
      ctx.err(`bash: kill: ${args[0].slice(1)}: invalid signal specification\n`);
      return 1;
    }
    signal = sig;
    i = 1;
  }
  if (args[i] === '--') i++;
  const targets = args.slice(i);
  if (targets.length === 0) {
    ctx.err('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n');
    return 2;
  }
  let status = 0;
  for (const p of targets) {
    let pid: number;
    let group = false;
    if (p.startsWith('%')) {
      const job = ctx.shell.visibleJobs.spec(p);
      if (!job) {
        ctx.err(`bash: kill: ${p}: no such job\n`);
        status = 1;
        continue;
      }
      pid = job.pid;
      group = true;
    } else if (/^\d+$/.test(p)) pid = Number(p);
    else {
      ctx.err(`bash: kill: ${p}: arguments must be process or job IDs\n`);
      status = 1;
      continue;
    }
    const task = ctx.k.taskByPid(pid);
    if (!task || task.pid === 0) {
      ctx.err(`bash: kill: (${pid}) - No such process\n`);
      status = 1;
      continue;
    }
    // A task asleep for good in D state keeps even SIGKILL pending: nothing wakes it to act on it.
    if (task.sleepsForever && task.state === 'D') {
      task.sigPending = true;
      continue;
    }
    // An interactive bash ignores SIGTERM; SIGKILL ends it, and its terminal with it.
    if (task === ctx.shell.task) {
      if (signal === 'KILL') ctx.shell.exit(128 + 9, { killed: true });
      continue;
    }
    if (signal === 'OTHER' || task.kind !== 'user' || task.pid === 1) continue;
    // A job is its process group (bash has job control): its subshell first, so that it runs nothing more.
    const victims = group ? [task, ...descendants(ctx, task.pid)] : [task];
    for (const t of victims) {
      if (t.sleepsForever && t.state === 'D') {
        t.sigPending = true;
        continue;
      }
      ctx.k.exitTask(t);
      ctx.shell.jobs.signalled(t.pid, signal);
      // a job's subshell waiting for this process goes on, with its status
      ctx.shell.childExited(t.pid, 128 + SIGNAL_NUMBERS[signal]);
    }
  }
  return status;
};

/** The processes forked, directly or not, by this one (a job's subshell's sleep). */
function descendants(ctx: CommandContext, pid: number): Task[] {
  ctx.k.charge(taskListScan(ctx.k));
  return ctx.k.tasks.filter((t) => t.kind === 'user' && descendsFrom(ctx.k, t, pid));
}

function descendsFrom(k: CommandContext['k'], t: Task, pid: number): boolean {
  for (let p = t.ppid, hops = 0; p > 1 && hops < 64; hops++) {
    if (p === pid) return true;
    p = k.taskByPid(p)?.ppid ?? 0;
  }
  return false;
}

/** jobs [-lp] [%N…]: the jobs and their states; a job listed as ended is then gone. */
export const jobs: Command = (ctx, args) => {
  const opts = args.filter((a) => /^-[lprs]+$/.test(a)).join('');
  const specs = args.filter((a) => !/^-[lprs]+$/.test(a));
  const table = ctx.shell.visibleJobs;
  let status = 0;
  const chosen = specs.length
    ? specs.flatMap((w) => {
        const job = table.spec(w);
        if (!job) {
          ctx.err(`bash: jobs: ${w}: no such job\n`);
          status = 1;
        }
        return job ? [job] : [];
      })
    : [...table.jobs].sort((a, b) => a.n - b.n);
  const shown = chosen.filter((j) => !opts.includes('r') || !table.finished(j)).filter((j) => !opts.includes('s'));
  ctx.out(shown.map((j) => (opts.includes('p') ? `${j.pid}\n` : table.format(j, opts.includes('l')))).join(''));
  for (const j of shown) if (table.finished(j) && !opts.includes('p')) table.remove(j);
  return status;
};

/**
 * A job whose process sleeps for good: bash's wait would wait for ever, until
 * Ctrl-C interrupts the wait (not the process) with status 130. The
 * simulated shell cannot block, so it says so and returns as if interrupted.
 */
function waitNote(ctx: CommandContext, pid: number): void {
  const task = ctx.k.taskByPid(pid);
  if (!task?.sleepsForever) return;
  ctx.err(
    `klp: wait: ${task.comm} (pid ${task.pid}) sleeps for good in ${task.sleepsForever}() (${task.state === 'D' ? 'D state' : 'S state'}); ` +
      'bash would wait until Ctrl-C, which interrupts wait, not the job: taken as pressed (status 130).\n',
  );
}

/**
 * Background sleeps among these jobs: simulated time passes until `done`,
 * sleep after sleep (a job of several commands may sleep again when one
 * ends), within the line's day. Past it bash would wait on: taken as
 * Ctrl-C, like a wait for ever.
 */
function untilSleepsEnd(ctx: CommandContext, pids: number[], done: () => boolean, first = false): void {
  while (!done()) {
    const ends = pids.map((p) => ctx.shell.sleepers.get(p)).filter((t) => t !== undefined);
    if (ends.length === 0) return;
    const seconds = ((first ? Math.min(...ends) : Math.max(...ends)) - ctx.k.now) / USEC_PER_SEC;
    const ran = passTime(ctx, seconds);
    if (ran < seconds) {
      ctx.err(
        `klp: wait: one command line runs at most a simulated day (${SLEEP_MAX} s); ${ran} s passed of the ${seconds} s the sleep has left; ` +
          'bash would wait on until Ctrl-C: taken as pressed (status 130).\n',
      );
      return;
    }
  }
}

/** wait [%N|PID…]: the status of the jobs it waits for (the last one's); with none named, all of them and 0. */
export const wait: Command = (ctx, args) => {
  const table = ctx.shell.visibleJobs;
  const words = args.filter((a) => a !== '-n' && a !== '-f');
  const running = () => table.jobs.filter((j) => !table.finished(j));
  if (words.length === 0) {
    const first = args.includes('-n');
    const before = [...running()];
    untilSleepsEnd(ctx, before.map((j) => j.pid), () => (first ? before.some((j) => table.finished(j)) : before.every((j) => table.finished(j))), first);
    const ended = before.filter((j) => table.finished(j));
    // wait -n: the status of the job that ended
    if (first && ended.length) {
      table.remove(ended[0]!);
      return ended[0]!.status!;
    }
    // Every job here has ended but those that never do (the getpid helper): bash would wait for them
    // until interrupted (Ctrl-C: 130); the simulated shell cannot block, so it is interrupted at once.
    const still = running().length > 0;
    for (const j of table.jobs) if (!table.finished(j)) waitNote(ctx, j.holder ?? j.pid);
    for (const j of [...table.jobs]) if (table.finished(j)) table.remove(j);
    if (first && !still) return 127;
    return still ? 130 : 0;
  }
  let status = 0;
  for (const w of words) {
    if (w.startsWith('%')) {
      const job = table.spec(w);
      if (!job) {
        ctx.err(`bash: wait: ${w}: no such job\n`);
        status = 127;
        continue;
      }
      untilSleepsEnd(ctx, [job.pid], () => table.finished(job));
      if (!table.finished(job)) {
        waitNote(ctx, job.holder ?? job.pid);
        status = 130;
        continue;
      }
      ctx.err(table.format(job));
      table.remove(job);
      status = job.status!;
    } else if (/^\d+$/.test(w)) {
      const pid = Number(w);
      const job = table.jobs.find((j) => j.pid === pid);
      if (job) {
        untilSleepsEnd(ctx, [job.pid], () => table.finished(job));
        if (!table.finished(job)) {
          waitNote(ctx, job.holder ?? job.pid);
          status = 130;
          continue;
        }
        table.remove(job);
        status = job.status!;
      } else if (table.statuses.has(pid)) status = table.statuses.get(pid)!;
      else {
        ctx.err(`bash: wait: pid ${pid} is not a child of this shell\n`);
        status = 127;
      }
    } else {
      ctx.err(`bash: wait: \`${w}': not a pid or valid job spec\n`);
      status = 2;
    }
  }
  return status;
};

/** exit [n]: bash's status n & 255 (the last status without n); a word that is not a number is status 2. */
export const exitCmd: Command = (ctx, args) => {
  if (args.length > 1 && /^-?\d+$/.test(args[0]!)) {
    ctx.err('bash: exit: too many arguments\n');
    return 1;
  }
  let status = args.length ? Number(args[0]) : ctx.shell.status;
  if (args.length && !/^-?\d+$/.test(args[0]!)) {
    ctx.err(`bash: exit: ${args[0]}: numeric argument required\n`);
    status = 2;
  }
  status = ((status % 256) + 256) % 256;
  ctx.shell.exit(status);
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
  const p = ctx.k.profile;
  // the modules, files and helpers of the release simulated (before 5.1: the samples, no selftests)
  const files = attrNames('patch', p.release).filter((a) => !['enabled', 'force', 'signal'].includes(a));
  ctx.out(
    [
      `klpscope shell: a simulated root shell on a Linux ${p.release} kernel with livepatch.`,
      '',
      ...(p.selftests
        ? ['Modules:   insmod test_modules/NAME.ko [param=value ...]   rmmod [-f] NAME', '           modprobe NAME   lsmod   modinfo NAME   ls test_modules']
        : ['Modules:   insmod samples/livepatch/NAME.ko [param=value ...]   rmmod [-f] NAME', '           modprobe NAME   lsmod   modinfo NAME   ls samples/livepatch']),
      `Livepatch: echo 0 > /sys/kernel/livepatch/NAME/enabled     (disable${p.registerApi ? '; echo 1 enables it again' : ''})`,
      '           echo 1 > /sys/kernel/livepatch/NAME/force       (force a stalled transition)',
      ...(p.registerApi ? ['           echo 1 > /sys/kernel/livepatch/NAME/signal      (fake-signal the tasks it waits for)'] : []),
      `           cat /sys/kernel/livepatch/NAME/{enabled,${files.join(',')}}`,
      'Inspect:   dmesg [-C] [-l LEVEL]   cat FILE   ls [-lR] DIR   grep [-qxvc] PATTERN FILE',
      '           cat /proc/cmdline   cat /proc/PID/stack   cat /proc/PID/patch_state   ps -e   cat /proc/self/status',
      'Jobs:      CMD &   jobs [-l]   wait [%N]   kill [-9] %N|PID   ($! is the last job\'s pid)',
      'Time:      sleep N   (N virtual seconds pass, with every retry and signal they bring; a day at most a line)',
      '           sleep N &   (a sleep in the background: it ends when later commands let N seconds pass; wait waits for it)',
      '           sleep N && CMD &   { sleep N; CMD; } &   (sleep N; CMD) &   (a job: CMD runs when its sleep ends)',
      ...(p.selftests
        ? ['Selftests: set_ftrace_enabled [--fail] N   trace_function FUNC   cleanup_tracing', '           start_getpid_helpers   kill_getpid_helpers   ./test_klp-call_getpid &']
        : []),
      "Debug:     echo 'file kernel/livepatch/* +p' > /sys/kernel/debug/dynamic_debug/control",
      'Also:      echo cat grep head tail wc ls stat cd pwd sysctl uname ps kill jobs wait sleep history help',
      '',
    ].join('\n'),
  );
  return 0;
};

export { strError };
