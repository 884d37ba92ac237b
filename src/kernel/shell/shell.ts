/**
 * The simulated bash: parses a line, expands words, sets up redirections and
 * pipes, and runs builtins in the shell process and other commands in a
 * forked child (so a command run during a transition inherits the shell's
 * universe). A line that does not parse runs nothing.
 */
import { WorkLimitExceeded, type Kernel } from '../kernel';
import { strError, EACCES, EISDIR, ENOENT } from '../world/errno';
import { lookup, createFile, KERNEL_TREE, SELFTEST_DIR } from '../fs/vfs';
import type { FileNode } from '../fs/node';
import { normalizePath } from '../fs/node';
import { SLEEP_SITES, type Task } from '../world/tasks';
import { reenter } from '../world/task-events';
import { klp_update_patch_state } from '../livepatch/task-switch';
import { isGroup, parse, ShellSyntaxError, type AndOr, type CommandList, type GroupCommand, type Pipeline, type SimpleCommand, type Word } from './parse';
import { expandWords, expandWord, ExpansionRoom } from './expand';
import { COMMAND_WORDS_MAX, ExpansionTooLarge, LINE_OUTPUT_MAX, mebibytes, taskListScan, WORD_MAX, WORK_PER_BYTE_WRITTEN } from './limits';
import type { Command, CommandContext } from './types';
import { COMMANDS, BUILTINS } from './commands';
import { JobTable, jobText } from './jobs';
import { jobRun, unpausable, type JobRun } from './job-run';
import { joined, TERMINAL_KEPT, type Output, type TermChunk } from './terminal';
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

/** What a background job's subshell leaves off with: a sleep it waits for, a process asleep for good, or its end. */
type JobOutcome = { paused: number } | { hung: Task } | { status: number };

/** A job's subshell has no jobs of its own (the simulated one starts none that outlive a command). */
const NO_JOBS = new JobTable([]);

export class Shell {
  /** where the shell starts: the selftests' directory, or before them (5.1) the kernel tree, where the samples are built */
  cwd: string;
  /** the variables: bash's, or while a subshell runs (a job, `( … )`), the subshell's own copy */
  vars = new Map<string, string>();
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
  /** the next simple command is a whole pipeline of a background job: a sleep there pauses the job (job-run.ts) */
  private pausing = false;
  /** the sleep that went on in the background and so paused the job, 0 if none */
  private pausedOn = 0;
  /** the background job whose subshell runs commands now (job-run.ts), null for bash itself */
  private job: JobRun | null = null;
  /** running the commands of a background job (its own subshell, or a job run at once): bash says nothing of them */
  private inBackground = 0;
  /** > 0 while stdout (stderr) goes to a pipe or a group's redirection rather than the terminal */
  private stdoutCaptured = 0;
  private stderrCaptured = 0;
  /** what the terminal shows that no one has taken yet, in the order it was written (terminal.ts) */
  readonly tty: TermChunk[] = [];
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
  /** how deep in subshells (pipeline elements, jobs, `( … )`, $(...)) the shell runs now */
  private subshells = 0;
  /**
   * background sleeps (`sleep N &`, and a job's sleep): pid → when its timer
   * ends it, in virtual µs (commands/sleep.ts); a job paused at a sleep is
   * here too, under its own pid, for `wait`
   */
  readonly sleepers = new Map<number, number>();
  /** background jobs paused at a sleep, by the sleep's pid: its end resumes them (childExited()) */
  readonly waiting = new Map<number, JobRun>();

  /**
   * A bug inside a command or the shell propagates instead of becoming an
   * error line: the page's timeline then puts the kernel back as it was
   * before the line (Timeline.attempt). `klp sh` has no timeline and keeps
   * the error line.
   */
  rethrowBugs = false;

  constructor(readonly k: Kernel) {
    this.cwd = k.profile.selftests ? SELFTEST_DIR : KERNEL_TREE;
    this.jobs = new JobTable(this.k.tasks);
    this.vars.set('HOME', '/root');
    this.vars.set('PATH', '/usr/sbin:/usr/bin:/sbin:/bin');
    this.vars.set('PWD', this.cwd);
  }

  /** the process running the shell's builtins: bash, or the subshell of the job running now */
  get task(): Task {
    return (this.job && this.k.taskByPid(this.job.pid)) || this.k.loginShell;
  }

  /** A background job's subshell runs commands now (`wait` has no jobs to wait for, a sleep elsewhere cannot pause it). */
  get inJob(): boolean {
    return this.job !== null;
  }

  /** The jobs `jobs`, `wait` and `kill %N` see: bash's, none in a job's subshell. */
  get visibleJobs(): JobTable {
    return this.job ? NO_JOBS : this.jobs;
  }

  /** Everything the terminal has shown since it was last taken, in order (the page and `klp sh` show it). */
  takeTerminal(): TermChunk[] {
    return this.tty.splice(0);
  }

  /**
   * Runs fn as a subshell would: an `exit` inside it ends the subshell, not
   * this shell, and its variables and directory are its own.
   */
  private subshell<T>(fn: () => T): T {
    const outer = { exiting: this.exiting, killed: this.killed, fatal: this.fatal, vars: this.vars, cwd: this.cwd };
    this.vars = new Map(this.vars);
    this.subshells++;
    try {
      return fn();
    } finally {
      this.subshells--;
      ({ exiting: this.exiting, killed: this.killed, fatal: this.fatal, vars: this.vars, cwd: this.cwd } = outer);
    }
  }

  /**
   * Output as it is written: what goes to the terminal now joins the
   * terminal's chunks, in order; what goes to a pipe, a $(...), a
   * redirected group or a helper's caller is returned, to go there.
   */
  private show(chunks: TermChunk[]): Output {
    const onTty = this.depth <= 1 && this.substDepth === 0;
    const rest = { stdout: '', stderr: '' };
    for (const c of chunks) {
      if (!c.text) continue;
      if (onTty && (c.err ? this.stderrCaptured : this.stdoutCaptured) === 0) this.tty.push(c);
      else if (c.err) rest.stderr += c.text;
      else rest.stdout += c.text;
    }
    return rest;
  }

  /** Output that came back to where the terminal is: it goes there. */
  private showRest(r: Output): void {
    this.show([{ err: false, text: r.stdout }, { err: true, text: r.stderr }]);
  }

  /** Does what this line writes reach the terminal (so a job started here may print there later)? */
  private get onTerminal(): boolean {
    return this.depth === 1 && this.substDepth === 0 && this.stdoutCaptured === 0 && this.stderrCaptured === 0;
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
    // An interactive bash says "exit" as it leaves (on stderr); killed, it says nothing.
    if (!this.killed && !this.fatal && this.subshells === 0 && this.substDepth === 0) this.tty.push({ err: true, text: 'exit\n' });
  }

  /** Runs one command line. Nothing runs when it does not parse. */
  run(line: string): ShellResult {
    const result: ShellResult = { stdout: '', stderr: '', status: 0 };
    if (line.trim()) this.history.push(line);
    // The outermost line writes to the terminal; a helper's body (run inside a command), to that command.
    const top = this.depth === 0;
    if (top) {
      this.slept = 0;
      this.written = 0;
      this.cut = false;
      if (this.tty.length > TERMINAL_KEPT) this.tty.splice(0, this.tty.length - TERMINAL_KEPT);
    }
    const mark = this.tty.length;
    /** The line's output: on the terminal since `mark` for the outermost line, else what came back. */
    const finish = (rest: Output): ShellResult => {
      if (top) {
        this.show([{ err: false, text: rest.stdout }, { err: true, text: rest.stderr }]);
        const shown = this.tty.slice(mark);
        result.stdout = joined(shown, false);
        result.stderr = joined(shown, true);
      } else {
        result.stdout = rest.stdout;
        result.stderr = rest.stderr;
      }
      result.status = this.status;
      return result;
    };
    let list: CommandList;
    try {
      list = parse(line);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      this.status = 2;
      return finish({ stdout: '', stderr: `${e.message}\n` });
    }
    this.depth++;
    let out: Output;
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
    let notices = '';
    const hung = top ? this.hung : null;
    if (hung) {
      // The terminal waits for it for ever: no prompt, no job notices; the next line is another terminal's.
      this.hung = null;
      result.blocked = blockedOf(hung);
      this.stuck.push(result.blocked);
      notices += blockedNotice(result.blocked);
    } else if (top) {
      // Before the next prompt bash says which jobs have ended.
      notices += this.jobs.notify();
    }
    if (top && this.cut) {
      notices += `klp: this line wrote ${mebibytes(LINE_OUTPUT_MAX)}, the most the simulation lets one command line write; the rest of its output was dropped and the rest of the line not run.\n`;
      this.status = 1;
    }
    if (top && this.exiting !== null) {
      if (!this.fatal) result.exited = this.exiting;
      this.exiting = null;
      this.killed = false;
      this.fatal = false;
    }
    return finish({ stdout: out.stdout, stderr: out.stderr + notices });
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

  private runList(list: CommandList, stdin: string): Output {
    let stdout = '';
    let stderr = '';
    for (const item of list.items) {
      if (this.stopped) break;
      const r = !item.background ? this.runAndOr(item, stdin) : this.substDepth === 0 && this.subshells === 0 ? this.runBackground(item, stdin) : this.runAside(item, stdin);
      stdout += r.stdout;
      stderr += r.stderr;
    }
    return { stdout, stderr };
  }

  /**
   * `cmd &`: a job. Bash forks the command itself (a lone external command)
   * or a subshell running the list, prints `[N] PID`, and returns status 0
   * at once. A job of several commands runs in the background for real
   * (startJob()) wherever its sleeps let it pause (job-run.ts); one they do
   * not, and a lone command, run to their end here and now, but for the
   * commands that keep running: the getpid helper, and a lone `sleep N`
   * (its process sleeps until its timer ends it, commands/sleep.ts).
   */
  private runBackground(item: AndOr, stdin: string): Output {
    const only = item.rest.length === 0 && item.first.commands.length === 1 ? item.first.commands[0]! : null;
    const lone = only !== null && !isGroup(only);
    const why = lone ? null : unpausable(item);
    if (!lone && why === null && this.onTerminal) return this.startJob(item);
    const subshell = lone ? 0 : this.k.allocPid();
    this.lastChild = 0;
    const before = this.lastBackground;
    const sleptBefore = this.slept;
    // Its output follows the `[N] PID` bash prints as it forks.
    this.stdoutCaptured++;
    this.stderrCaptured++;
    this.inBackground++;
    this.loneJob = lone;
    let r: Output;
    try {
      // A lone command runs in a subshell of its own (runPipeline()); a list, all of it in one.
      r = lone ? this.runAndOr(item, stdin) : this.subshell(() => this.runAndOr({ ...item, background: false }, stdin));
    } finally {
      this.loneJob = false;
      this.inBackground--;
      this.stdoutCaptured--;
      this.stderrCaptured--;
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
    const where = why ?? 'a line whose output does not go to the terminal';
    const note = slept > 0 ? `klp: a sleep of this job sits in ${where}, where the simulation cannot pause a background job; the job ran to its end at once, its ${slept} s before the prompt.\n` : '';
    return this.show([
      { err: true, text: `[${job.n}] ${pid}\n` },
      { err: false, text: r.stdout },
      { err: true, text: r.stderr + note },
    ]);
  }

  /**
   * `cmd &` in a subshell (a job, `( … )`, a pipeline's element, $(...)):
   * a process of the subshell's, no job of this shell's. The simulation
   * runs it there and then, and says so when that made the line wait (in
   * a $(...) bash too waits, for the output the process may still write).
   */
  private runAside(item: AndOr, stdin: string): Output {
    const before = this.slept;
    const r = this.runAndOr(item, stdin);
    const slept = this.slept - before;
    if (slept === 0 || this.substDepth > 0) return r;
    const note = `klp: \`${jobText(item)} &' inside a subshell ran to its end at once here, its ${slept} s before the prompt.\n`;
    return { stdout: r.stdout, stderr: r.stderr + this.show([{ err: true, text: note }]).stderr };
  }

  /**
   * A job of several commands, run for real in the background: its
   * subshell (a process of its own) runs the commands up to a sleep, and
   * the rest when that sleep ends (childExited()).
   */
  private startJob(item: AndOr): Output {
    const sub = this.fork('bash');
    this.k.charge(taskListScan(this.k));
    const job = this.jobs.add(sub.pid, jobText(item), null);
    this.lastBackground = sub.pid;
    const shown = this.show([{ err: true, text: `[${job.n}] ${sub.pid}\n` }]);
    this.continueJob(jobRun(sub.pid, item, this.vars, this.cwd, this.status));
    this.status = 0;
    return shown;
  }

  /**
   * A process ended: if a background job's subshell was waiting for it (the
   * sleep it paused at), the subshell's wait4() returns with its status and
   * the job goes on. Returns whether a job was waiting for it.
   */
  childExited(pid: number, status: number): boolean {
    const run = this.waiting.get(pid);
    if (!run) return false;
    this.waiting.delete(pid);
    this.sleepers.delete(run.pid);
    const sub = this.k.taskByPid(run.pid);
    if (!sub) return true; // the job was killed: nothing more of it runs
    run.status = status;
    // Back from its system call the subshell returns to user space, where a pending task switches.
    klp_update_patch_state(this.k, sub, 'exit_to_user_mode_loop');
    sub.calls = [];
    sub.chain = [];
    sub.behavior = { type: 'command' };
    sub.state = 'R';
    this.continueJob(run);
    return true;
  }

  /** Runs a job's subshell from where it stands until it pauses at a sleep, waits for good, or ends. */
  private continueJob(run: JobRun): void {
    const sub = this.k.taskByPid(run.pid)!;
    let outcome: JobOutcome;
    try {
      outcome = this.asJob(run, () => this.advanceJob(run, sub));
    } catch (e) {
      if (e instanceof WorkLimitExceeded || (this.rethrowBugs && !(e instanceof KernelOops))) throw e;
      if (e instanceof KernelOops) {
        // the subshell touched freed kernel memory: it is killed (SIGKILL), and the job with it
        die(this.k, e);
        this.jobs.signalled(run.pid, 'KILL');
        outcome = { status: 128 + 9 };
      } else {
        this.tty.push({ err: true, text: `bash: internal error: ${errorText(e)}\n` });
        outcome = { status: 1 };
      }
    }
    if ('status' in outcome) {
      this.jobs.ended(run.pid, outcome.status);
      this.k.exitTask(sub);
      return;
    }
    // The subshell waits in wait4() for its child: the sleep, or a process that never returns.
    sub.calls = [...SLEEP_SITES.wait4];
    reenter(this.k, sub, 0);
    sub.behavior = { type: 'sleeper' };
    sub.state = 'S';
    if ('hung' in outcome) {
      const job = this.jobs.jobs.find((j) => j.pid === run.pid);
      if (job) job.holder = outcome.hung.pid;
      return;
    }
    this.waiting.set(outcome.paused, run);
    const end = this.sleepers.get(outcome.paused);
    if (end !== undefined) this.sleepers.set(run.pid, end);
  }

  /**
   * Runs fn as the job's subshell: its variables, directory, status and
   * output meter, at the terminal, outside any command of bash's; then puts
   * bash's back. A job may go on in the middle of one of bash's commands
   * (a foreground sleep during which its timer fires).
   */
  private asJob<T>(run: JobRun, fn: () => T): T {
    const saved = {
      vars: this.vars, cwd: this.cwd, status: this.status, lastChild: this.lastChild, hung: this.hung,
      exiting: this.exiting, killed: this.killed, fatal: this.fatal, subshells: this.subshells,
      written: this.written, cut: this.cut, depth: this.depth, substDepth: this.substDepth,
      loneJob: this.loneJob, pausing: this.pausing, pausedOn: this.pausedOn, job: this.job,
      inBackground: this.inBackground, stdoutCaptured: this.stdoutCaptured, stderrCaptured: this.stderrCaptured,
    };
    this.vars = run.vars;
    this.cwd = run.cwd;
    this.status = run.status;
    this.written = run.written;
    Object.assign(this, {
      lastChild: 0, hung: null, exiting: null, killed: false, fatal: false, subshells: 1, cut: false, depth: 1, substDepth: 0,
      loneJob: false, pausing: false, pausedOn: 0, job: run, inBackground: 1, stdoutCaptured: 0, stderrCaptured: 0,
    });
    try {
      return fn();
    } finally {
      run.vars = this.vars;
      run.cwd = this.cwd;
      run.status = this.status;
      run.written = this.written;
      Object.assign(this, saved);
    }
  }

  /** The job's frames, run one command at a time (job-run.ts). */
  private advanceJob(run: JobRun, sub: Task): JobOutcome {
    const frames = run.frames;
    while (frames.length) {
      if (this.exiting !== null) {
        // `exit` ends the innermost `( … )` of the job, or the job
        let f = frames.pop();
        while (f && f.kind !== 'subshell') f = frames.pop();
        if (!f) break;
        this.vars = f.vars;
        this.cwd = f.cwd;
        this.status = this.exiting;
        this.exiting = null;
        this.killed = this.fatal = false;
        continue;
      }
      // a process of it asleep for good, its output used up, or its subshell killed: nothing more runs
      if (this.hung || this.cut || this.k.taskByPid(sub.pid) !== sub) break;
      const f = frames[frames.length - 1]!;
      if (f.kind === 'subshell') {
        frames.pop();
        this.vars = f.vars;
        this.cwd = f.cwd;
      } else if (f.kind === 'list') {
        const it = f.list.items[f.next++];
        if (!it) frames.pop();
        // `cmd &` inside the job: a process of the subshell's, not a job of bash's; it runs there and then
        else if (it.background) this.showRest(this.runAside(it, ''));
        else frames.push({ kind: 'and-or', item: it, next: 0 });
      } else {
        const i = f.next++;
        if (i > f.item.rest.length) {
          frames.pop();
          continue;
        }
        if (i > 0 && (f.item.rest[i - 1]!.op === '&&') !== (this.status === 0)) continue;
        const p = i === 0 ? f.item.first : f.item.rest[i - 1]!.pipeline;
        const only = p.commands.length === 1 ? p.commands[0]! : null;
        if (only && isGroup(only) && only.redirects.length === 0) {
          if (only.subshell) {
            frames.push({ kind: 'subshell', vars: this.vars, cwd: this.cwd });
            this.vars = new Map(this.vars);
          }
          frames.push({ kind: 'list', list: only.body, next: 0 });
          continue;
        }
        this.pausing = only !== null && !isGroup(only);
        this.pausedOn = 0;
        try {
          this.showRest(this.runPipeline(p, '', false));
        } finally {
          this.pausing = false;
        }
        if (this.pausedOn) return { paused: this.pausedOn };
      }
    }
    if (this.hung) return { hung: this.hung };
    if (this.cut) {
      this.tty.push({ err: true, text: `klp: this job wrote ${mebibytes(LINE_OUTPUT_MAX)}, the most the simulation lets one command line write; the rest of its output was dropped and the rest of it not run.\n` });
      return { status: 1 };
    }
    return { status: this.exiting ?? this.status };
  }

  private runAndOr(item: AndOr, stdin: string): Output {
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

  private runPipeline(p: Pipeline, stdin: string, background: boolean): Output {
    let input = stdin;
    let stderr = '';
    let stdout = '';
    // bash runs each command of a pipeline, and a background job, in a subshell of its own
    const subshells = p.commands.length > 1 || background;
    p.commands.forEach((cmd, i) => {
      if (this.stopped) return;
      const last = i === p.commands.length - 1;
      const run = () => (isGroup(cmd) ? this.runGroup(cmd, input) : this.runSimple(cmd, input, background && last));
      // all but the last write to the next one's input
      if (!last) this.stdoutCaptured++;
      let r: Output;
      try {
        r = subshells ? this.subshell(run) : run();
      } finally {
        if (!last) this.stdoutCaptured--;
      }
      stderr += r.stderr;
      if (last) stdout = r.stdout;
      else input = r.stdout;
    });
    return { stdout, stderr };
  }

  /**
   * `{ list; }` in this shell, `( list )` in a subshell, its redirections
   * applied to the whole list: what the list writes to a redirected stream
   * is kept from the terminal and goes to the file (or the other stream).
   */
  private runGroup(g: GroupCommand, stdin: string): Output {
    const errs: string[] = [];
    let io: Redirected | null;
    try {
      io = this.redirect(g.redirects, stdin, errs, new ExpansionRoom());
    } catch (e) {
      if (!(e instanceof ExpansionTooLarge)) throw e;
      return this.show([{ err: true, text: this.outOfMemory(e, errs).stderr }]);
    }
    if (!io) {
      this.status = 1;
      return this.show([{ err: true, text: errs.join('') }]);
    }
    const { out, err, input, stdoutSink, stderrSink } = io;
    const outAway = stdoutSink !== out;
    const errAway = stderrSink !== err;
    if (outAway) this.stdoutCaptured++;
    if (errAway) this.stderrCaptured++;
    let r: Output;
    try {
      r = g.subshell ? this.subshell(() => this.runList(g.body, input)) : this.runList(g.body, input);
    } finally {
      if (outAway) this.stdoutCaptured--;
      if (errAway) this.stderrCaptured--;
    }
    // Metered as the list's commands wrote it: delivered here, not counted again.
    if (outAway) deliver(stdoutSink, r.stdout);
    if (errAway) deliver(stderrSink, r.stderr);
    return this.show([
      { err: true, text: errs.join('') },
      { err: false, text: out.text + (outAway ? '' : r.stdout) },
      { err: true, text: err.text + (errAway ? '' : r.stderr) },
    ]);
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

  /** A simple command; its output shown (show()) as it ends. */
  private runSimple(cmd: SimpleCommand, stdin: string, background: boolean): Output {
    // A sleep here may pause the job; one in this command's $(...) may not.
    const pausing = this.pausing;
    this.pausing = false;
    return this.show(this.simple(cmd, stdin, background, pausing));
  }

  private simple(cmd: SimpleCommand, stdin: string, background: boolean, pausing: boolean): TermChunk[] {
    const errs: string[] = [];
    const errors = (): TermChunk[] => [{ err: true, text: errs.join('') }];
    const room = new ExpansionRoom();
    const substitutionsBefore = this.substitutions;
    let argv: string[];
    let assigns: (readonly [string, string])[];
    let io: Redirected | null;
    try {
      argv = expandWords(this, cmd.words, errs, room);
      assigns = cmd.assignments.map((a) => [a.name, expandWord(this, a.value, errs, room)] as const);
      // A $(...) whose command sleeps for good: bash still waits for it.
      if (this.hung) return errors();
      if (argv.length === 0) {
        for (const [n, v] of assigns) this.vars.set(n, v);
        if (this.substitutions === substitutionsBefore) this.status = 0;
        return errors();
      }
      io = this.redirect(cmd.redirects, stdin, errs, room);
    } catch (e) {
      if (!(e instanceof ExpansionTooLarge)) throw e;
      return [{ err: true, text: this.outOfMemory(e, errs).stderr }];
    }
    if (!io) {
      this.status = 1;
      return errors();
    }
    const { out, err, input, inputFile, stdoutSink, stderrSink } = io;
    const name = argv[0]!;
    const args = argv.slice(1);
    this.lastChild = 0;
    let notice = '';
    let killed = false;
    let detached = false;
    const write = (sink: Sink, rawText: string): number => deliver(sink, this.meterOutput(rawText));
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
        background: (background && this.loneJob) || pausing,
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
          // a sleep of a job's that goes on in the background: the job waits for it (job-run.ts)
          else if (pausing) this.pausedOn = child.pid;
        }
        // A foreground command killed by a signal: bash names the signal.
        if (killed && !background && !this.inBackground) notice += 'Killed\n';
        // After a foreground command bash reports the jobs that ended meanwhile.
        if (!background && !this.inBackground && !this.hung && this.depth === 1 && this.substDepth === 0) notice += this.jobs.notify();
      }
    }
    if (stdoutSink.error) {
      const who = builtin ? `bash: ${name}` : name;
      write(stderrSink, `${who}: write error: ${strError(stdoutSink.error)}\n`);
      this.status = 1;
    }
    for (const [n, v] of assigns) this.vars.set(n, v);
    return [...errors(), { err: false, text: out.text }, { err: true, text: err.text + notice }];
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

/** Text to a sink: its file (a failed write leaves the error in the sink) or the text it collects. */
function deliver(sink: Sink, text: string): number {
  if (!sink.file) {
    sink.text += text;
    return 0;
  }
  const ret = sink.file.write!(text, sink.append);
  sink.append = true;
  if (ret < 0) sink.error = ret;
  return ret;
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
