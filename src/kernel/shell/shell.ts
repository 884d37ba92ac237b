/**
 * The simulated bash: parses a line, expands words, sets up redirections and
 * pipes, and runs builtins in the shell process and other commands in a
 * forked child (so a command run during a transition inherits the shell's
 * universe). A line that does not parse runs nothing.
 */
import { WorkLimitExceeded, type Kernel } from '../kernel';
import { strError, EACCES, EISDIR, ENOENT } from '../world/errno';
import { lookup, createFile, SELFTEST_DIR } from '../fs/vfs';
import type { FileNode } from '../fs/node';
import { normalizePath } from '../fs/node';
import type { Task } from '../world/tasks';
import { parse, ShellSyntaxError, type AndOr, type CommandList, type Pipeline, type SimpleCommand, type Word } from './parse';
import { expandWords, expandWord, ExpansionRoom } from './expand';
import { COMMAND_WORDS_MAX, ExpansionTooLarge, LINE_OUTPUT_MAX, mebibytes, taskListScan, WORD_MAX, WORK_PER_BYTE_WRITTEN } from './limits';
import type { Command, CommandContext } from './types';
import { COMMANDS, BUILTINS } from './commands';
import { JobTable, jobText } from './jobs';
import { KernelOops, die } from '../world/oops';
import { blockedNotice, blockedOf, interruptBlocked, type Blocked } from './blocked';

export interface ShellResult {
  stdout: string;
  stderr: string;
  status: number;
  /** the foreground process that never returned: its terminal is blocked (blocked.ts) */
  blocked?: Blocked;
  /** `exit`: bash ended with this status (a terminal would close; the front end decides) */
  exited?: number;
}

interface Sink {
  text: string;
  file: FileNode | null;
  /** the first write truncates unless the redirection was >> */
  append: boolean;
  error: number;
}

/** A command's input and where its output goes, once its redirections are done. */
interface Redirected {
  /** what the command writes to the terminal (or a pipe) */
  out: Sink;
  err: Sink;
  input: string;
  /** the file `<` opened for it, or null */
  inputFile: string | null;
  stdoutSink: Sink;
  stderrSink: Sink;
}

export class Shell {
  cwd = SELFTEST_DIR;
  readonly vars = new Map<string, string>();
  status = 0;
  lastBackground = 0;
  readonly history: string[] = [];
  /** the background jobs (`cmd &`), as `jobs`, `kill %N` and `wait` see them */
  readonly jobs: JobTable;
  /** run() inside run() (a selftest helper's body): only the outermost line notifies about jobs */
  private depth = 0;
  /** inside $(...): a subshell, whose background commands are not this shell's jobs */
  private substDepth = 0;
  /** running a job that is one simple command (`sleep 5 &`): the command may stay in the background */
  private loneJob = false;
  /** $(...) run so far: an assignment-only command's status is that of its last one */
  private substitutions = 0;
  /** the pid of the process the last simple command forked */
  private lastChild = 0;
  /** a process of this line that sleeps for good: bash waits for it, so nothing after it runs */
  private hung: Task | null = null;
  /** foreground processes that never returned, each holding its terminal (blocked.ts); the last is Ctrl-C's */
  readonly stuck: Blocked[] = [];
  /** simulated seconds the sleeps of the current command line have run (they share one cap, SLEEP_MAX) */
  slept = 0;
  /** bytes the current command line has written (limits.ts LINE_OUTPUT_MAX) */
  private written = 0;
  /** the line reached LINE_OUTPUT_MAX: the rest of its output is dropped, the rest of it not run */
  private cut = false;
  /** `exit N` ran: nothing more of this shell (or subshell) runs */
  private exiting: number | null = null;
  /** it was SIGKILL, not `exit`: bash says nothing as it goes */
  private killed = false;
  /** it was fatal_error() (out of memory): the login shell stays, only the line ends */
  private fatal = false;
  /** how deep in subshells (pipeline elements, jobs, $(...)) the shell runs now */
  private subshells = 0;
  /** background sleeps (`sleep N &`): pid → when its timer ends it, in virtual µs (commands/sleep.ts) */
  readonly sleepers = new Map<number, number>();

  /**
   * A bug inside a command or the shell propagates instead of becoming an
   * error line: the page's timeline then puts the kernel back as it was
   * before the line (Timeline.attempt). `klp sh` has no timeline and keeps
   * the error line.
   */
  rethrowBugs = false;

  constructor(readonly k: Kernel) {
    this.jobs = new JobTable(this.k.tasks);
    this.vars.set('HOME', '/root');
    this.vars.set('PATH', '/usr/sbin:/usr/bin:/sbin:/bin');
    this.vars.set('PWD', this.cwd);
  }

  get task(): Task {
    return this.k.loginShell;
  }

  /** Runs fn as a subshell would: an `exit` inside it ends the subshell, not this shell. */
  private subshell<T>(fn: () => T): T {
    const outer = { exiting: this.exiting, killed: this.killed, fatal: this.fatal };
    this.subshells++;
    try {
      return fn();
    } finally {
      this.subshells--;
      ({ exiting: this.exiting, killed: this.killed, fatal: this.fatal } = outer);
    }
  }

  /** nothing more of this line runs: a process holds the terminal for good, or bash is exiting */
  private get stopped(): boolean {
    return this.hung !== null || this.exiting !== null || this.cut;
  }

  /**
   * `exit N` asks bash to end: nothing more of the line runs and run()
   * reports `exited`. In a pipeline, a background job or $(...) it ends only
   * the subshell running it (subshell() puts the outer state back).
   */
  exit(status: number, how: { killed?: boolean; fatal?: boolean } = {}): void {
    this.exiting = status;
    this.killed = how.killed ?? false;
    this.fatal = how.fatal ?? false;
  }

  /** Runs one command line. Nothing runs when it does not parse. */
  run(line: string): ShellResult {
    const result: ShellResult = { stdout: '', stderr: '', status: 0 };
    if (line.trim()) this.history.push(line);
    if (this.depth === 0) {
      this.slept = 0;
      this.written = 0;
      this.cut = false;
    }
    let list: CommandList;
    try {
      list = parse(line);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      result.stderr = `${e.message}\n`;
      result.status = this.status = 2;
      return result;
    }
    this.depth++;
    let out: { stdout: string; stderr: string };
    try {
      out = this.runList(list, '');
    } catch (e) {
      // The budget's end belongs to whoever set it (the timeline); a nested run's error, to the outer one.
      if (e instanceof WorkLimitExceeded || this.depth > 1 || (this.rethrowBugs && !(e instanceof KernelOops))) throw e;
      if (e instanceof KernelOops) {
        // bash itself touched freed kernel memory (a redirection, an expansion): it is killed.
        // The simulated login shell stays, for the user to see what happened.
        die(this.k, e);
        out = { stdout: '', stderr: '' };
        this.status = 128 + 9;
      } else {
        // A bug of the simulation's shell: the line ends with an error, the shell stays.
        this.hung = null;
        this.exiting = null;
        out = { stdout: '', stderr: `bash: internal error: ${errorText(e)}\n` };
        this.status = 1;
      }
    } finally {
      this.depth--;
    }
    result.stdout = out.stdout;
    const hung = this.depth === 0 ? this.hung : null;
    if (hung) {
      // The terminal waits for it for ever: no prompt, no job notices; the next line is another terminal's.
      this.hung = null;
      result.blocked = blockedOf(hung);
      this.stuck.push(result.blocked);
      result.stderr = out.stderr + blockedNotice(result.blocked);
    } else {
      // Before the next prompt bash says which jobs have ended.
      result.stderr = out.stderr + (this.depth === 0 ? this.jobs.notify() : '');
    }
    if (this.depth === 0 && this.cut) {
      result.stderr += `klp: this line wrote ${mebibytes(LINE_OUTPUT_MAX)}, the most the simulation lets one command line write; the rest of its output was dropped and the rest of the line not run.\n`;
      this.status = 1;
    }
    if (this.depth === 0 && this.exiting !== null) {
      // An interactive bash says "exit" as it leaves (on stderr); killed, it says nothing.
      if (!this.fatal) result.exited = this.exiting;
      if (!this.killed && !this.fatal) result.stderr = `exit\n${result.stderr}`;
      this.exiting = null;
      this.killed = false;
      this.fatal = false;
    }
    result.status = this.status;
    return result;
  }

  /** Ctrl-C at this terminal: SIGINT to the process that blocks it, if one does (blocked.ts). */
  interrupt(): ShellResult {
    const r = interruptBlocked(this.k, this.stuck);
    this.status = 130;
    return { stdout: '', stderr: r.text, status: 130 };
  }

  /** $(...): the list's stdout, its stderr passed through. */
  substitute(list: CommandList, errs: string[]): string {
    this.substitutions++;
    this.substDepth++;
    let r: { stdout: string; stderr: string };
    try {
      r = this.subshell(() => this.runList(list, ''));
    } finally {
      this.substDepth--;
    }
    if (r.stderr) errs.push(r.stderr);
    // bash drops the trailing newlines (not with a regular expression: /\n+$/ is quadratic on many newlines)
    let end = r.stdout.length;
    while (end > 0 && r.stdout[end - 1] === '\n') end--;
    return r.stdout.slice(0, end);
  }

  private runList(list: CommandList, stdin: string): { stdout: string; stderr: string } {
    let stdout = '';
    let stderr = '';
    for (const item of list.items) {
      if (this.stopped) break;
      const r = item.background && this.substDepth === 0 ? this.runBackground(item, stdin) : this.runAndOr(item, stdin);
      stdout += r.stdout;
      stderr += r.stderr;
    }
    return { stdout, stderr };
  }

  /**
   * `cmd &`: a job. Bash forks the command itself (a lone external command)
   * or a subshell running the list, prints `[N] PID`, and returns status 0
   * at once. The simulation runs the job to its end here and now, but for
   * the commands that keep running: the getpid helper, and a lone `sleep N`
   * (its process sleeps until its timer ends it, commands/sleep.ts).
   */
  private runBackground(item: AndOr, stdin: string): { stdout: string; stderr: string } {
    const lone = item.rest.length === 0 && item.first.commands.length === 1;
    const subshell = lone ? 0 : this.k.allocPid();
    this.lastChild = 0;
    const before = this.lastBackground;
    const sleptBefore = this.slept;
    this.loneJob = lone;
    let r: { stdout: string; stderr: string };
    try {
      r = this.runAndOr(item, stdin);
    } finally {
      this.loneJob = false;
    }
    // A process of the job that sleeps for good keeps it running; the shell does not wait for it.
    const hung = this.hung;
    this.hung = null;
    const helper = lone && this.lastBackground !== before;
    const pid = helper ? this.lastBackground : subshell || this.lastChild || this.k.allocPid();
    const running = helper || hung || this.sleepers.has(pid);
    const job = this.jobs.add(pid, jobText(item), running ? null : this.status);
    if (hung && hung.pid !== pid) job.holder = hung.pid;
    this.lastBackground = pid;
    this.status = 0;
    // Say so when the simulation's shortcut shows: the job's sleeps made the prompt wait.
    const slept = this.slept - sleptBefore;
    const note = slept > 0 ? `klp: only a lone sleep runs in the background here; this job of several commands ran to its end at once, its ${slept} s before the prompt.\n` : '';
    return { stdout: r.stdout, stderr: `[${job.n}] ${pid}\n${r.stderr}${note}` };
  }

  private runAndOr(item: AndOr, stdin: string): { stdout: string; stderr: string } {
    let r = this.runPipeline(item.first, stdin, item.background);
    let stdout = r.stdout;
    let stderr = r.stderr;
    for (const next of item.rest) {
      if (this.stopped) break;
      if ((next.op === '&&') !== (this.status === 0)) continue;
      r = this.runPipeline(next.pipeline, stdin, item.background);
      stdout += r.stdout;
      stderr += r.stderr;
    }
    return { stdout, stderr };
  }

  private runPipeline(p: Pipeline, stdin: string, background: boolean): { stdout: string; stderr: string } {
    let input = stdin;
    let stderr = '';
    let stdout = '';
    // bash runs each command of a pipeline, and a background job, in a subshell of its own
    const subshells = p.commands.length > 1 || background;
    p.commands.forEach((cmd, i) => {
      if (this.stopped) return;
      const run = () => this.runSimple(cmd, input, background && i === p.commands.length - 1);
      const r = subshells ? this.subshell(run) : run();
      stderr += r.stderr;
      if (i === p.commands.length - 1) stdout = r.stdout;
      else input = r.stdout;
    });
    return { stdout, stderr };
  }

  private openForWrite(word: Word, append: boolean, errs: string[], room: ExpansionRoom): Sink | null {
    const path = expandWord(this, word, errs, room);
    let node = lookup(this.k, path, this.cwd);
    if (!node && createFile(this.k, path, this.cwd)) node = lookup(this.k, path, this.cwd);
    let errno = 0;
    if (!node) errno = /^\/?(sys|proc)\//.test(normalizePath(path, this.cwd)) && parentExists(this, path) ? EACCES : ENOENT;
    else if (node.kind === 'dir') errno = EISDIR;
    else if (!node.write || !(node.mode & 0o222)) errno = EACCES;
    if (errno) {
      errs.push(`bash: ${path}: ${strError(errno)}\n`);
      return null;
    }
    return { text: '', file: node as FileNode, append, error: 0 };
  }

  private runSimple(cmd: SimpleCommand, stdin: string, background: boolean): { stdout: string; stderr: string } {
    const errs: string[] = [];
    const room = new ExpansionRoom();
    const substitutionsBefore = this.substitutions;
    let argv: string[];
    let assigns: (readonly [string, string])[];
    let io: Redirected | null;
    try {
      argv = expandWords(this, cmd.words, errs, room);
      assigns = cmd.assignments.map((a) => [a.name, expandWord(this, a.value, errs, room)] as const);
      // A $(...) whose command sleeps for good: bash still waits for it.
      if (this.hung) return { stdout: '', stderr: errs.join('') };
      if (argv.length === 0) {
        for (const [n, v] of assigns) this.vars.set(n, v);
        if (this.substitutions === substitutionsBefore) this.status = 0;
        return { stdout: '', stderr: errs.join('') };
      }
      io = this.redirect(cmd.redirects, stdin, errs, room);
    } catch (e) {
      if (!(e instanceof ExpansionTooLarge)) throw e;
      return this.outOfMemory(e, errs);
    }
    if (!io) {
      this.status = 1;
      return { stdout: '', stderr: errs.join('') };
    }
    const { out, err, input, inputFile, stdoutSink, stderrSink } = io;
    const name = argv[0]!;
    const args = argv.slice(1);
    this.lastChild = 0;
    let notice = '';
    let killed = false;
    let detached = false;
    const write = (sink: Sink, rawText: string): number => {
      const text = this.meterOutput(rawText);
      if (!sink.file) {
        sink.text += text;
        return 0;
      }
      const ret = sink.file.write!(text, sink.append);
      sink.append = true;
      if (ret < 0) sink.error = ret;
      return ret;
    };
    const run = (command: Command, task: Task): number => {
      const ctx: CommandContext = {
        k: this.k,
        shell: this,
        task,
        stdin: input,
        stdinFile: inputFile,
        out: (t) => void write(stdoutSink, t),
        err: (t) => void write(stderrSink, t),
        write: (t) => write(stdoutSink, t),
        background: background && this.loneJob,
        detach: () => void (detached = true),
      };
      // fork(), runAs() and the exit each go through the task list
      this.k.charge(3 * taskListScan(this.k));
      try {
        return this.k.runAs(task, () => command(ctx, args));
      } catch (e) {
        if (e instanceof WorkLimitExceeded || (this.rethrowBugs && !(e instanceof KernelOops))) throw e;
        if (!(e instanceof KernelOops)) {
          // A bug of the simulated command: it fails with an error line; the shell and the line go on.
          write(stderrSink, `bash: ${name}: internal error: ${errorText(e)}\n`);
          return 1;
        }
        // The command's kernel code touched freed memory (rmmod -f): the Oops kills it (SIGKILL),
        // and bash says so. (A builtin runs in bash itself, which a real kernel would kill; the
        // simulated login shell stays.)
        die(this.k, e);
        if (e.task === task && task !== this.task) killed = true;
        return 128 + 9;
      }
    };
    const builtin = Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
    if (builtin) {
      this.status = run(builtin, this.task);
    } else {
      const base = name.slice(name.lastIndexOf('/') + 1);
      const command = Object.hasOwn(COMMANDS, base) ? COMMANDS[base] : undefined;
      if (!command || (name.includes('/') && !lookup(this.k, name, this.cwd))) {
        write(stderrSink, `bash: ${name}: ${name.includes('/') ? 'No such file or directory' : 'command not found'}\n`);
        this.status = 127;
      } else if (background && base === 'test_klp-call_getpid') {
        this.status = run(command, this.task);
      } else {
        const child = this.fork(base);
        this.lastChild = child.pid;
        try {
          this.status = run(command, child);
        } finally {
          // A process asleep for good stays (blocked.ts); any other has exited.
          if (child.sleepsForever && this.k.tasks.includes(child)) this.hung = child;
          else if (!detached) this.k.exitTask(child);
        }
        // A foreground command killed by a signal: bash names the signal.
        if (killed && !background) notice += 'Killed\n';
        // After a foreground command bash reports the jobs that ended meanwhile.
        if (!background && !this.hung && this.depth === 1 && this.substDepth === 0) notice += this.jobs.notify();
      }
    }
    if (stdoutSink.error) {
      const who = builtin ? `bash: ${name}` : name;
      write(stderrSink, `${who}: write error: ${strError(stdoutSink.error)}\n`);
      this.status = 1;
    }
    for (const [n, v] of assigns) this.vars.set(n, v);
    return { stdout: out.text, stderr: errs.join('') + err.text + notice };
  }

  /**
   * The command's redirections, left to right: its input, and the sinks its
   * stdout and stderr go to. Null when one fails (the error is in errs).
   */
  private redirect(redirects: SimpleCommand['redirects'], stdin: string, errs: string[], room: ExpansionRoom): Redirected | null {
    const out: Sink = { text: '', file: null, append: false, error: 0 };
    const err: Sink = { text: '', file: null, append: false, error: 0 };
    let stdoutSink = out;
    let stderrSink = err;
    let input = stdin;
    let inputFile: string | null = null;
    for (const r of redirects) {
      if (r.op === '<') {
        const path = expandWord(this, r.target as Word, errs, room);
        const node = lookup(this.k, path, this.cwd);
        const content = node?.kind === 'file' && node.read ? node.read() : -ENOENT;
        if (typeof content === 'number') {
          errs.push(`bash: ${path}: ${strError(content)}\n`);
          return null;
        }
        input = content;
        inputFile = normalizePath(path, this.cwd);
        continue;
      }
      if (r.op === '>&' && typeof r.target === 'number') {
        const to = r.target === 1 ? stdoutSink : stderrSink;
        if (r.fd === 2) stderrSink = to;
        else stdoutSink = to;
        continue;
      }
      const sink = this.openForWrite(r.target as Word, r.op === '>>', errs, room);
      if (!sink) return null;
      if (r.op === '&>') stdoutSink = stderrSink = sink;
      else if (r.fd === 2) stderrSink = sink;
      else stdoutSink = sink;
    }
    return { out, err, input, inputFile, stdoutSink, stderrSink };
  }

  /**
   * Counts what the line writes, charges it, and keeps it within
   * LINE_OUTPUT_MAX: past that the line is cut (nothing more of it runs)
   * and what does not fit is dropped.
   */
  private meterOutput(text: string): string {
    if (this.cut) return '';
    const room = LINE_OUTPUT_MAX - this.written;
    const kept = text.length > room ? text.slice(0, room) : text;
    if (kept !== text) this.cut = true;
    this.written += kept.length;
    this.k.charge(kept.length * WORK_PER_BYTE_WRITTEN);
    return kept;
  }

  /**
   * An expansion past WORD_MAX or COMMAND_WORDS_MAX: bash's xmalloc() fails and
   * fatal_error() ends the shell running the command, status 2. A subshell
   * (a pipeline element, a job, a $(...)) ends as in bash; the login shell
   * stays, and only the rest of the line is skipped. The command's
   * assignments do not happen.
   */
  private outOfMemory(e: ExpansionTooLarge, errs: string[]): { stdout: string; stderr: string } {
    const limit = `klp: the simulation lets a word expand to at most ${mebibytes(WORD_MAX)} (a command's words to ${mebibytes(COMMAND_WORDS_MAX)}); bash, out of memory, exits with status 2`;
    errs.push(`bash: ${e.message}\n`, this.subshells > 0 ? `${limit}: here, the subshell running it.\n` : `${limit}: this shell stays, and the rest of the line was not run.\n`);
    this.exit(2, { fatal: true });
    this.status = 2;
    return { stdout: '', stderr: errs.join('') };
  }

  /** fork() from the shell: the child inherits its patch_state and TIF_PATCH_PENDING. */
  fork(comm: string): Task {
    const sh = this.task;
    return this.k.spawn({ comm, kind: 'user', cpu: sh.cpu, chain: [], behavior: { type: 'command' }, state: 'R', parent: sh });
  }
}

/** An exception's message, for the error line that replaces it. */
function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function parentExists(sh: Shell, path: string): boolean {
  const abs = normalizePath(path, sh.cwd);
  const parent = abs.slice(0, abs.lastIndexOf('/')) || '/';
  return lookup(sh.k, parent, sh.cwd)?.kind === 'dir';
}
