/**
 * A situation is set-up + inputs + a position: the inputs are the commands
 * typed (or fired by buttons), single kernel events, and simulation
 * controls. The engine is deterministic, so any step is reproduced by
 * replaying the inputs before it: that is what a link carries. Going back
 * starts from the nearest copy of the machine kept on the way
 * (checkpoints.ts) and replays only the few inputs after it. Acting while
 * back in time drops the future, as in RaftScope.
 */
import type { Kernel } from '../kernel/kernel';
import { bootKernel } from '../kernel/boot';
import type { Shell } from '../kernel/shell/shell';
import type { Blocked } from '../kernel/shell/blocked';
import type { TermChunk } from '../kernel/shell/terminal';
import { harnessSetup } from '../kernel/selftest/setup';
import { settle as settleKernel, nextEventMakesProgress } from '../kernel/settle';
import { snapshot } from '../kernel/view/snapshot';
import type { KernelView } from '../kernel/view/types';
import type { LogRecord } from '../kernel/world/log';
import type { Behavior } from '../kernel/world/tasks';
import { reenter } from '../kernel/world/task-events';
import { klp_update_patch_state } from '../kernel/livepatch/task-switch';
import { ViewCache } from './view-cache';
import { Checkpoints } from './checkpoints';
import { DEFAULT_SETUP, type Input, type Setup, type StepRecord, type TaskSetup, type TermLine } from './situation';

export { DEFAULT_SETUP, type Input, type Setup, type StepRecord, type TaskSetup, type TermLine };

/**
 * Makes the shell for a kernel. Without one a Timeline still steps kernel
 * events (set-up lines and commands need it).
 */
export type ShellFactory = (k: Kernel) => Shell;

const NO_SHELL = 'Timeline: a command needs a shell; this timeline was made without one';

export class Timeline {
  private kernel!: Kernel;
  private shell: Shell | null = null;
  readonly inputs: Input[] = [];
  readonly records: StepRecord[] = [];
  /** the simulation work each input took (kept when going back: replaying gives the same) */
  private readonly inputWork: number[] = [];
  /** the record of every input run so far, ahead of the position too (a checkpoint ahead skips their replay) */
  private readonly known: StepRecord[] = [];
  /** views of steps seen, most recently used last, within VIEW_CACHE_TASKS (views.ts) */
  private views = new ViewCache();
  /** copies of the machine at some steps: going back replays from the nearest (checkpoints.ts) */
  private readonly checkpoints: Checkpoints;
  /** the virtual time the last failed attempt() had reached when it stopped */
  failedAt = 0;
  /** the simulation work booting and the set-up lines took */
  private bootWork = 0;
  /** called every so often while the kernel works (the worker reports progress) */
  onProgress: ((k: Kernel) => void) | null = null;

  /**
   * `workLimit` holds the set-up lines (a link's, untrusted) to a budget:
   * past it the constructor throws WorkLimitExceeded. `onProgress` is called
   * every so often while the kernel works, from the set-up on.
   * `checkpointEvery` spaces the checkpoints (steps at most between two).
   */
  constructor(
    readonly setup: Setup = DEFAULT_SETUP,
    private readonly shellFactory: ShellFactory | null = null,
    opts: { workLimit?: number; onProgress?: (k: Kernel) => void; checkpointEvery?: number } = {},
  ) {
    this.onProgress = opts.onProgress ?? null;
    this.checkpoints = new Checkpoints(undefined, opts.checkpointEvery);
    this.boot(opts.workLimit);
  }

  /** How many steps have run: 0 is the situation right after set-up. */
  get position(): number {
    return this.records.length;
  }

  get length(): number {
    return this.inputs.length;
  }

  get k(): Kernel {
    return this.kernel;
  }

  get history(): string[] {
    return this.shell?.history ?? [];
  }

  view(): KernelView {
    let v = this.views.get(this.position);
    if (!v) this.views.set(this.position, (v = snapshot(this.kernel)), this.position);
    return v;
  }

  /** The view of step n if it is still cached (no replay). */
  cachedView(n: number): KernelView | null {
    return this.views.get(n);
  }

  /** The whole kernel log up to now (what dmesg would show). */
  log(): LogRecord[] {
    return this.kernel.log.visible();
  }

  /** Is there a kernel event to step to? */
  canStep(): boolean {
    return this.position < this.inputs.length || this.kernel.queue.peek() !== undefined;
  }

  /** The kernel events queued now, and the first of them (what `step ▶` would run). */
  queued(): { count: number; next: { label: string; at: number } | null } {
    const q = this.kernel.queue;
    const ev = q.peek();
    return { count: q.pending().length, next: ev ? { label: ev.label, at: ev.at } : null };
  }

  /** Would the next event make progress (settling would run it)? */
  settled(): boolean {
    const ev = this.kernel.queue.peek();
    return !ev || !nextEventMakesProgress(this.kernel, ev);
  }

  command(line: string): StepRecord {
    return this.act({ kind: 'command', line });
  }

  /**
   * Records and runs a list of inputs, as a link or a scenario brings them,
   * within `workLimit` units of simulation work (Kernel.charge); past it
   * this throws WorkLimitExceeded and the timeline should be dropped.
   */
  load(inputs: readonly Input[], workLimit = Infinity): void {
    const k = this.kernel;
    k.workLimit = k.work + workLimit;
    try {
      for (const input of inputs) this.act(input);
    } finally {
      k.workLimit = Infinity;
    }
  }

  /** Runs the next recorded input, or the next kernel event. */
  forward(): StepRecord | null {
    if (this.position < this.inputs.length) return this.apply(this.inputs[this.position]!);
    if (!this.kernel.queue.peek()) return null;
    return this.act({ kind: 'event' });
  }

  advance(seconds: number): StepRecord {
    return this.act({ kind: 'advance', seconds });
  }

  wake(pid: number): StepRecord {
    return this.act({ kind: 'wake', pid });
  }

  /** Ctrl-C at the shell. */
  interrupt(): StepRecord {
    return this.act({ kind: 'interrupt' });
  }

  /** The foreground process that holds the shell's terminal for ever, if one does (Ctrl-C goes to it). */
  blocked(): Blocked | null {
    return this.shell?.stuck.at(-1) ?? null;
  }

  /** Steps kernel events while they make progress, one step each; returns how many. */
  settle(limit = 10_000): number {
    let n = 0;
    while (n < limit && !this.settled() && this.forward()) n++;
    return n;
  }

  /** Runs kernel events while they make progress, as a single step. */
  settleStep(): StepRecord {
    return this.act({ kind: 'settle' });
  }

  back(): void {
    if (this.position > 0) this.goto(this.position - 1);
  }

  /**
   * Goes to step n (0…length): from the nearest checkpoint at or before it
   * when going back (or when one lies ahead on the way), replaying the
   * inputs between.
   */
  goto(n: number): void {
    const target = Math.max(0, Math.min(n, this.inputs.length));
    if (target < this.position || this.checkpoints.nearest(target) > this.position) this.restore(target);
    while (this.position < target) this.apply(this.inputs[this.position]!);
  }

  /** The positions of the checkpoints kept now (for tests and the benchmark). */
  get checkpointPositions(): number[] {
    return this.checkpoints.positions;
  }

  /** Puts the machine back at the nearest checkpoint at or before `n`; the inputs (and steps ahead) stay. */
  private restore(n: number): void {
    const cp = this.checkpoints.restore(n);
    if (!cp) throw new Error('Timeline: no checkpoint at or before the set-up'); // boot() always keeps step 0
    this.kernel = cp.machine.k;
    this.shell = cp.machine.shell;
    // The copy may come from a load() or attempt() that held it to a limit: limits are set per call.
    this.kernel.workLimit = Infinity;
    this.records.length = Math.min(this.records.length, cp.position);
    this.records.push(...this.known.slice(this.records.length, cp.position));
  }

  /**
   * The simulation work (Kernel.charge units) replaying every input takes:
   * what opening this situation from a link would cost.
   */
  replayWork(): number {
    return this.inputWork.reduce((a, b) => a + b, this.bootWork);
  }

  /**
   * Runs a new input within `workLimit` units of work. If it throws (past
   * the limit, or a bug), the timeline is put back as it was, inputs ahead
   * included, by replaying from the set-up, and the error is rethrown: a
   * failed input leaves no trace.
   */
  attempt(input: Input, workLimit = Infinity): StepRecord {
    const pos = this.position;
    const inputs = this.inputs.slice();
    const work = this.inputWork.slice();
    const known = this.known.slice();
    this.kernel.workLimit = this.kernel.work + workLimit;
    try {
      return this.act(input);
    } catch (e) {
      this.failedAt = this.kernel.now;
      this.inputs.length = 0;
      this.inputs.push(...inputs);
      this.inputWork.length = 0;
      this.inputWork.push(...work);
      this.known.length = 0;
      this.known.push(...known);
      this.restore(pos);
      this.goto(pos);
      throw e;
    } finally {
      this.kernel.workLimit = Infinity;
    }
  }

  /** A new input at the current position: the future after it is dropped. */
  private act(input: Input): StepRecord {
    // Refuse before anything changes: a refused input must leave no trace.
    if ((input.kind === 'command' || input.kind === 'interrupt') && !this.shell) throw new Error(NO_SHELL);
    if (this.position < this.inputs.length) {
      this.inputs.length = this.position;
      this.inputWork.length = this.position;
    }
    this.known.length = this.position;
    this.views.dropAfter(this.position);
    this.checkpoints.dropAfter(this.position);
    this.inputs.push(input);
    return this.apply(input);
  }

  private apply(input: Input): StepRecord {
    const k = this.kernel;
    const work = k.work;
    this.view(); // keep the step before, for views that show what changed
    const from = k.log.records.length;
    const term: TermLine[] = [];
    let event: string | null = null;
    if (input.kind === 'command') {
      if (!this.shell) throw new Error(NO_SHELL);
      term.push({ kind: 'prompt', text: input.line });
      const r = this.shell.run(input.line);
      // The line's output as the terminal showed it, a background job's among it (terminal.ts).
      term.push(...termLines(this.shell.takeTerminal()));
      // A terminal would close with its bash; the page's terminal is the only one, so it stays.
      if (r.exited !== undefined)
        term.push({ kind: 'err', text: `klp: bash exited with status ${r.exited}; a real terminal would close here. This page keeps its terminal, and the same shell reads on.` });
    } else if (input.kind === 'event') {
      event = k.step()?.label ?? null;
    } else if (input.kind === 'settle') {
      settleKernel(k);
    } else if (input.kind === 'advance') {
      k.sleep(input.seconds);
    } else if (input.kind === 'interrupt') {
      if (!this.shell) throw new Error(NO_SHELL);
      for (const t of lines(this.shell.interrupt().stderr)) term.push({ kind: 'err', text: t });
    } else {
      wakeTask(k, input.pid);
    }
    // A background job that ran while the kernel's events did printed then, between prompts.
    if (this.shell && input.kind !== 'command') term.push(...termLines(this.shell.takeTerminal()));
    const rec: StepRecord = { input, event, term, log: k.log.records.slice(from), time: k.now };
    this.inputWork[this.records.length] = k.work - work; // the same on every replay: the engine is deterministic
    this.records.push(rec);
    this.known[this.records.length - 1] = rec;
    if (this.checkpoints.due(this.position, k.work)) this.checkpoints.keep(this.position, { k, shell: this.shell });
    return rec;
  }

  private boot(workLimit = Infinity): void {
    const k = (this.kernel = bootKernel(this.setup.config));
    k.onProgress = (k) => this.onProgress?.(k);
    k.workLimit = workLimit;
    this.shell = this.shellFactory ? this.shellFactory(k) : null;
    for (const t of this.setup.tasks ?? []) addTask(k, t);
    if (this.setup.selftest) {
      harnessSetup(k);
      settleKernel(k);
    }
    for (const line of this.setup.lines) {
      if (!this.shell) throw new Error('Timeline: set-up commands need the shell');
      this.shell.run(line);
      settleKernel(k);
    }
    k.workLimit = Infinity;
    this.bootWork = k.work;
    this.shell?.history.splice(0);
    this.shell?.takeTerminal(); // the set-up's output is not shown
    this.inputs.length = 0;
    this.records.length = 0;
    this.inputWork.length = 0;
    this.known.length = 0;
    this.checkpoints.clear();
    this.checkpoints.keep(0, { k, shell: this.shell });
  }
}

export function addTask(k: Kernel, t: TaskSetup): void {
  const entry = t.kind === 'user' ? ['entry_SYSCALL_64_after_hwframe', 'do_syscall_64'] : ['ret_from_fork_asm', 'ret_from_fork', 'kthread'];
  const running = t.state === 'R';
  // Running, a user task is in user space (no kernel frames) and a kthread in its work; asleep, both are in schedule().
  const frames = running ? (t.kind === 'user' ? [] : [...entry, ...t.sleepsIn]) : [...entry, ...t.sleepsIn, 'schedule'];
  for (const fn of frames) k.vmlinuxSymbols.add(fn);
  const behavior: Behavior = running
    ? t.kind === 'user'
      ? { type: 'user-compute' }
      : { type: 'busy-kthread', loopAt: entry.length, freezable: t.freezable ?? false }
    : t.kind === 'user'
      ? { type: 'sleeper' }
      : { type: 'kthread', loopAt: entry.length };
  const task = k.spawn({
    comm: t.comm,
    kind: t.kind,
    cpu: t.cpu ?? k.rng.int(k.config.cpus),
    chain: frames.map((fn) => ({ obj: 'vmlinux', fn })),
    behavior,
    state: t.state ?? 'S',
    parent: t.kind === 'user' ? k.loginShell : null,
  });
  task.unreliableStack = t.unreliable ?? false;
  task.onCpu = running;
}

/** The terminal's chunks as lines: a stream's consecutive chunks run on as the terminal shows them. */
function termLines(chunks: readonly TermChunk[]): TermLine[] {
  const out: TermLine[] = [];
  for (let i = 0; i < chunks.length; ) {
    const err = chunks[i]!.err;
    let text = '';
    for (; i < chunks.length && chunks[i]!.err === err; i++) text += chunks[i]!.text;
    for (const t of lines(text)) out.push({ kind: err ? 'err' : 'out', text: t });
  }
  return out;
}

function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/**
 * A sleeping task's wait ends: a user task's system call returns (it switches
 * on the way to user space, then calls again); a kthread goes round its loop.
 */
export function wakeTask(k: Kernel, pid: number): void {
  const task = k.taskByPid(pid);
  // A task asleep for good (insmod in a module_init that never returns) has nothing that could end its wait.
  if (!task || task.state === 'R' || task.sleepsForever) return;
  if (task.kind === 'user') {
    klp_update_patch_state(k, task, 'exit_to_user_mode_loop');
    reenter(k, task, 0);
  } else if (task.kind === 'kthread' && task.state === 'S') {
    const b = task.behavior;
    reenter(k, task, b.type === 'kthread' || b.type === 'worker' ? b.loopAt + 1 : 0);
  }
}
