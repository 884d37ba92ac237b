/**
 * The story "Why the free runs on a workqueue": the lock inversion behind
 * free_work (semantics.md §4.3; the seed commit 958ef1e39d24, "livepatch:
 * Simplify API by removing registration step").
 *
 * Three threads share one disabled-to-be patch P:
 *   A  `echo 0 > /sys/kernel/livepatch/P/enabled`
 *   B  `echo 1 > /sys/kernel/livepatch/P/force` (or a second write to enabled)
 *   W  the system workqueue, running klp_free_patch_work_fn() once queued.
 * Each runs a scripted program of kernel calls. The calls act on klp_mutex and
 * on the kernfs nodes of P through the machines in ./machines.ts, whose guards
 * decide whether a call proceeds or sleeps. Who waits for whom, and whether
 * that is a deadlock, is then computed at every step: the wait-for graph
 * (thread → resource it waits for, resource → thread that holds it) and its
 * cycles. Nothing here says "deadlock at step N".
 *
 * Two variants, same two writes, same interleaving as the two tables of §4.3:
 *   forbidden  enabled_store() itself calls klp_free_patch_finish(), i.e.
 *              kobject_put() on the patch, while it holds klp_mutex;
 *   real       (v5.1+) klp_free_patch_start() under klp_mutex, then
 *              schedule_work(&patch->free_work); the worker puts the kobject.
 */
import { attrsIn, type LivepatchAttr } from '../../kernel/fs/livepatch-attrs';
import {
  initialMutex,
  initialNode,
  nodeState,
  sendMutex,
  sendNode,
  type FileName,
  type KernfsSnapshot,
  type KernfsState,
  type MutexSnapshot,
  type ThreadId,
} from './machines';

export type { FileName, KernfsState, ThreadId } from './machines';
export { kernfsNodeMachine, mutexMachine } from './machines';

export type VariantId = 'forbidden' | 'real';
export type ActiveRef = `active(${FileName})`;
/** Everything a thread can hold or wait for. `finish` is the completion patch->finish. */
export type ResourceId = 'klp_mutex' | ActiveRef | 'finish';
export type GraphNode = ThreadId | ResourceId;

export const THREADS: readonly ThreadId[] = ['A', 'B', 'W'];
/**
 * The files of P's directory the story draws. Mainline's patch directory also
 * holds replace and stack_order (ATTRS); a run whose B reads stack_order
 * draws that one too (filesOf).
 */
export const FILES: readonly FileName[] = ['enabled', 'transition', 'force'];
const filesOf = (run: Run): readonly FileName[] => (isRead(run.writers.B) ? [...FILES, 'stack_order'] : FILES);

/** The attribute files mainline has, with their methods and whether those take klp_mutex (the engine's table). */
export const ATTRS: readonly LivepatchAttr[] = [...attrsIn('patch'), ...attrsIn('object')];
export const activeRef = (f: FileName): ActiveRef => `active(${f})`;

export const VARIANT_TITLES: Record<VariantId, string> = {
  forbidden: 'If enabled_store() put the kobject itself',
  real: 'What the kernel does: free_work',
};

/**
 * The parts of the picture, by the ids a step's focus names them with
 * (`{ part: id }`): the three threads, klp_mutex, struct klp_patch P, P's
 * sysfs directory and its three files (kernfs nodes), patch->finish, P's
 * module, and the verdict on the wait-for graph (deadlock or not).
 */
export type PartId = ThreadId | 'klp_mutex' | 'patch' | 'dir' | FileName | 'finish' | 'module' | 'verdict';
export const PARTS: readonly PartId[] = ['A', 'B', 'W', 'klp_mutex', 'patch', 'dir', ...FILES, 'finish', 'module', 'verdict'];

/** One step of the story, as the scenario lists it. */
export interface StoryStep {
  caption: string;
  /** the kernel function at the heart of the step: a C identifier */
  fn: string;
  /** where that function lives in current mainline */
  file?: string;
  /** the picture's parts the caption talks about */
  focus: { views: ['story']; actors: { part: PartId }[] };
}

export type ThreadStatus =
  /** has not started its write yet */
  | 'not-started'
  /** made this step's move */
  | 'running'
  /** is in the middle of its program, not blocked, not moving this step */
  | 'ready'
  /** sleeps: what it waits for is held by someone */
  | 'blocked'
  /** still asleep, but what it waited for is free: it proceeds when it next runs */
  | 'woken'
  | 'done'
  /** the worker with no work queued */
  | 'idle';

export interface ThreadView {
  id: ThreadId;
  /** what started it: the shell command, or the worker */
  command: string;
  status: ThreadStatus;
  /** the kernel function it is in (top of `stack`), null when not in the kernel */
  pc: string | null;
  /** the call chain, outermost first */
  stack: string[];
  holds: ResourceId[];
  /** what it sleeps on right now (empty unless blocked) */
  waitsFor: ResourceId[];
  /** how its write or work ended, once done */
  result: string | null;
}

export interface KernfsNodeView {
  name: FileName;
  id: ActiveRef;
  state: KernfsState;
  /** the active reference count: kernfs_get_active() minus kernfs_put_active() */
  active: number;
  holders: ThreadId[];
}

export type DirState = 'present' | 'deactivated' | 'removed';
export type FreeWorkState = 'none' | 'queued' | 'running' | 'done';

export interface Resources {
  mutex: { owner: ThreadId | null; waiters: ThreadId[] };
  files: KernfsNodeView[];
  patch: {
    /** the patch kobject's reference count */
    kobjRefcount: number;
    /** /sys/kernel/livepatch/P */
    dir: DirState;
    /** klp_kobj_release_patch() ran */
    released: boolean;
    /** patch->enabled */
    enabled: boolean;
    /** patch == klp_transition_patch */
    transition: boolean;
    /** on klp_patches (klp_free_patch_start() takes it off) */
    onList: boolean;
    forced: boolean;
  };
  /** patch->finish, completed by the release */
  finish: { done: boolean };
  /** the patch module: klp_enable_patch() took the one reference */
  module: { name: string; refcnt: number };
  freeWork: FreeWorkState;
}

export interface Edge {
  id: string;
  /** holds: the resource is held by the thread; waits: the thread sleeps on the resource */
  kind: 'holds' | 'waits';
  thread: ThreadId;
  resource: ResourceId;
}

export interface Cycle {
  /** thread, resource, thread, resource, …; the last resource is held by the first thread */
  nodes: GraphNode[];
  /** ids of the edges around the cycle */
  edges: string[];
  threads: ThreadId[];
  resources: ResourceId[];
}

export interface StoryState extends StoryStep {
  /** index in storySteps() */
  step: number;
  variant: VariantId;
  title: string;
  /** index within the variant, and the variant's number of steps */
  index: number;
  count: number;
  /** the thread that moved in this step (null: the set-up, or an observation) */
  actor: ThreadId | null;
  threads: ThreadView[];
  resources: Resources;
  edges: Edge[];
  /** every elementary cycle of the wait-for graph */
  cycles: Cycle[];
  /** the cycle through the most threads, if any */
  cycle: Cycle | null;
  /** plain words for the cycles ("A waits in … for …, held by B; …"), null without one */
  deadlock: string | null;
  /** no thread can make another move */
  stuck: boolean;
}

// ---------------------------------------------------------------------------
// Kernel functions named by the steps, and where they live (current mainline)

const CORE = 'kernel/livepatch/core.c';
export const FN_FILES: Record<string, string> = {
  kernfs_fop_write_iter: 'fs/kernfs/file.c',
  kernfs_get_active: 'fs/kernfs/dir.c',
  kernfs_put_active: 'fs/kernfs/dir.c',
  kernfs_remove: 'fs/kernfs/dir.c',
  kernfs_drain: 'fs/kernfs/dir.c',
  mutex_lock: 'kernel/locking/mutex.c',
  mutex_unlock: 'kernel/locking/mutex.c',
  enabled_store: CORE,
  force_store: CORE,
  stack_order_show: CORE,
  __klp_disable_patch: CORE,
  klp_free_patch_start: CORE,
  klp_free_patch_work_fn: CORE,
  klp_free_patch_finish: CORE,
  klp_kobj_release_patch: CORE,
  klp_try_complete_transition: 'kernel/livepatch/transition.c',
  klp_force_transition: 'kernel/livepatch/transition.c',
  schedule_work: 'include/linux/workqueue.h',
  kobject_put: 'lib/kobject.c',
  complete: 'kernel/sched/completion.c',
  wait_for_completion: 'kernel/sched/completion.c',
  module_put: 'kernel/module/main.c',
  check_hung_task: 'kernel/hung_task.c',
};

// ---------------------------------------------------------------------------
// Programs

type OpKind =
  | 'get_active'
  | 'mutex_lock'
  | 'enabled_store'
  | 'force_store'
  | 'show'
  | 'try_complete'
  | 'free_start'
  | 'schedule_work'
  | 'work_fn'
  | 'kobject_put'
  | 'kernfs_remove'
  | 'kernfs_drain'
  | 'release'
  | 'wait_for_completion'
  | 'module_put'
  | 'mutex_unlock'
  | 'put_active';

interface Op {
  kind: OpKind;
  /** the call chain while the thread is at (or asleep in) this call */
  stack: readonly string[];
  label?: 'unlock';
}

/** A write to one of P's files from the shell, or a plain read of stack_order (whose show method takes klp_mutex). */
export type Writer = { file: 'enabled' | 'force'; value: 0 | 1 } | { file: 'stack_order'; read: true };

const isRead = (w: Writer): w is { file: 'stack_order'; read: true } => 'read' in w;
const command = (w: Writer) => (isRead(w) ? `cat /sys/kernel/livepatch/P/${w.file}` : `echo ${w.value} > /sys/kernel/livepatch/P/${w.file}`);
const storeOf = (w: Writer) => (isRead(w) ? 'stack_order_show' : w.file === 'enabled' ? 'enabled_store' : 'force_store');
/** what the shell command does to the file */
const verb = (w: Writer | null) => (w && isRead(w) ? 'read' : 'write');
/** bytes echo writes: the digit and a newline */
const COUNT = 2;
const EINVAL = 22;
const ENODEV = 19;

/** klp_free_patch_finish() from a given call chain: the last reference, the directory, the release, the module. */
function finishOps(prefix: readonly string[]): Op[] {
  const cleanup = [...prefix, 'kobject_put', 'kobject_cleanup'];
  const remove = [...cleanup, '__kobject_del', 'sysfs_remove_dir', 'kernfs_remove'];
  return [
    { kind: 'kobject_put', stack: [...prefix, 'kobject_put'] },
    { kind: 'kernfs_remove', stack: remove },
    { kind: 'kernfs_drain', stack: [...remove, '__kernfs_remove', 'kernfs_drain'] },
    { kind: 'release', stack: [...cleanup, 'klp_kobj_release_patch', 'complete'] },
    { kind: 'wait_for_completion', stack: [...prefix, 'wait_for_completion'] },
    { kind: 'module_put', stack: [...prefix, 'module_put'] },
  ];
}

function writerProgram(w: Writer, variant: VariantId): Op[] {
  if (isRead(w)) {
    // seq_read_iter(): kernfs_seq_start() takes the active reference, kernfs_seq_stop() drops it
    const top = ['seq_read_iter'];
    const show = [...top, 'kernfs_seq_show', 'sysfs_kf_seq_show', 'stack_order_show'];
    return [
      { kind: 'get_active', stack: [...top, 'kernfs_seq_start', 'kernfs_get_active'] },
      { kind: 'mutex_lock', stack: [...show, 'mutex_lock'] },
      { kind: 'show', stack: show },
      { kind: 'mutex_unlock', stack: [...show, 'mutex_unlock'], label: 'unlock' },
      { kind: 'put_active', stack: [...top, 'kernfs_seq_stop', 'kernfs_put_active'] },
    ];
  }
  const top = ['kernfs_fop_write_iter'];
  const store = [...top, storeOf(w)];
  const ops: Op[] = [
    { kind: 'get_active', stack: [...top, 'kernfs_get_active'] },
    { kind: 'mutex_lock', stack: [...store, 'mutex_lock'] },
  ];
  if (w.file === 'force') {
    ops.push({ kind: 'force_store', stack: store });
  } else {
    const disable = [...store, '__klp_disable_patch'];
    const complete = [...disable, 'klp_try_complete_transition'];
    ops.push({ kind: 'enabled_store', stack: disable }, { kind: 'try_complete', stack: complete });
    if (variant === 'real') {
      // klp_free_patch_async() (v5.5; v5.1–5.4 made the same two calls inline)
      const freeAsync = [...complete, 'klp_free_patch_async'];
      ops.push({ kind: 'free_start', stack: [...freeAsync, 'klp_free_patch_start'] }, { kind: 'schedule_work', stack: [...freeAsync, 'schedule_work'] });
    } else {
      // The forbidden design: the whole free, right here, under klp_mutex.
      ops.push({ kind: 'free_start', stack: [...complete, 'klp_free_patch_start'] }, ...finishOps([...complete, 'klp_free_patch_finish']));
    }
  }
  ops.push(
    { kind: 'mutex_unlock', stack: [...store, 'mutex_unlock'], label: 'unlock' },
    { kind: 'put_active', stack: [...top, 'kernfs_put_active'] },
  );
  return ops;
}

const WORKER_PREFIX = ['worker_thread', 'process_one_work', 'klp_free_patch_work_fn', 'klp_free_patch_finish'];
const workerProgram = (): Op[] => [{ kind: 'work_fn', stack: WORKER_PREFIX }, ...finishOps(WORKER_PREFIX)];

// ---------------------------------------------------------------------------
// The world the programs act on

interface Thread {
  pc: number;
  blocked: boolean;
  done: boolean;
  holds: ResourceId[];
  stack: string[];
  /** what the store method will return */
  ret: number | null;
  result: string | null;
}

interface World {
  mutex: MutexSnapshot;
  files: Partial<Record<FileName, KernfsSnapshot>>;
  kobj: { refcount: number; dir: DirState; released: boolean };
  patch: { enabled: boolean; transition: boolean; onList: boolean; forced: boolean };
  finish: boolean;
  moduleRefcnt: number;
  freeWork: FreeWorkState;
  threads: Record<ThreadId, Thread>;
}

interface Run {
  variant: VariantId;
  writers: Record<'A' | 'B', Writer>;
  programs: Record<ThreadId, Op[]>;
}

const newThread = (): Thread => ({ pc: 0, blocked: false, done: false, holds: [], stack: [], ret: null, result: null });

function initialWorld(files: readonly FileName[]): World {
  return {
    mutex: initialMutex(),
    files: Object.fromEntries(files.map((f) => [f, initialNode(f)])) as Partial<Record<FileName, KernfsSnapshot>>,
    kobj: { refcount: 1, dir: 'present', released: false },
    patch: { enabled: true, transition: false, onList: true, forced: false },
    finish: false,
    moduleRefcnt: 1,
    freeWork: 'none',
    threads: { A: newThread(), B: newThread(), W: newThread() },
  };
}

/** Snapshots are immutable; everything else is copied. */
function cloneWorld(w: World): World {
  const t = (x: Thread): Thread => ({ ...x, holds: [...x.holds], stack: [...x.stack] });
  return {
    ...w,
    files: { ...w.files },
    kobj: { ...w.kobj },
    patch: { ...w.patch },
    threads: { A: t(w.threads.A), B: t(w.threads.B), W: t(w.threads.W) },
  };
}

const holderCount = (s: KernfsSnapshot) => s.context.holders.length;
const list = (xs: readonly string[]) =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
const errname = (ret: number) => (ret === -EINVAL ? '-EINVAL' : ret === -ENODEV ? '-ENODEV' : String(ret));
const shellResult = (ret: number, w: Writer | null = null) =>
  w && isRead(w) && ret >= 0
    ? `cat printed what it read`
    : ret >= 0
    ? `the write returned ${ret}: echo succeeded`
    : `echo: write error: ${ret === -EINVAL ? 'Invalid argument' : ret === -ENODEV ? 'No such device' : errname(ret)}`;

/** What a blocked thread sleeps on now: only what is still unavailable. */
function blockers(w: World, run: Run, id: ThreadId): ResourceId[] {
  const t = w.threads[id];
  if (!t.blocked) return [];
  const op = run.programs[id][t.pc];
  switch (op?.kind) {
    case 'mutex_lock':
      return w.mutex.context.owner !== null ? ['klp_mutex'] : [];
    case 'kernfs_drain':
      return filesOf(run).filter((f) => holderCount(w.files[f]!) > 0).map(activeRef);
    case 'wait_for_completion':
      return w.finish ? [] : ['finish'];
    default:
      return [];
  }
}

interface Move {
  world: World;
  caption: string;
  fn: string;
  /** the parts of the picture the caption talks about */
  focus: PartId[];
}

/**
 * Thread `id` makes its next move, if it can: the new world and what
 * happened. A call that must sleep is a move the first time (the thread goes
 * to sleep); while it still cannot proceed the thread has no move (null).
 */
function attempt(w: World, run: Run, id: ThreadId): Move | null {
  const cur = w.threads[id];
  const program = run.programs[id];
  const op = program[cur.pc];
  if (cur.done || !op) return null;
  const n = cloneWorld(w);
  const me = n.threads[id];
  const writer = id === 'W' ? null : run.writers[id];
  const store = writer ? storeOf(writer) : '';
  const file: FileName = writer ? writer.file : 'enabled';
  const drop = (r: ResourceId) => {
    const i = me.holds.indexOf(r);
    if (i >= 0) me.holds.splice(i, 1);
  };
  const advance = (to?: 'unlock' | 'end') => {
    me.pc = to === 'end' ? program.length : to ? program.findIndex((o) => o.label === to) : me.pc + 1;
    me.blocked = false;
    me.stack = [...op.stack];
    if (me.pc >= program.length) {
      me.done = true;
      me.stack = [];
    }
  };
  const sleep = () => {
    me.blocked = true;
    me.stack = [...op.stack];
  };
  const moved = (caption: string, fn: string, focus: PartId[]): Move => ({ world: n, caption, fn, focus });

  switch (op.kind) {
    case 'get_active': {
      const before = n.files[file]!;
      const after = sendNode(before, { type: 'kernfs_get_active', thread: id });
      if (holderCount(after) === holderCount(before)) {
        me.ret = -ENODEV;
        me.result = shellResult(-ENODEV, writer);
        advance('end');
        return moved(
          `${id}: kernfs_get_active() fails on ${file}, which is already deactivated, so the ${verb(writer)} returns -ENODEV without calling ${store}().`,
          'kernfs_get_active',
          [id, file],
        );
      }
      n.files[file] = after;
      me.holds.push(activeRef(file));
      advance();
      return moved(
        `${id}: the ${verb(writer)} takes an active reference on the file ${file}, kernfs_get_active(): its active count is now ${holderCount(after)}. ${id} holds it until ${store}() returns.`,
        'kernfs_get_active',
        [id, file],
      );
    }

    case 'mutex_lock': {
      const next = sendMutex(n.mutex, { type: 'mutex_lock', thread: id });
      if (next.context.owner === id) {
        const woken = cur.blocked;
        n.mutex = next;
        me.holds.push('klp_mutex');
        advance();
        return moved(
          woken ? `${id}: woken up, mutex_lock() now takes klp_mutex and ${store}() goes on.` : `${id}: ${store}() takes klp_mutex: mutex_lock() finds it free.`,
          'mutex_lock',
          [id, 'klp_mutex'],
        );
      }
      if (cur.blocked) return null;
      n.mutex = next;
      sleep();
      return moved(
        `${id}: ${store}() sleeps in mutex_lock(), because ${next.context.owner} owns klp_mutex. ${id} keeps its active reference on ${file} while it sleeps.`,
        'mutex_lock',
        [id, 'klp_mutex', file],
      );
    }

    case 'enabled_store': {
      const value = writer !== null && !isRead(writer) && writer.value === 1;
      if (n.patch.enabled === value) {
        me.ret = -EINVAL;
        advance('unlock');
        return moved(`${id}: enabled_store(): patch->enabled is already ${Number(value)}, so the write fails with -EINVAL.`, 'enabled_store', [id, 'patch']);
      }
      if (n.patch.transition) throw new Error('a reversed transition is not part of this model');
      if (value) {
        me.ret = -EINVAL;
        advance('unlock');
        return moved(`${id}: enabled_store() refuses to enable a disabled patch again: the write fails with -EINVAL.`, 'enabled_store', [id, 'patch']);
      }
      n.patch.enabled = false;
      n.patch.transition = true;
      advance();
      return moved(
        `${id}: enabled_store() calls __klp_disable_patch(), which starts the unpatching transition: patch->enabled = false, and P is klp_transition_patch.`,
        '__klp_disable_patch',
        [id, 'patch'],
      );
    }

    case 'force_store': {
      if (n.patch.transition) {
        n.patch.forced = true;
        me.ret = COUNT;
        advance();
        return moved(`${id}: force_store(): P is klp_transition_patch, so klp_force_transition() marks every task as switched.`, 'klp_force_transition', [id, 'patch']);
      }
      me.ret = -EINVAL;
      advance();
      return moved(`${id}: force_store() finds that P is no longer klp_transition_patch, so it returns -EINVAL.`, 'force_store', [id, 'patch']);
    }

    case 'show': {
      // klp_for_each_patch(): P's place on klp_patches, or the length of the list once P is off it
      const order = n.patch.onList ? 1 : 0;
      me.ret = 2;
      me.result = `cat printed ${order}`;
      advance();
      return moved(`${id}: stack_order_show(), under klp_mutex, counts P's place on klp_patches: ${order}.`, 'stack_order_show', [id, 'patch']);
    }

    case 'try_complete': {
      n.patch.transition = false;
      if (n.patch.enabled) {
        me.ret = COUNT;
        advance('unlock');
      } else advance();
      return moved(
        `${id}: klp_try_complete_transition() finds no task still running P's code, so the transition completes at once and klp_transition_patch = NULL. P is disabled: it must now be freed.`,
        'klp_try_complete_transition',
        [id, 'patch'],
      );
    }

    case 'free_start': {
      n.patch.onList = false;
      advance();
      return moved(
        `${id}: klp_free_patch_start(), still under klp_mutex, takes P off klp_patches and puts its object and function kobjects. Each object directory holds one file, patched, whose patched_show() takes no lock, so removing it waits for no one who waits for klp_mutex.`,
        'klp_free_patch_start',
        [id, 'patch'],
      );
    }

    case 'schedule_work': {
      n.freeWork = 'queued';
      me.ret = COUNT;
      advance();
      return moved(
        `${id}: instead of putting P's kobject, schedule_work() queues free_work, klp_free_patch_work_fn(), on the system workqueue and returns at once.`,
        'schedule_work',
        [id, 'W'],
      );
    }

    case 'work_fn': {
      if (n.freeWork !== 'queued') return null;
      n.freeWork = 'running';
      advance();
      return moved(
        `W: a kworker runs free_work: klp_free_patch_work_fn() calls klp_free_patch_finish(), holding no lock and no sysfs file.`,
        'klp_free_patch_work_fn',
        ['W'],
      );
    }

    case 'kobject_put': {
      n.kobj.refcount -= 1;
      if (n.kobj.refcount > 0) throw new Error('the patch kobject has a single reference in this model');
      const underMutex = me.holds.includes('klp_mutex');
      advance();
      return moved(
        underMutex
          ? `${id}: the forbidden design: still in ${store}() and under klp_mutex, kobject_put() drops P's last kobject reference (1 → 0), so P's sysfs directory is removed next.`
          : `${id}: kobject_put() drops P's last kobject reference (1 → 0), outside klp_mutex, so P's sysfs directory is removed next.`,
        'kobject_put',
        underMutex ? [id, 'dir', 'klp_mutex'] : [id, 'dir'],
      );
    }

    case 'kernfs_remove': {
      for (const f of filesOf(run)) n.files[f] = sendNode(n.files[f]!, { type: 'deactivate' });
      n.kobj.dir = 'deactivated';
      const out = filesOf(run).filter((f) => holderCount(n.files[f]!) > 0).map((f) => `${f}: ${holderCount(n.files[f]!)}`);
      advance();
      return moved(
        `${id}: kernfs_remove() deactivates every file of P's directory: kernfs_get_active() now fails on them, but references already taken stay${out.length ? ` (${list(out)})` : ''}.`,
        'kernfs_remove',
        [id, 'dir', ...filesOf(run)],
      );
    }

    case 'kernfs_drain': {
      let drained = 0;
      for (const f of filesOf(run)) {
        const s = sendNode(n.files[f]!, { type: 'kernfs_drain' });
        if (nodeState(s) === 'drained') drained++;
        n.files[f] = s;
      }
      if (drained === filesOf(run).length) {
        for (const f of filesOf(run)) n.files[f] = sendNode(n.files[f]!, { type: 'unlink' });
        n.kobj.dir = 'removed';
        advance();
        return moved(
          `${id}: kernfs_drain() returns, as no active reference is left, and kernfs_remove() unlinks the files and P's directory: /sys/kernel/livepatch/P is gone.`,
          'kernfs_drain',
          [id, 'dir', ...filesOf(run)],
        );
      }
      if (cur.blocked) return null;
      sleep();
      const held = filesOf(run).filter((f) => holderCount(n.files[f]!) > 0);
      const who = held.map((f) => {
        const hs = n.files[f]!.context.holders.map((h) => (h === id ? `${id} itself` : h));
        return `${list(hs)} ${hs.length > 1 ? 'hold' : 'holds'} one on ${f}`;
      });
      // holding nothing, the sleeper closes no cycle: that is the point of the worker
      const free = me.holds.length === 0;
      return moved(
        `${id}: kernfs_drain() sleeps until no active reference is left on the deactivated files, but ${list(who)}${free ? `; ${id} holds nothing they wait for, so no cycle` : ''}.`,
        'kernfs_drain',
        free ? [id, ...held, 'verdict'] : [id, ...held],
      );
    }

    case 'release': {
      n.kobj.released = true;
      n.finish = true;
      advance();
      return moved(`${id}: the last put runs the kobject's release, klp_kobj_release_patch(), which calls complete(&patch->finish).`, 'klp_kobj_release_patch', [
        id,
        'finish',
      ]);
    }

    case 'wait_for_completion': {
      if (!n.finish) {
        if (cur.blocked) return null;
        sleep();
        return moved(`${id}: klp_free_patch_finish() sleeps in wait_for_completion() until the release completes patch->finish.`, 'wait_for_completion', [
          id,
          'finish',
        ]);
      }
      advance();
      return moved(
        `${id}: wait_for_completion() returns at once, as the release already completed patch->finish: nothing uses struct klp_patch any more.`,
        'wait_for_completion',
        [id, 'finish'],
      );
    }

    case 'module_put': {
      const was = n.moduleRefcnt;
      if (!n.patch.forced) n.moduleRefcnt -= 1;
      if (id === 'W') {
        n.freeWork = 'done';
        me.result = 'free_work done';
      }
      advance();
      return moved(
        n.patch.forced
          ? `${id}: P was forced, so klp_free_patch_finish() skips module_put(): the module's refcount stays ${was} and rmmod P fails for good.`
          : `${id}: module_put() drops the module reference after the last access to struct klp_patch: refcount ${was} → ${n.moduleRefcnt}, so rmmod P can now unload it.`,
        'module_put',
        [id, 'module'],
      );
    }

    case 'mutex_unlock': {
      const waiters = n.mutex.context.waiters.filter((t) => t !== id);
      n.mutex = sendMutex(n.mutex, { type: 'mutex_unlock', thread: id });
      if (n.mutex.context.owner === id) throw new Error(`${id} does not own klp_mutex`);
      drop('klp_mutex');
      const ret = me.ret ?? COUNT;
      advance();
      return moved(
        `${id}: ${store}() releases klp_mutex with mutex_unlock()${waiters.length ? `, which wakes ${list(waiters)},` : ''} and returns ${ret >= 0 ? `${ret} (count)` : errname(ret)}.`,
        'mutex_unlock',
        [id, 'klp_mutex', ...waiters],
      );
    }

    case 'put_active': {
      const ref = activeRef(file);
      n.files[file] = sendNode(n.files[file]!, { type: 'kernfs_put_active', thread: id });
      drop(ref);
      const ret = me.ret ?? COUNT;
      me.result ??= shellResult(ret, writer);
      if (ret < 0) me.result = shellResult(ret, writer);
      const drainer = THREADS.find((t) => t !== id && n.threads[t].blocked && run.programs[t][n.threads[t].pc]?.kind === 'kernfs_drain');
      const still = drainer ? blockers(n, run, drainer).map((r) => r.slice('active('.length, -1)) : [];
      const wake = !drainer ? '' : still.length ? `; ${drainer}, in kernfs_drain(), still waits for ${list(still)}` : `, which wakes ${drainer} in kernfs_drain()`;
      advance();
      return moved(
        `${id}: the ${verb(writer)} drops its reference with kernfs_put_active(): ${file}'s active count is ${holderCount(n.files[file]!)}${wake}. ${
          writer && isRead(writer) ? `${id}'s ${me.result}` : `${id}'s echo ${ret >= 0 ? `succeeds (the write returned ${ret})` : `fails with "${me.result}"`}`
        }.`,
        'kernfs_put_active',
        drainer ? [id, file, drainer] : [id, file],
      );
    }
  }
}

// ---------------------------------------------------------------------------
// The wait-for graph

/**
 * Every elementary cycle of the wait-for graph: thread → resource it waits
 * for, resource → each thread holding it. Each cycle is listed once, starting
 * at its first thread in THREADS order.
 */
export function findCycles(edges: readonly Edge[]): Cycle[] {
  const adj = new Map<GraphNode, { to: GraphNode; edge: Edge }[]>();
  const add = (from: GraphNode, to: GraphNode, edge: Edge) => {
    const out = adj.get(from) ?? [];
    out.push({ to, edge });
    adj.set(from, out);
  };
  const nodes: GraphNode[] = [...THREADS];
  for (const e of edges) {
    if (e.kind === 'waits') add(e.thread, e.resource, e);
    else add(e.resource, e.thread, e);
    if (!nodes.includes(e.resource)) nodes.push(e.resource);
  }
  const rank = new Map(nodes.map((v, i) => [v, i]));
  const cycles: Cycle[] = [];
  for (let s = 0; s < nodes.length; s++) {
    const start = nodes[s]!;
    const path: GraphNode[] = [start];
    const via: string[] = [];
    const walk = (v: GraphNode) => {
      for (const { to, edge } of adj.get(v) ?? []) {
        if ((rank.get(to) ?? 0) < s) continue;
        if (to === start) {
          const ids = [...via, edge.id];
          cycles.push({
            nodes: [...path],
            edges: ids,
            threads: path.filter((x): x is ThreadId => (THREADS as readonly string[]).includes(x)),
            resources: path.filter((x): x is ResourceId => !(THREADS as readonly string[]).includes(x)),
          });
          continue;
        }
        if (path.includes(to)) continue;
        path.push(to);
        via.push(edge.id);
        walk(to);
        path.pop();
        via.pop();
      }
    };
    walk(start);
  }
  return cycles;
}

/** The cycle through the most threads (then the longest), or null. */
export function mainCycle(cycles: readonly Cycle[]): Cycle | null {
  let best: Cycle | null = null;
  for (const c of cycles) {
    if (!best || c.threads.length > best.threads.length || (c.threads.length === best.threads.length && c.nodes.length > best.nodes.length)) best = c;
  }
  return best;
}

/** "A waits in kernfs_drain() for active(force), held by B; B waits in mutex_lock() for klp_mutex, held by A." */
export function explainCycle(cycle: Cycle, threads: readonly ThreadView[]): string {
  const parts: string[] = [];
  const n = cycle.nodes.length;
  for (let i = 0; i < n; i += 2) {
    const t = cycle.nodes[i] as ThreadId;
    const r = cycle.nodes[(i + 1) % n] as ResourceId;
    const holder = cycle.nodes[(i + 2) % n] as ThreadId;
    const pc = threads.find((x) => x.id === t)?.pc;
    parts.push(`${t} waits${pc ? ` in ${pc}()` : ''} for ${r}, held by ${holder === t ? `${t} itself` : holder}`);
  }
  return parts.join('; ');
}

function explainDeadlock(cycles: readonly Cycle[], main: Cycle | null, threads: readonly ThreadView[]): string | null {
  if (!main) return null;
  const rest = cycles.filter((c) => c !== main).map((c) => explainCycle(c, threads));
  const asleep = threads.filter((t) => t.status === 'blocked').map((t) => t.id);
  const tail =
    asleep.length === 1
      ? `${asleep[0]} can never wake itself.`
      : asleep.length === 2
        ? `Neither ${asleep[0]} nor ${asleep[1]} can ever run again.`
        : `None of ${list(asleep)} can ever run again.`;
  return `${explainCycle(main, threads)}.${rest.length ? ` Also: ${rest.join('; ')}.` : ''} ${tail}`;
}

// ---------------------------------------------------------------------------
// Running a variant

export interface SimulateOptions {
  /** what B writes; default `echo 1 > …/force` */
  b?: Writer;
  /**
   * Which thread moves next, among those that can. Default: the interleaving
   * of §4.3's tables (STORY_SCHEDULES), then the first thread that can move.
   */
  pick?: (movable: ThreadId[], move: number) => ThreadId;
}

/** The interleavings of semantics.md §4.3, one thread id per move. */
export const STORY_SCHEDULES: Record<VariantId, readonly ThreadId[]> = {
  // 1–4 of the table, then A alone until it sleeps.
  forbidden: ['A', 'B', 'A', 'B', 'A', 'A', 'A', 'A', 'A', 'A'],
  // 1–6, then the worker runs while B is still inside force_store(), so its
  // kernfs_drain() has to wait for both writers to leave.
  real: ['A', 'B', 'A', 'B', 'A', 'A', 'A', 'A', 'A', 'B', 'W', 'W', 'W', 'W', 'B', 'B', 'A', 'B', 'W', 'W', 'W', 'W'],
};

function scripted(schedule: readonly ThreadId[]) {
  return (movable: ThreadId[], move: number): ThreadId => {
    const want = schedule[move];
    if (want === undefined) return movable[0]!;
    if (!movable.includes(want)) throw new Error(`schedule: ${want} cannot move at move ${move + 1} (movable: ${movable.join(', ') || 'none'})`);
    return want;
  };
}

interface Frame {
  world: World;
  caption: string;
  fn: string;
  focus: PartId[];
  actor: ThreadId | null;
  stuck: boolean;
}

const INTRO: Record<VariantId, { caption: string; fn: string; focus: PartId[] }> = {
  forbidden: {
    caption:
      "Suppose enabled_store() freed patch P itself, under klp_mutex, with no workqueue. A is about to write 0 to P's file enabled while B writes 1 to its file force; a plain cat of stack_order would do as well as B, since stack_order_show() takes klp_mutex too.",
    fn: 'enabled_store',
    focus: ['A', 'B'],
  },
  real: {
    caption:
      "What the kernel does since v5.1: the same two writes, but P's kobject is put by free_work, klp_free_patch_work_fn(), which a kworker W runs from the system workqueue, outside klp_mutex.",
    fn: 'klp_free_patch_work_fn',
    focus: ['A', 'B', 'W'],
  },
};

function hungFrame(w: World, run: Run): Omit<Frame, 'world' | 'actor' | 'stuck'> {
  const sleepers = THREADS.filter((t) => w.threads[t].blocked);
  const many = sleepers.length > 1;
  return {
    caption: `Nothing can move: ${list(sleepers)} ${many ? 'sleep' : 'sleeps'} for good, waiting for what only ${many ? 'a sleeping thread' : `${sleepers[0]} itself`} could give back. After 120 seconds check_hung_task() reports ${many ? 'them' : 'it'} as hung in the kernel log, and P's module can never be removed.`,
    fn: 'check_hung_task',
    focus: [...sleepers, 'verdict', 'module'],
  };
}

function simulateFrames(variant: VariantId, options: SimulateOptions = {}): { run: Run; frames: Frame[] } {
  const writers = { A: { file: 'enabled', value: 0 } as Writer, B: options.b ?? ({ file: 'force', value: 1 } as Writer) };
  const run: Run = {
    variant,
    writers,
    programs: { A: writerProgram(writers.A, variant), B: writerProgram(writers.B, variant), W: workerProgram() },
  };
  const pick = options.pick ?? scripted(STORY_SCHEDULES[variant]);
  let world = initialWorld(filesOf(run));
  const frames: Frame[] = [{ world, ...INTRO[variant], actor: null, stuck: false }];
  let cyclic = false;
  for (let move = 0; move < 200; move++) {
    const moves = new Map<ThreadId, Move>();
    for (const t of THREADS) {
      const m = attempt(world, run, t);
      if (m) moves.set(t, m);
    }
    if (moves.size === 0) break;
    const who = pick([...moves.keys()], move);
    const m = moves.get(who);
    if (!m) throw new Error(`${who} cannot move`);
    world = m.world;
    // The move that closes a cycle of the wait-for graph says so, and the verdict is part of what it shows.
    const closes: boolean = !cyclic && findCycles(edgesOf(world, run)).length > 0;
    cyclic ||= closes;
    frames.push({
      world,
      caption: closes ? `${m.caption.replace(/\.$/, '')}, which closes a cycle of waits: a deadlock.` : m.caption,
      fn: m.fn,
      focus: closes ? [...m.focus, 'verdict'] : m.focus,
      actor: who,
      stuck: false,
    });
  }
  const asleep = THREADS.some((t) => world.threads[t].blocked);
  if (asleep) frames.push({ world, ...hungFrame(world, run), actor: null, stuck: true });
  else frames[frames.length - 1]!.stuck = true;
  return { run, frames };
}

/** The wait-for graph's edges: what each thread holds, and what it sleeps on now. */
function edgesOf(w: World, run: Run): Edge[] {
  return THREADS.flatMap((id) => [
    ...w.threads[id].holds.map((resource): Edge => ({ id: `holds:${id}:${resource}`, kind: 'holds', thread: id, resource })),
    ...blockers(w, run, id).map((resource): Edge => ({ id: `waits:${id}:${resource}`, kind: 'waits', thread: id, resource })),
  ]);
}

function statusOf(w: World, run: Run, id: ThreadId, actor: ThreadId | null): ThreadStatus {
  const t = w.threads[id];
  if (t.done) return 'done';
  if (t.blocked) return blockers(w, run, id).length ? 'blocked' : 'woken';
  if (id === actor) return 'running';
  if (id === 'W' && t.pc === 0) return w.freeWork === 'queued' ? 'ready' : 'idle';
  return t.pc === 0 ? 'not-started' : 'ready';
}

function commonPrefix(a: readonly string[], b: readonly string[]): string[] {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

function picture(frame: Frame, run: Run, step: number, index: number, count: number): StoryState {
  const w = frame.world;
  const threads: ThreadView[] = THREADS.map((id) => {
    const t = w.threads[id];
    const status = statusOf(w, run, id, frame.actor);
    // Between two calls a thread sits in their common caller.
    const next = run.programs[id][t.pc];
    const stack = status === 'ready' && next ? commonPrefix(t.stack, next.stack) : [...t.stack];
    return {
      id,
      command: id === 'W' ? 'kworker: system workqueue' : command(run.writers[id]),
      status,
      pc: stack[stack.length - 1] ?? null,
      stack,
      holds: [...t.holds],
      waitsFor: blockers(w, run, id),
      result: t.result,
    };
  });
  const edges = edgesOf(w, run);
  const cycles = findCycles(edges);
  const cycle = mainCycle(cycles);
  return {
    step,
    variant: run.variant,
    title: VARIANT_TITLES[run.variant],
    index,
    count,
    caption: frame.caption,
    fn: frame.fn,
    file: FN_FILES[frame.fn],
    focus: { views: ['story'], actors: frame.focus.filter((p, i, all) => all.indexOf(p) === i).map((part) => ({ part })) },
    actor: frame.actor,
    threads,
    resources: {
      mutex: { owner: w.mutex.context.owner, waiters: [...w.mutex.context.waiters] },
      files: filesOf(run).map((name) => ({
        name,
        id: activeRef(name),
        state: nodeState(w.files[name]!),
        active: holderCount(w.files[name]!),
        holders: [...w.files[name]!.context.holders],
      })),
      patch: { kobjRefcount: w.kobj.refcount, dir: w.kobj.dir, released: w.kobj.released, ...w.patch },
      finish: { done: w.finish },
      module: { name: 'P', refcnt: w.moduleRefcnt },
      freeWork: w.freeWork,
    },
    edges,
    cycles,
    cycle,
    deadlock: explainDeadlock(cycles, cycle, threads),
    stuck: frame.stuck,
  };
}

/**
 * Runs one variant from the set-up until no thread can move; every state,
 * numbered from `firstStep`. Exported for tests and for other interleavings.
 */
export function simulate(variant: VariantId, options: SimulateOptions = {}, firstStep = 0): StoryState[] {
  const { run, frames } = simulateFrames(variant, options);
  return frames.map((f, i) => picture(f, run, firstStep + i, i, frames.length));
}

// ---------------------------------------------------------------------------
// The story: the forbidden variant, then the real one

export interface VariantInfo {
  id: VariantId;
  title: string;
  /** its first step in storySteps() */
  first: number;
  count: number;
  /** the first step (in storySteps()) whose wait-for graph has a cycle, or null */
  firstCycle: number | null;
}

interface Story {
  all: readonly StoryState[];
  variants: readonly VariantInfo[];
  steps: readonly StoryStep[];
}

let told: Story | null = null;

/**
 * The story, simulated when first asked: not as the module loads (the page
 * prefetches every story, and simulating this one held its thread ~50 ms).
 */
function story(): Story {
  if (told) return told;
  const forbidden = simulate('forbidden');
  const real = simulate('real', {}, forbidden.length);
  const all = [...forbidden, ...real];
  const variants = [forbidden, real].map((states) => {
    const first = states[0]!;
    return {
      id: first.variant,
      title: first.title,
      first: first.step,
      count: states.length,
      firstCycle: states.find((s) => s.cycle !== null)?.step ?? null,
    };
  });
  const steps = all.map(({ caption, fn, file, focus }) => (file ? { caption, fn, file, focus } : { caption, fn, focus }));
  return (told = { all, variants, steps });
}

/** The two variants: the forbidden one first, then the real one. */
export function variants(): readonly VariantInfo[] {
  return story().variants;
}

/** Captions for the whole story: the forbidden variant first, then the real one. */
export function storySteps(): readonly StoryStep[] {
  return story().steps;
}

/** The full picture at a step of the story (clamped to the story). */
export function storyState(step: number): StoryState {
  const { all } = story();
  const i = Math.min(all.length - 1, Math.max(0, Math.trunc(Number.isFinite(step) ? step : 0)));
  return all[i]!;
}
