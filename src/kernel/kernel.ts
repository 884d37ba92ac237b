/**
 * The simulated machine: virtual time, the event queue, tasks and CPUs, the
 * kernel log, the module list and the livepatch core's globals. Kernel
 * functions live in files named after their kernel sources (livepatch/core.ts
 * mirrors kernel/livepatch/core.c, …) and take the Kernel as first argument,
 * the way C functions reach their globals.
 *
 * This file is a leaf of the engine's imports: it imports values only from
 * leaves (the event queue, the log, tasks, machines, words, the release
 * profile) and types from the rest. Where the machine must run kernel code
 * (a fork, a call, an Oops) it goes through its KernelRules, which boot.ts
 * wires in; src/kernel/imports.test.ts holds it to that.
 */
import { initialTransition, type SnapshotFrom } from 'xstate';
import { EventQueue, USEC_PER_SEC, type EventKind, type KernelEvent } from './world/events';
import { Random } from './world/random';
import { KernelLog } from './world/log';
import { DynamicDebug } from './world/dynamic-debug';
import { registerDebugSites } from './world/debug-sites';
import { VMLINUX, type CodeRef } from './world/code';
import { KTHREAD_SITES, type Cpu, type Task, type Behavior, type TaskKind } from './world/tasks';
import { transitionMachine, KLP_TRANSITION_IDLE, type KlpState } from './machines/transition.machine';
import { Ftrace } from './world/ftrace';
import { bootTasks } from './world/boot';
import { utsRelease, linuxBanner } from './world/uts';
import { INIT_MAIN, PANIC, SMP, X86_SETUP, say } from './words';
import { kernelProfile, type KernelProfile } from './release/profile';
import { kconfigOf, type Kconfig } from './release/kconfig';
import { MAINLINE } from './release/releases';
import type { KlpOps, KlpPatch } from './livepatch/types';
import type { ShadowTable } from './livepatch/shadow';
import type { KlpObserver } from './livepatch/trace';
import type { LoadedModule } from './module/types';
import type { HungTaskDetector } from './world/hung-task';
import type { FunctionGraph } from './world/fgraph';
import type { Mutant } from './mutants';
import type { ModuleApi } from './catalog/api';

/** A module's read-only sysfs attribute: its show function reads through the module's API. */
export interface SysfsAttr {
  mod: string;
  show: (m: ModuleApi) => string;
}

export { DEFAULT_CONFIG, type KernelConfig } from './config';
import { DEFAULT_CONFIG, type KernelConfig } from './config';

/**
 * The kernel code the machine calls into: the few places where Kernel needs
 * behaviour from livepatch/, module/ and world/. Kernel imports none of that
 * code, only the types: the rules depend on the machine, not the other way
 * round, so a release's rules could stand in for another's. The composition
 * root, boot.ts, passes the real ones (LINUX_RULES) to every Kernel it boots.
 */
export interface KernelRules {
  /** copy_process() → klp_copy_process(): what a child inherits of its parent's patch state */
  copyProcess(child: Task, parent: Task): void;
  /**
   * An event's code threw `e`. An Oops (a task touched freed memory) kills
   * the task, die(), and the kernel goes on; anything else is a bug of the
   * simulation and is thrown on.
   */
  eventThrew(k: Kernel, e: unknown): void;
  /** A call of `code` by `task` and what it returns (Kernel.callFunction()). */
  callFunction(k: Kernel, task: Task, code: CodeRef, caller: string, args: readonly number[]): string | number | void;
  /** khungtaskd, started at boot */
  hungTaskDetector(k: Kernel): HungTaskDetector;
  /** the shadow variables' table (kernel/livepatch/shadow.c) */
  shadowTable(): ShadowTable;
}

/** An event (a retry's machine transitions, say) costs about as much as this many task visits. */
const WORK_PER_EVENT = 2000;

/** Work between two progress reports: about a tenth of a second of simulation on a laptop core. */
const PROGRESS_EVERY = 2_000_000;

export class WorkLimitExceeded extends Error {
  constructor() {
    super('the simulation would run longer than a link may ask for');
  }
}

export class Kernel {
  readonly config: KernelConfig;
  /** what this release's livepatch core does differently (config.release; mainline when absent) */
  readonly profile: KernelProfile;
  /** the config options users meet (release/kconfig.ts), as this kernel has them */
  readonly kconfig: Kconfig;
  /** uname -r */
  readonly uts: string;
  readonly queue = new EventQueue();
  readonly rng: Random;
  readonly log: KernelLog;
  readonly dyndbg = new DynamicDebug();
  readonly ftrace: Ftrace;
  readonly shadow: ShadowTable;
  /** khungtaskd and its sysctls (kernel.hung_task_*) */
  readonly hungTask: HungTaskDetector;

  /** for_each_process_thread() order */
  readonly tasks: Task[] = [];
  readonly cpus: Cpu[] = [];
  /** the shell the commands come from (set at boot) */
  loginShell!: Task;
  /** kthreadd (pid 2): every other kernel thread is its child (set at boot) */
  kthreadd: Task | null = null;
  /** `current`: the task whose code runs right now */
  current: Task | null = null;
  private nextPid = 1;

  /** the module list, in load order */
  readonly modules = new Map<string, LoadedModule>();
  moduleSeq = 0;
  /** functions vmlinux defines: what kallsyms finds */
  readonly vmlinuxSymbols = new Set<string>();

  readonly klp = {
    /** klp_patches: enabled patches and the one in transition, in load order */
    patches: [] as KlpPatch[],
    /** every klp_patch that exists (on the list, or waiting for its free_work) */
    all: [] as KlpPatch[],
    transition: initialTransition(transitionMachine)[0] as SnapshotFrom<typeof transitionMachine>,
    /** klp_ops, one per patched function */
    ops: new Map<string, KlpOps>(),
    /** klp_transition_work is queued */
    retry: null as KernelEvent | null,
    /** /sys/kernel/livepatch exists (klp_init() succeeded) */
    initialized: true,
    /** 4.15–5.0's global klp_forced: a transition was forced since boot */
    forced: false,
  };

  /** who watches the livepatch core's steps (livepatch/trace.ts): the invariant watch in tests, nobody in the app */
  klpObserver: KlpObserver | null = null;
  /** the function graph tracer's recorder (world/fgraph.ts): a story asking which functions a step ran; null otherwise */
  fgraph: FunctionGraph | null = null;
  /** a deliberate bug a mutation test planted (mutants.ts); null in every real run */
  mutant: Mutant | null = null;

  /** /proc files modules created (proc_create_single()) and the module function showing them */
  readonly procFiles = new Map<string, { mod: string; fn: string }>();
  /** kobject directories modules created under /sys/kernel, with their read-only attributes */
  readonly sysfsDirs = new Map<string, Map<string, SysfsAttr>>();
  /** regular files users create (echo > /tmp/x): path → contents */
  readonly userFiles = new Map<string, string>();
  /** pointer-sized words of kernel memory that module code reads and writes */
  readonly memory = new Map<number, number>();
  /** objects module code kfree()d: a shadow variable may outlive the object it is attached to */
  readonly freed = new Set<number>();

  /** tainted_mask: the TAINT_* bits (world/taint.ts), /proc/sys/kernel/tainted */
  tainted = 0;
  /** the pr_*_once() call sites (catalogue entry ids) that already printed */
  readonly printedOnce = new Set<string>();

  /** kernel.ftrace_enabled, tracing and kprobes live in Ftrace; the boot command line here */
  cmdline: string;
  private addressCursor = 0;

  /** Boots the machine. Not called directly: bootKernel() (boot.ts) passes the rules. */
  constructor(
    readonly rules: KernelRules,
    config: Partial<KernelConfig> = {},
  ) {
    // What the set-up leaves out comes from the kernel's config: its distribution's, else Kconfig's defaults.
    const kconfig = kconfigOf(config.release ?? MAINLINE, config.distribution);
    const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as Partial<KernelConfig>;
    this.config = { ...DEFAULT_CONFIG, reliableStacks: kconfig.reliableStacks, moduleForceUnload: kconfig.moduleForceUnload, ...given };
    this.kconfig = { ...kconfig, reliableStacks: this.config.reliableStacks, moduleForceUnload: this.config.moduleForceUnload === true };
    this.profile = kernelProfile(this.config.release);
    this.uts = utsRelease(this.profile.release);
    this.cmdline = `BOOT_IMAGE=/boot/vmlinuz-${this.uts} root=/dev/vda1 ro console=ttyS0 quiet`;
    this.rng = new Random(this.config.seed);
    this.log = new KernelLog(this.queue);
    this.ftrace = new Ftrace(this);
    this.shadow = rules.shadowTable();
    this.hungTask = rules.hungTaskDetector(this);
    registerDebugSites(this.dyndbg);
    bootTasks(this);
    say(this, INIT_MAIN.banner, { linux_banner: linuxBanner(this) });
    say(this, X86_SETUP.commandLine, { boot_command_line: this.cmdline });
    say(this, SMP.broughtUp, { nodes: 1, nodes_s: '', cpus: this.config.cpus, cpus_s: this.config.cpus === 1 ? '' : 's' });
  }

  get now(): number {
    return this.queue.now;
  }

  // --- printk: the kernel prints through the words catalogue (src/kernel/words, say()) ---

  /**
   * add_taint(). A taint that makes lock debugging unreliable
   * (LOCKDEP_NOW_UNRELIABLE: a forced rmmod, an Oops) turns it off, and the
   * first time says so.
   */
  addTaint(bit: number, lockdepUnreliable = false): void {
    if (lockdepUnreliable && this.debugLocks) {
      this.debugLocks = false;
      say(this, PANIC.lockDebuggingOff);
    }
    this.tainted |= 1 << bit;
  }
  /** debug_locks: on until a taint makes lock debugging unreliable */
  debugLocks = true;
  /** die_counter: the Oopses so far ([#1], [#2] …) */
  dieCounter = 0;
  /** last_unloaded_module: its name and taint letters, for an Oops's "Modules linked in:" */
  lastUnloaded: { name: string; taints: string } | null = null;

  // --- tasks ----------------------------------------------------------------

  allocPid(): number {
    return this.nextPid++;
  }

  /**
   * Creates a task. A child forked while a transition runs inherits its
   * parent's patch_state and TIF_PATCH_PENDING (klp_copy_process()). Kernel
   * threads are created by kthreadd (kthread_create() asks it to fork them),
   * so it is their parent (PPid: 2) and the one they inherit from.
   */
  spawn(opts: {
    comm: string;
    kind: TaskKind;
    cpu: number;
    chain: CodeRef[];
    behavior: Behavior;
    state?: Task['state'];
    parent?: Task | null;
    pid?: number;
  }): Task {
    const pid = opts.pid ?? this.allocPid();
    const parent = opts.parent ?? (opts.kind === 'kthread' ? this.kthreadd : null);
    const task: Task = {
      pid,
      tgid: pid,
      ppid: parent ? parent.pid : 0,
      comm: opts.comm.slice(0, 15),
      kind: opts.kind,
      cpu: opts.cpu,
      state: opts.state ?? 'S',
      calls: opts.chain,
      chain: opts.chain,
      unreliableStack: false,
      patchState: this.transitionRunning() ? this.initialPatchState() : KLP_TRANSITION_IDLE,
      pending: false,
      notifySignal: false,
      behavior: opts.behavior,
      onCpu: false,
    };
    if (parent) this.rules.copyProcess(task, parent);
    if (opts.kind !== 'idle') {
      this.tasks.push(task);
      this.byPid.set(pid, task);
    }
    return task;
  }

  exitTask(task: Task): void {
    const i = this.tasks.indexOf(task);
    if (i >= 0) this.tasks.splice(i, 1);
    if (this.byPid.get(task.pid) === task) this.byPid.delete(task.pid);
    task.onCpu = false;
  }

  /** find_task_by_vpid() */
  taskByPid(pid: number): Task | undefined {
    if (pid === 0) return this.cpus[0]?.idle;
    return this.byPid.get(pid);
  }
  /** the pid hash: `ls -R /proc` at 20,000 tasks looked every pid up in the list (still charged as a scan, limits.ts) */
  private readonly byPid = new Map<number, Task>();

  /** Runs fn as `current` on the task's CPU (a system call, a work item). */
  runAs<T>(task: Task, fn: () => T): T {
    const prev = this.current;
    const wasOnCpu = task.onCpu;
    const preempted = this.tasks.filter((t) => t !== task && t.onCpu && t.cpu === task.cpu);
    preempted.forEach((t) => (t.onCpu = false));
    task.onCpu = true;
    this.current = task;
    try {
      return fn();
    } finally {
      this.current = prev;
      task.onCpu = wasOnCpu;
      preempted.forEach((t) => (t.onCpu = true));
    }
  }

  /** task_curr(): the task is on a CPU right now. An idle task is, when nothing else is. */
  taskCurr(task: Task): boolean {
    if (task.behavior.type !== 'idle') return task.onCpu;
    return !this.tasks.some((t) => t.onCpu && t.cpu === task.cpu);
  }

  // --- livepatch globals (read from the transition machine) ------------------

  klpTargetState(): KlpState {
    return this.klp.transition.context.target;
  }

  klpTransitionPatch(): KlpPatch | null {
    const name = this.klp.transition.context.patch;
    return name === null ? null : (this.klp.all.find((p) => p.mod.name === name) ?? null);
  }

  transitionRunning(): boolean {
    return this.klp.transition.context.patch !== null;
  }

  private initialPatchState(): KlpState {
    const t = this.klpTargetState();
    return t === KLP_TRANSITION_IDLE ? KLP_TRANSITION_IDLE : t === 1 ? 0 : 1;
  }

  // --- time and events ------------------------------------------------------

  /** Queues `fn(kernel, ...args)` to run `delay` µs from now (fn a module-level function: see EventFn). */
  schedule<A extends unknown[]>(delay: number, kind: EventKind, label: string, fn: (k: Kernel, ...args: A) => void, ...args: A): KernelEvent {
    return this.queue.schedule(this.now + delay, kind, label, fn, args);
  }

  /** Runs the next event. Returns it, or undefined when nothing is queued. */
  step(): KernelEvent | undefined {
    const ev = this.queue.take();
    if (ev) {
      this.charge(WORK_PER_EVENT);
      try {
        ev.fn(this, ...ev.args);
      } catch (e) {
        // A task touched freed memory while the event ran its code: it dies, the kernel goes on.
        this.rules.eventThrew(this, e);
      }
    }
    return ev;
  }

  /**
   * Counts simulation work (events run, tasks visited by a transition's
   * retry), deterministically, so replaying an untrusted link can be held to
   * a budget: past `workLimit` the kernel stops with WorkLimitExceeded.
   */
  charge(units: number): void {
    this.work += units;
    if (this.work > this.workLimit) throw new WorkLimitExceeded();
    if (this.work >= this.nextProgress) {
      this.nextProgress = this.work + PROGRESS_EVERY;
      this.onProgress?.(this);
    }
  }
  work = 0;
  workLimit = Infinity;
  /**
   * Called every PROGRESS_EVERY units of work: the session's worker tells the
   * page how far a long simulation has come (the kernel itself never looks).
   */
  onProgress: ((k: Kernel) => void) | null = null;
  private nextProgress = PROGRESS_EVERY;

  /**
   * Lets the clock move forward by up to `usec` without passing a queued
   * event: time a command takes at the shell, which never makes a stalled
   * transition's timer fire on its own.
   */
  idleTime(usec: number): void {
    const next = this.queue.peek();
    const limit = next ? next.at - 1 : Infinity;
    this.queue.now = Math.max(this.queue.now, Math.min(this.queue.now + usec, limit));
  }

  /** `sleep N`: N seconds pass, with every event due on the way. */
  sleep(seconds: number): void {
    const until = this.now + Math.round(seconds * USEC_PER_SEC);
    for (let ev = this.queue.peek(); ev && ev.at <= until; ev = this.queue.peek()) this.step();
    this.queue.now = Math.max(this.queue.now, until);
  }

  /** A fresh kernel address (for shadow variables and the like). */
  address(kind: 'heap' | 'stack' | 'text'): number {
    this.addressCursor += 0x40;
    // Kept below 2^53 so they stay exact numbers; only their identity matters.
    const base = kind === 'heap' ? 0x888100000000 : kind === 'stack' ? 0xc90000400000 : 0xffffc0000000;
    return base + this.addressCursor;
  }

  vmlinuxCode(fn: string): CodeRef {
    return { obj: VMLINUX, fn };
  }

  // --- symbols and calls ------------------------------------------------------

  /** How many times `name` appears in the object's symbol table. */
  symbolCount(obj: string, name: string): number {
    if (obj === VMLINUX) return this.vmlinuxSymbols.has(name) ? 1 : 0;
    const mod = this.modules.get(obj);
    return mod?.spec.functions && name in mod.spec.functions ? 1 : 0;
  }

  /** kallsyms: every loaded definition of `name`. */
  kallsyms(name: string): CodeRef[] {
    const out: CodeRef[] = [];
    if (this.vmlinuxSymbols.has(name)) out.push({ obj: VMLINUX, fn: name });
    for (const mod of this.modules.values()) if (mod.spec.functions && name in mod.spec.functions) out.push({ obj: mod.name, fn: name });
    return out;
  }

  /**
   * A call of `code` by `task`: the function tracer sees the entry, then
   * klp_ftrace_handler() may redirect it to a patch's function, whose own
   * entry the tracer sees too. Returns what the code that ran returned.
   */
  callFunction(task: Task, code: CodeRef, caller: string, args: readonly number[] = []): string | number | void {
    return this.rules.callFunction(this, task, code, caller, args);
  }

  // --- workqueues -------------------------------------------------------------

  /** An idle kworker of this CPU's pool, or a new one when every worker is busy. */
  pickWorker(cpu: number): Task {
    const idleLen = KTHREAD_SITES.worker.chain.length;
    const free = this.tasks.find(
      (t) => t.behavior.type === 'worker' && t.cpu === cpu && !t.comm.endsWith('H') && !t.comm.startsWith('kworker/u') && t.calls.length === idleLen && t.state === 'S',
    );
    if (free) return free;
    const n = this.tasks.filter((t) => t.comm.startsWith(`kworker/${cpu}:`)).length;
    const s = KTHREAD_SITES.worker;
    return this.spawn({ comm: `kworker/${cpu}:${n + 1}`, kind: 'kthread', cpu, chain: [...s.chain], behavior: { type: 'worker', loopAt: s.loopAt } });
  }

}
