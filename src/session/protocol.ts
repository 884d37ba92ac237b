/**
 * What the page and the session say to each other: plain data only, since
 * in the browser the session runs in a Web Worker (worker.ts) and every
 * message is copied across. The page asks; the session answers each request
 * with a Snapshot of what the views read, and reports progress meanwhile.
 */
import type { KernelView, TaskView } from '../kernel/view/types';
import type { LogRecord } from '../kernel/world/log';
import type { Blocked } from '../kernel/shell/blocked';
import type { CatalogEntry } from '../views/modules';
import type { Input, Setup, StepRecord } from './situation';
import type { ScenarioStep } from '../scenarios/types';

export type Request =
  /** a narrated scenario's set-up and steps (its own inputs), at a step; a user's own (from a link) is held to `workLimit` as a link is */
  | { op: 'scenario'; setup: Setup; steps: ScenarioStep['do'][]; step: number; workLimit?: number }
  /** a situation (a link's, or a fresh machine), held to `workLimit` if it is untrusted */
  | { op: 'open'; setup: Setup; inputs: Input[]; step: number; workLimit: number }
  /** a line typed at the shell (or a button's); `unlimited` once the user said "run it to the end" */
  | { op: 'command'; line: string; settleAfter: boolean; unlimited?: boolean }
  | { op: 'forward' }
  | { op: 'goto'; step: number }
  | { op: 'settle'; unlimited?: boolean }
  | { op: 'advance'; seconds: number; unlimited?: boolean }
  | { op: 'wake'; pid: number }
  | { op: 'interrupt' }
  /** the situation shown is a scenario's path for its first `steps` inputs (an author's story, grown by a step): nothing runs */
  | { op: 'narrated'; steps: number }
  /** the views at these steps (a handout's pages), each whole; the step shown stays */
  | { op: 'views'; steps: number[] };

/**
 * A list as a change to the copy the page already has: keep its first
 * `keep` items, then append `add`. Steps and log lines only grow or are cut,
 * so a step costs what it added, not the whole session.
 */
export interface Delta<T> {
  keep: number;
  add: T[];
}

/** Applies a Delta to the page's copy of a list. */
export function patch<T>(list: readonly T[], d: Delta<T>): T[] {
  return list.slice(0, d.keep).concat(d.add);
}

/**
 * A view as it crosses to the page. Its tasks go as columns, whole or as a
 * change to the tasks of the last view sent (which the page has): a step
 * changes a few tasks of 10,000, and copying 10,000 objects across (twice at
 * a page's first snapshot: the view and the one before) took the page
 * ~100 ms; the same tasks as a few arrays copy in ~1 ms (Node: 70 ms before).
 */
export type SentView = Omit<KernelView, 'tasks'> & { tasks: SentTasks };

export type SentTasks =
  | { kind: 'whole'; cols: TaskColumns }
  /** the last view's tasks cut to `length`, with the task at each index of `at` replaced by the columns' */
  | { kind: 'change'; length: number; at: number[]; cols: TaskColumns };

// A task's fields by how they cross: numbers and flags as typed arrays (copied as one block of
// memory), words as indexes into a table of the distinct words (few among thousands of tasks).
const NUMS = ['pid', 'cpu', 'patchState'] as const;
const FLAGS = ['running', 'pending', 'notifySignal'] as const;
const WORDS = ['comm', 'kind', 'state', 'behavior', 'blockedBy', 'blocker', 'oldCode', 'stack', 'sleepsForever'] as const;
type Num = (typeof NUMS)[number];
type Flag = (typeof FLAGS)[number];
type Word = (typeof WORDS)[number];
// A field added to TaskView must be given a column here: this fails to compile until it is.
const EVERY_FIELD: Exclude<keyof TaskView, Num | Flag | Word> extends never ? true : never = true;
void EVERY_FIELD;

/** One column of words: the distinct values, and each task's index into them. */
interface WordColumn<T> {
  values: T[];
  at: Uint32Array;
}

export interface TaskColumns {
  n: number;
  nums: Record<Num, Float64Array>;
  flags: Record<Flag, Uint8Array>;
  words: { [K in Word]-?: WordColumn<TaskView[K] | undefined> };
}

function wordColumn<T>(n: number, valueOf: (i: number) => T, keyOf: (v: T) => unknown = (v) => v): WordColumn<T> {
  const values: T[] = [];
  const ids = new Map<unknown, number>();
  const at = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = valueOf(i);
    const key = keyOf(v);
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = values.push(v) - 1));
    at[i] = id;
  }
  return { values, at };
}

function toColumns(tasks: readonly TaskView[]): TaskColumns {
  const n = tasks.length;
  const nums = Object.fromEntries(NUMS.map((f) => [f, Float64Array.from(tasks, (t) => t[f])])) as TaskColumns['nums'];
  const flags = Object.fromEntries(FLAGS.map((f) => [f, Uint8Array.from(tasks, (t) => (t[f] ? 1 : 0))])) as TaskColumns['flags'];
  const words = Object.fromEntries(
    WORDS.map((f) => [f, f === 'stack' ? wordColumn(n, (i) => tasks[i]!.stack, (st) => st.join('\0')) : wordColumn(n, (i) => tasks[i]![f])]),
  ) as TaskColumns['words'];
  return { n, nums, flags, words };
}

/** The tasks again; tasks with the same stack share one (read-only) array. */
function fromColumns(c: TaskColumns): TaskView[] {
  const { pid, cpu, patchState } = c.nums;
  const { running, pending, notifySignal } = c.flags;
  // Each column's values and indexes as locals: this loop makes 10,000 objects in a page's first task.
  const w = c.words as { [K in Word]: { values: TaskView[K][]; at: Uint32Array } };
  const [comm, commAt, kind, kindAt, state, stateAt] = [w.comm.values, w.comm.at, w.kind.values, w.kind.at, w.state.values, w.state.at] as const;
  const [behavior, behaviorAt, stack, stackAt] = [w.behavior.values, w.behavior.at, w.stack.values, w.stack.at] as const;
  const [blockedBy, blockedByAt, blocker, blockerAt, oldCode, oldCodeAt] = [w.blockedBy.values, w.blockedBy.at, w.blocker.values, w.blocker.at, w.oldCode.values, w.oldCode.at] as const;
  const out = new Array<TaskView>(c.n);
  for (let i = 0; i < c.n; i++) {
    out[i] = {
      pid: pid[i]!,
      comm: comm[commAt[i]!]!,
      kind: kind[kindAt[i]!]!,
      cpu: cpu[i]!,
      state: state[stateAt[i]!]!,
      running: running[i] === 1,
      patchState: patchState[i]! as TaskView['patchState'],
      pending: pending[i] === 1,
      notifySignal: notifySignal[i] === 1,
      behavior: behavior[behaviorAt[i]!]!,
      stack: stack[stackAt[i]!]!,
      blockedBy: blockedBy[blockedByAt[i]!]!,
      blocker: blocker[blockerAt[i]!]!,
      oldCode: oldCode[oldCodeAt[i]!]!,
    };
  }
  const sleeps = c.words.sleepsForever;
  for (let i = 0; i < c.n; i++) {
    const fn = sleeps.values[sleeps.at[i]!];
    if (fn !== undefined) out[i]!.sleepsForever = fn;
  }
  return out;
}

/** `v` to send: its tasks as a change to `last`'s where that is smaller, else whole. */
export function encodeView(v: KernelView, last: KernelView | null): SentView {
  const whole = (): SentView => ({ ...v, tasks: { kind: 'whole', cols: toColumns(v.tasks) } });
  if (!last) return whole();
  const at: number[] = [];
  for (let i = 0; i < v.tasks.length; i++) {
    if (i >= last.tasks.length || !sameTask(v.tasks[i]!, last.tasks[i]!)) at.push(i);
    if (at.length > v.tasks.length / 2) return whole();
  }
  return { ...v, tasks: { kind: 'change', length: v.tasks.length, at, cols: toColumns(at.map((i) => v.tasks[i]!)) } };
}

/** The view `encodeView(v, last)` sent; unchanged tasks are `last`'s own objects. */
export function decodeView(v: SentView, last: KernelView | null): KernelView {
  const sent = v.tasks;
  if (sent.kind === 'whole') return { ...v, tasks: fromColumns(sent.cols) };
  if (!last) throw new Error('a view sent as a change to a view the page does not have');
  const tasks = last.tasks.slice(0, sent.length);
  const changed = fromColumns(sent.cols);
  for (let j = 0; j < sent.at.length; j++) tasks[sent.at[j]!] = changed[j]!;
  return { ...v, tasks };
}

/** How many task objects `decodeView` makes for this view. */
export function tasksToDecode(v: SentView): number {
  return v.tasks.cols.n;
}

function sameTask(a: TaskView, b: TaskView): boolean {
  for (const key of Object.keys(a) as (keyof TaskView)[]) {
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length || x.some((f, i) => f !== y[i])) return false;
  }
  return Object.keys(a).length === Object.keys(b).length;
}

/**
 * Something the page should say about the last request, once: a line that
 * stopped at its work budget (and can be run to the end), or one that failed
 * inside the engine. Either way nothing it did is kept.
 */
export interface Notice {
  kind: 'budget' | 'error';
  text: string;
  /** the request that runs the line to the end, for `budget` */
  retry?: Request;
}

export interface Snapshot {
  view: SentView;
  /**
   * The view one step earlier, for what changed (null at step 0 or when no
   * longer cached); 'last' when it is the view the previous snapshot carried,
   * which the page has (a step forward then costs one view, not two); else
   * sent as a change to this snapshot's own `view` (decoded after it).
   */
  prev: SentView | 'last' | null;
  position: number;
  length: number;
  inputs: Delta<Input>;
  records: Delta<StepRecord>;
  log: Delta<LogRecord>;
  history: string[];
  canStep: boolean;
  settled: boolean;
  queued: { count: number; next: { label: string; at: number } | null };
  blocked: Blocked | null;
  setup: Setup;
  /** the simulation work replaying this situation takes (what a link may ask for is limited) */
  work: number;
  /** how many leading inputs are an opened scenario's own steps */
  scenarioInputs: number;
  notice: Notice | null;
  /** the module catalogue, with the first snapshot of a session only */
  catalog?: CatalogEntry[];
}

/** Every so often while a request works: where the simulated clock and the work count are. */
export interface Progress {
  /** virtual microseconds since boot */
  now: number;
  /** virtual microseconds when the request started */
  from: number;
  work: number;
}

/** What the session sends back for a request: its snapshot, or why it was refused (nothing changed). */
export type Reply = { ok: true; snap: Snapshot; views?: SentView[] } | { ok: false; error: string; limit: boolean };

/** A handout's pages hold at most this many tasks in all (a printout of 10,000 tasks a page is no handout). */
export const HANDOUT_TASKS = 100_000;
