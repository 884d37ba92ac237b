/**
 * The klpscope command line, on the same engine as the app:
 *   klp replay [--kernel R] FILE     replay a transcript, print `% ` lines and the filtered log
 *   klp check [--kernel R] FILE...   replay and compare; `N passed, M failed`
 *   (a transcript's `# kernel: vX.Y` line picks the release whose selftest harness runs it;
 *   --kernel overrides it)
 *   klp sh [--kernel RELEASE] [--no-settle] [--budget UNITS]   an interactive root shell on a simulated machine
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseTranscript } from '../kernel/selftest/transcript';
import { compare, replay } from '../kernel/selftest/replay';
import { WorkLimitExceeded, type Kernel } from '../kernel/kernel';
import { bootKernel } from '../kernel/boot';
import type { KernelConfig } from '../kernel/config';
import type { Release } from '../kernel/release/releases';
import { TYPED_WORK } from '../session/session';
import { Shell } from '../kernel/shell/shell';
import type { TermChunk } from '../kernel/shell/terminal';
import { nextEventMakesProgress, settle, whySettlingStops } from '../kernel/settle';
import { dmesgText } from '../kernel/world/log';
import { USEC_PER_SEC } from '../kernel/world/events';
import { SLEEP_MAX } from '../kernel/shell/commands/system';

function usage(): number {
  process.stderr.write('usage: klp replay [--kernel RELEASE] FILE | klp check [--kernel RELEASE] FILE... | klp sh [--kernel RELEASE] [--no-settle] [--budget UNITS]\n');
  return 2;
}

const SH_HELP = `usage: klp sh [--kernel RELEASE] [--no-settle] [--budget UNITS]

An interactive root shell on a simulated machine with livepatch ('help' lists
the shell's commands, 'exit' leaves).

After every line the machine settles, as a selftest waits: the work that is
ready runs, and time passes while that brings progress (a stalled transition
stays stalled). With --no-settle nothing runs between lines but what the
command itself did, so a transition stays in flight until you move it on, with
these words at the prompt (the app's pacing):

  .step [N]        run the next kernel event (or N of them): a transition's
                   retry, free_work, a task returning to user space …
  .settle          run events while they make progress, as after a command
  .advance SECONDS let that much virtual time pass, with every event due in it
  .pending         list the queued events: when, what, and whether settling
                   would run it
  .finish          run the line that stopped at its work budget to its end
                   (a line stops, undone, past --budget units of work; the
                   default, ${TYPED_WORK}, is the page's)
  .ctrl-c          Ctrl-C (also the key itself at a terminal): SIGINT to the
                   command that holds the terminal for ever, if one does (an
                   insmod whose module_init never returns); a D-state task
                   sleeps on, and what you type runs as in another terminal
  .help            this list

Each word prints the events it ran and the kernel log lines they printed.
`;

const PACING_HELP = SH_HELP.slice(SH_HELP.indexOf('  .step'));

/** Seconds since boot, as dmesg prints them. */
const seconds = (usec: number) => `${Math.floor(usec / USEC_PER_SEC)}.${String(usec % USEC_PER_SEC).padStart(6, '0')}`;

/**
 * The pacing words of `klp sh`: they move the machine on between commands.
 * Returns what to print, or null when the line is not one of them.
 */
function pacingWord(kernel: Kernel, line: string): string | null {
  const [word, arg, ...extra] = line.trim().split(/\s+/);
  if (!word?.startsWith('.')) return null;
  const from = kernel.log.records.length;
  const ran: string[] = [];
  const step = () => {
    const ev = kernel.step();
    if (ev) ran.push(`* ${seconds(ev.at)} ${ev.label}\n`);
    return ev;
  };
  const report = () => ran.join('') + dmesgText(kernel.log.records.slice(from));
  if (extra.length) return `klp sh: ${word}: too many arguments\n`;
  switch (word) {
    case '.help':
      return PACING_HELP;
    case '.step': {
      const n = arg === undefined ? 1 : Number(arg);
      if (!Number.isInteger(n) || n < 1) return `klp sh: .step: ${arg}: not a positive number of events\n`;
      for (let i = 0; i < n && step(); i++);
      return ran.length ? report() : '* nothing is queued\n';
    }
    case '.settle': {
      if (arg !== undefined) return 'klp sh: .settle takes no argument\n';
      for (let ev = kernel.queue.peek(); ev && nextEventMakesProgress(kernel, ev); ev = kernel.queue.peek()) step();
      return ran.length ? report() : '* settled: nothing to run\n';
    }
    case '.advance': {
      const s = Number(arg);
      if (arg === undefined || !Number.isFinite(s) || s < 0) return `klp sh: .advance: ${arg ?? ''}: not a number of seconds\n`;
      const until = kernel.now + Math.round(Math.min(s, SLEEP_MAX) * USEC_PER_SEC);
      for (let ev = kernel.queue.peek(); ev && ev.at <= until; ev = kernel.queue.peek()) step();
      kernel.queue.now = Math.max(kernel.queue.now, until);
      return `${report()}* now ${seconds(kernel.now)}\n`;
    }
    case '.pending': {
      const queued = kernel.queue.pending();
      if (!queued.length) return '* nothing is queued\n';
      const next = kernel.queue.peek();
      return queued
        .map((e) => `${seconds(e.at)} ${e.kind.padEnd(9)} ${e.label}${e === next && !nextEventMakesProgress(kernel, e) ? `   (settling stops here: ${whySettlingStops(e)})` : ''}\n`)
        .join('');
    }
  }
  return `klp sh: ${word}: unknown word (.step, .settle, .advance, .pending, .help)\n`;
}

function load(file: string) {
  return parseTranscript(readFileSync(file, 'utf8'));
}

/** `--kernel 6.1` (or `v6.1`): the release whose harness runs the transcripts, whatever their `# kernel:` says. */
function kernelOption(args: string[]): { files: string[]; config: Partial<KernelConfig> } | null {
  const i = args.indexOf('--kernel');
  if (i < 0) return { files: args, config: {} };
  const m = /^v?(\d+\.\d+)$/.exec(args[i + 1] ?? '');
  if (!m) {
    process.stderr.write(`klp: --kernel: ${args[i + 1] ?? ''}: not a release like 6.1\n`);
    return null;
  }
  return { files: [...args.slice(0, i), ...args.slice(i + 2)], config: { release: m[1] as Release, harness: m[1] as Release } };
}

function replayCommand(args: string[]): number {
  const opts = kernelOption(args);
  if (!opts) return usage();
  const { files, config } = opts;
  if (files.length !== 1) return usage();
  const r = replay(load(files[0]!), config);
  process.stdout.write(r.output.map((l) => `${l}\n`).join(''));
  for (const f of r.failures) process.stderr.write(`${files[0]}: ${f}\n`);
  return r.failures.length ? 1 : 0;
}

function checkCommand(args: string[]): number {
  const opts = kernelOption(args);
  if (!opts) return usage();
  const { files, config } = opts;
  if (files.length === 0) return usage();
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    let diff: string | null;
    try {
      const t = load(file);
      diff = compare(t, replay(t, config));
    } catch (e) {
      diff = `error: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (diff) {
      failed++;
      process.stdout.write(`FAIL ${file}: ${diff}\n`);
    } else passed++;
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

function shellCommand(args: string[]): Promise<number> | number {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(SH_HELP);
    return 0;
  }
  let budget = TYPED_WORK;
  const bi = args.indexOf('--budget');
  if (bi >= 0) {
    budget = Number(args[bi + 1]);
    if (!Number.isSafeInteger(budget) || budget < 1) {
      process.stderr.write(`klp sh: --budget: ${args[bi + 1] ?? ''}: not a positive number of units\n`);
      return usage();
    }
    args = args.filter((_, i) => i !== bi && i !== bi + 1);
  }
  const opts = kernelOption(args);
  if (!opts) return usage();
  args = opts.files;
  const unknown = args.filter((a) => a !== '--no-settle');
  if (unknown.length) {
    process.stderr.write(`klp sh: unknown option ${unknown[0]}\n`);
    return usage();
  }
  const settleEachLine = !args.includes('--no-settle');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  // What the machine has been asked since boot: a line that stops at its budget is undone by
  // booting again and replaying these (the engine is deterministic), as the page's timeline does.
  const done: string[] = [];
  let kernel!: Kernel;
  let shell!: Shell;
  const boot = () => {
    kernel = bootKernel(opts.config.release ? { release: opts.config.release } : {});
    shell = new Shell(kernel);
  };
  /**
   * Runs one line (a command, a pacing word, .ctrl-c) and returns what it
   * printed, in order, with what background jobs printed meanwhile.
   */
  const apply = (line: string): { chunks: TermChunk[]; blocked?: boolean; exited?: number } => {
    if (line.trim() === '.ctrl-c') return { chunks: [{ err: true, text: shell.interrupt().stderr }, ...shell.takeTerminal()] };
    const word = pacingWord(kernel, line);
    if (word !== null) return { chunks: [{ err: false, text: word }, ...shell.takeTerminal()] };
    const r = shell.run(line);
    if (settleEachLine) settle(kernel);
    return { chunks: shell.takeTerminal(), blocked: !!r.blocked, exited: r.exited };
  };
  /** A new line, within `limit` units of work; past it the machine is as before the line. */
  const attempt = (line: string, limit: number) => {
    const start = kernel.now;
    kernel.workLimit = kernel.work + limit;
    try {
      const r = apply(line);
      done.push(line);
      return r;
    } catch (e) {
      if (!(e instanceof WorkLimitExceeded)) throw e;
      const reached = kernel.now;
      boot();
      for (const l of done) apply(l);
      const secs = Math.floor((reached - start) / USEC_PER_SEC);
      const text = `klp sh: stopped after ${secs} simulated seconds: the line needs more simulation than one line may run unasked (${limit} units of work). Nothing it did is kept; .finish runs it to its end.\n`;
      return { chunks: [{ err: true, text }], stopped: line };
    } finally {
      kernel.workLimit = Infinity;
    }
  };
  boot();
  const prompt = () => {
    rl.setPrompt(`root@klpscope:${shell.cwd.split('/').pop() || '/'}# `);
    rl.prompt();
  };
  process.stdout.write("klpscope: a simulated kernel with livepatch. Type 'help'; 'exit' leaves.\n");
  prompt();
  let exitStatus = 0;
  // readline still hands over lines it had read before close(): bash would not run them
  let closed = false;
  /** the last line stopped at its budget, for .finish */
  let stopped: string | null = null;
  const run = (line: string) => {
    const finish = line.trim() === '.finish';
    if (finish && stopped === null) {
      process.stdout.write('klp sh: .finish: no line stopped at its budget\n');
      return prompt();
    }
    const r: ReturnType<typeof apply> & { stopped?: string } = finish ? attempt(stopped!, Infinity) : attempt(line, budget);
    // Looking around (.pending, .help …) keeps the stopped line for .finish; another line forgets it.
    if (r.stopped) stopped = r.stopped;
    else if (finish || !line.trim().startsWith('.')) stopped = null;
    for (const c of r.chunks) (c.err ? process.stderr : process.stdout).write(c.text);
    // The shell's own commands, then the words that pace the machine from here.
    if (line.trim() === 'help') process.stdout.write(`\nklp sh: between commands${settleEachLine ? '' : ' (--no-settle)'}:\n${PACING_HELP}`);
    if (r.blocked) process.stderr.write('klp sh: Ctrl-C (or .ctrl-c) sends it SIGINT.\n');
    if (r.exited !== undefined) {
      exitStatus = r.exited;
      closed = true;
      rl.close();
      return;
    }
    prompt();
  };
  return new Promise((resolve) => {
    rl.on('line', (line) => {
      if (!closed) run(line);
    });
    // Ctrl-C at the prompt: the terminal's interrupt, not the end of klp sh (Ctrl-D or `exit` leave).
    rl.on('SIGINT', () => {
      process.stdout.write('\n');
      run('.ctrl-c');
    });
    rl.on('close', () => resolve(exitStatus));
  });
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'replay') return replayCommand(rest);
  if (cmd === 'check') return checkCommand(rest);
  if (cmd === 'sh') return shellCommand(rest);
  return usage();
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
