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
  /** a narrated scenario's set-up and steps (its own inputs), at a step */
  | { op: 'scenario'; setup: Setup; steps: ScenarioStep['do'][]; step: number }
  /** a situation (a link's, or a fresh machine), held to `workLimit` if it is untrusted */
  | { op: 'open'; setup: Setup; inputs: Input[]; step: number; workLimit: number }
  /** a line typed at the shell (or a button's); `unlimited` once the user said "run it to the end" */
  | { op: 'command'; line: string; settleAfter: boolean; unlimited?: boolean }
  | { op: 'forward' }
  | { op: 'goto'; step: number }
  | { op: 'settle'; unlimited?: boolean }
  | { op: 'advance'; seconds: number; unlimited?: boolean }
  | { op: 'wake'; pid: number }
  | { op: 'interrupt' };

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
 * A view as it crosses to the page: whole, or with its tasks as a change to
 * the tasks of the last view sent (which the page has). A step changes a few
 * tasks of 10,000; copying all of them across took the page 20–40 ms.
 */
export type SentView = KernelView | (Omit<KernelView, 'tasks'> & { tasks: TasksChange });

export interface TasksChange {
  /** how many tasks the view has; those not in `set` are the last view's, at the same index */
  length: number;
  set: [number, TaskView][];
}

/** `v` as a change to `last` where that is smaller. */
export function encodeView(v: KernelView, last: KernelView | null): SentView {
  if (!last) return v;
  const set: [number, TaskView][] = [];
  for (let i = 0; i < v.tasks.length; i++) {
    const t = v.tasks[i]!;
    if (i >= last.tasks.length || !sameTask(t, last.tasks[i]!)) set.push([i, t]);
    if (set.length > v.tasks.length / 2) return v;
  }
  return { ...v, tasks: { length: v.tasks.length, set } };
}

/** The view `encodeView(v, last)` sent; unchanged tasks are `last`'s own objects. */
export function decodeView(v: SentView, last: KernelView | null): KernelView {
  if (Array.isArray(v.tasks)) return v as KernelView;
  if (!last) throw new Error('a view sent as a change to a view the page does not have');
  const tasks = last.tasks.slice(0, v.tasks.length);
  for (const [i, t] of v.tasks.set) tasks[i] = t;
  return { ...v, tasks };
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
   * which the page has (a step forward then costs one view, not two).
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
export type Reply = { ok: true; snap: Snapshot } | { ok: false; error: string; limit: boolean };
