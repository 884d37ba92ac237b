/**
 * Task migration: the maths behind TaskMigration.svelte, pure and testable
 * without a browser. Which universe each task runs in during a transition,
 * where its mark goes, which mark is under the pointer, how marks move
 * between steps, and the words that summarise it all. The canvas of
 * large-system mode has its own module (task-canvas.ts), loaded only then.
 *
 * Livepatch's consistency model (semantics.md §2): during a transition every
 * task has a patch_state, the initial one (!klp_target_state) until it
 * switches to klp_target_state, and TIF_PATCH_PENDING while it has yet to.
 */
import { easeCubicInOut } from 'd3-ease';
import { lerp, lerpArray } from './motion';
import { Random } from '../kernel/world/random';
import type { KernelView, TaskView, TransitionView } from '../kernel/view/types';

type KlpState = TaskView['patchState'];
type TransitionLike = Pick<TransitionView, 'patch' | 'target'>;
export type Kind = TaskView['kind'];

/** Up to this many tasks each mark is an SVG element; above it, one canvas draws them all. */
export const CANVAS_THRESHOLD = 400;

// ---------------------------------------------------------------------------
// Universes

/** A transition is in progress: klp_transition_patch is set (and so is klp_target_state). */
export function inTransition(tr: TransitionLike): tr is TransitionLike & { patch: string; target: 0 | 1 } {
  return tr.patch !== null && tr.target !== -1;
}

/**
 * The universe (KLP_UNPATCHED 0 / KLP_PATCHED 1) a task's code comes from,
 * or -1 outside a transition. Anything but the target counts as the initial
 * state: that is how klp_ftrace_handler() treats it.
 */
export function universeOf(task: Pick<TaskView, 'patchState'>, tr: TransitionLike): KlpState {
  if (!inTransition(tr)) return -1;
  return task.patchState === tr.target ? tr.target : tr.target === 1 ? 0 : 1;
}

/** Has the task reached klp_target_state? */
export function switched(task: Pick<TaskView, 'patchState'>, tr: TransitionLike): boolean {
  return inTransition(tr) && task.patchState === tr.target;
}

export const STATE_NAME: Record<0 | 1, { name: string; constant: string }> = {
  0: { name: 'unpatched', constant: 'KLP_UNPATCHED' },
  1: { name: 'patched', constant: 'KLP_PATCHED' },
};

export const NEUTRAL_LABEL = 'no transition: every task runs the same code';

/**
 * The label of the one region outside a transition. It claims that every
 * task runs the same code only while it is true: a task that force switched
 * may still run old code after the transition (TaskView.oldCode).
 */
export function neutralLabel(tasks: readonly Pick<TaskView, 'oldCode'>[]): string {
  const n = tasks.filter((t) => t.oldCode !== null).length;
  return n === 0 ? NEUTRAL_LABEL : `no transition, but ${n} task${n === 1 ? '' : 's'} still in old code`;
}

// ---------------------------------------------------------------------------
// Keys and order

const KIND_ORDER: Record<Kind, number> = { idle: 0, kthread: 1, user: 2 };
const KINDS: Kind[] = ['idle', 'kthread', 'user'];

/**
 * A stable key per task: comm and pid. Idle tasks all have pid 0 but differ
 * in comm (swapper/N); should two tasks still collide, the later one gets a suffix.
 */
export function taskKeys(tasks: readonly Pick<TaskView, 'comm' | 'pid'>[]): string[] {
  const seen = new Map<string, number>();
  return tasks.map((t) => {
    const base = `${t.comm}:${t.pid}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}#${n}`;
  });
}

/** Task indices sorted by kind (idle, kthread, user), then pid, then CPU. */
export function sortedOrder(tasks: readonly TaskView[]): number[] {
  return tasks
    .map((_, i) => i)
    .sort((a, b) => {
      const x = tasks[a]!;
      const y = tasks[b]!;
      return KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || x.pid - y.pid || x.cpu - y.cpu || (x.comm < y.comm ? -1 : x.comm > y.comm ? 1 : 0);
    });
}

// ---------------------------------------------------------------------------
// Layout

export interface RegionBox {
  /** the patch_state of the tasks inside: 0, 1, or -1 for the one region outside a transition */
  state: KlpState;
  role: 'initial' | 'target' | 'neutral';
  /** "unpatched (KLP_UNPATCHED)", or the neutral label */
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TaskLayout {
  width: number;
  height: number;
  /** side of one grid cell, px */
  cell: number;
  /** side of a mark inside its cell, px */
  mark: number;
  /** side of the TIF_PATCH_PENDING ring: just inside the cell, around the mark */
  ring: number;
  /** room for the label at the top of each region, px */
  labelHeight: number;
  cols: number;
  rows: number;
  /** regions side by side (false: one above the other) */
  stacked: boolean;
  regions: RegionBox[];
  /** task index → index into regions */
  regionOf: Int8Array;
  /** task index → slot (row * cols + col) of its grid */
  slotOf: Int32Array;
  /** slot → task index, or -1 for an empty slot (the same slot in every region) */
  slotTask: Int32Array;
  /** task indices in slot order, for keyboard navigation */
  order: number[];
  /** mark centres, x and y interleaved: [x0, y0, x1, y1, …] */
  xy: Float64Array;
}

export interface LayoutOptions {
  /** available width, px */
  width?: number;
  /** the grid shrinks its cells to stay below this height, down to MIN_CELL */
  maxGridHeight?: number;
  /** room at the top of each region for its label, px */
  labelHeight?: number;
  /**
   * Fit mode: the box's height, px. The cells are then sized to fill the
   * box, width and height both (up to maxCell), the regions side by side or
   * one above the other, whichever gives the bigger marks, and the regions
   * reach down to the box's bottom.
   */
  height?: number;
  /** the largest cell in fit mode, px */
  maxCell?: number;
}

export const PAD = 6;
export const GAP = 24;
export const MIN_CELL = 2;
/** below this width the two regions go one above the other (outside fit mode) */
export const STACK_BELOW = 360;

const cellRange = lerp(30, 6);

/**
 * Cell size by task count, on a log scale from 30px at 10 tasks to 6px at
 * 10 000: big marks with room for a CPU number for a few tasks, dots for thousands.
 */
export function cellForCount(n: number): number {
  return cellRange(Math.min(1, Math.max(0, (Math.log10(n) - 1) / 3)));
}

/**
 * Where every task's mark goes. Each task gets one slot of a grid sorted by
 * kind then pid (each kind starting a new row), and both regions have the
 * same grid: a task sits in its slot in the region of its universe. So a
 * task that switches moves straight across, and a task that does not switch
 * never moves; a reversal (which flips the target, not patch_state) moves
 * nobody either, since the regions stand for patch_state 0 and 1.
 */
/** Grid rows for task groups (one per kind, each from a new row) at `cols` columns. */
function gridRows(groups: readonly number[], cols: number): number {
  return groups.reduce((r, c) => r + Math.ceil(c / cols), 0);
}

/**
 * The biggest cell (whole px, MIN_CELL at least, maxCell at most) whose grid
 * of `groups` fits a region `inner` px wide with `gridHeight` px for its rows.
 */
export function fitCell(groups: readonly number[], inner: number, gridHeight: number, maxCell = Infinity): number {
  let cell = Math.max(MIN_CELL, Math.floor(Math.min(maxCell, inner, gridHeight)));
  while (cell > MIN_CELL && gridRows(groups, Math.max(1, Math.floor(inner / cell))) * cell > gridHeight) cell--;
  return cell;
}

/** Fit mode: regions side by side or stacked, whichever gives the bigger cell (side by side on a tie). */
function fitArrangement(
  groups: readonly number[],
  width: number,
  height: number,
  labelHeight: number,
  transition: boolean,
  maxCell: number,
): { stacked: boolean; cell: number } {
  const grid = (h: number) => h - labelHeight - 2 * PAD;
  if (!transition) return { stacked: false, cell: fitCell(groups, width - 2 * PAD, grid(height), maxCell) };
  const side = fitCell(groups, Math.floor((width - GAP) / 2) - 2 * PAD, grid(height), maxCell);
  const stack = fitCell(groups, width - 2 * PAD, grid(Math.floor((height - GAP) / 2)), maxCell);
  return stack > side ? { stacked: true, cell: stack } : { stacked: false, cell: side };
}

export function layoutTasks(tasks: readonly TaskView[], tr: TransitionLike, opts: LayoutOptions = {}): TaskLayout {
  const width = Math.max(120, Math.floor(opts.width ?? 640));
  const maxGridHeight = opts.maxGridHeight ?? 420;
  const labelHeight = opts.labelHeight ?? 40;
  const n = tasks.length;
  const transition = inTransition(tr);
  const order = sortedOrder(tasks);
  const groups = KINDS.map((k) => tasks.filter((t) => t.kind === k).length).filter((c) => c > 0);
  const fit = opts.height !== undefined ? fitArrangement(groups, width, Math.floor(opts.height), labelHeight, transition, opts.maxCell ?? Infinity) : null;

  const stacked = fit ? fit.stacked : transition && width < STACK_BELOW;
  const regionWidth = transition && !stacked ? Math.floor((width - GAP) / 2) : width;
  const inner = regionWidth - 2 * PAD;
  const colsFor = (cell: number) => Math.max(1, Math.floor(inner / cell));
  const rowsFor = (cell: number) => gridRows(groups, colsFor(cell));

  let cell: number;
  if (fit) cell = fit.cell;
  else {
    cell = Math.max(MIN_CELL, Math.min(Math.round(cellForCount(Math.max(n, 10))), Math.floor(inner)));
    while (cell > MIN_CELL && rowsFor(cell) * cell > maxGridHeight) cell--;
  }
  const cols = colsFor(cell);
  const rows = rowsFor(cell);
  // A quarter of the cell stays free between marks, at least 1px of it.
  const mark = Math.max(1.5, Math.min(cell - 1, cell * 0.75));
  const ring = Math.max(mark + 2, cell - 1);

  const slotOf = new Int32Array(n);
  const slotTask = new Int32Array(rows * cols).fill(-1);
  let row = 0;
  let col = 0;
  let kind: Kind | null = null;
  for (const i of order) {
    const k = tasks[i]!.kind;
    if (kind !== null && k !== kind && col > 0) {
      row++;
      col = 0;
    }
    kind = k;
    const slot = row * cols + col;
    slotOf[i] = slot;
    slotTask[slot] = i;
    if (++col === cols) {
      row++;
      col = 0;
    }
  }

  // In fit mode the regions reach down to the bottom of the box (or further, when even MIN_CELL does not fit).
  const boxHeight = opts.height === undefined ? 0 : Math.floor(stacked ? (opts.height - GAP) / 2 : opts.height);
  const regionHeight = Math.max(labelHeight + rows * cell + 2 * PAD, boxHeight);
  const regions: RegionBox[] = [];
  if (!transition) {
    regions.push({ state: -1, role: 'neutral', label: neutralLabel(tasks), x: 0, y: 0, width: regionWidth, height: regionHeight });
  } else {
    for (const state of [0, 1] as const) {
      const i = regions.length;
      regions.push({
        state,
        role: state === tr.target ? 'target' : 'initial',
        label: `${STATE_NAME[state].name} (${STATE_NAME[state].constant})`,
        x: stacked ? 0 : i * (regionWidth + GAP),
        y: stacked ? i * (regionHeight + GAP) : 0,
        width: regionWidth,
        height: regionHeight,
      });
    }
  }

  const regionOf = new Int8Array(n);
  const xy = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const u = universeOf(tasks[i]!, tr);
    const r = u === -1 ? 0 : u;
    const box = regions[r]!;
    const slot = slotOf[i]!;
    regionOf[i] = r;
    xy[2 * i] = box.x + PAD + (slot % cols) * cell + cell / 2;
    xy[2 * i + 1] = box.y + labelHeight + PAD + Math.floor(slot / cols) * cell + cell / 2;
  }

  const last = regions[regions.length - 1]!;
  return {
    width: stacked || !transition ? width : 2 * regionWidth + GAP,
    height: last.y + last.height,
    cell,
    mark,
    ring,
    labelHeight,
    cols,
    rows,
    stacked,
    regions,
    regionOf,
    slotOf,
    slotTask,
    order,
    xy,
  };
}

// ---------------------------------------------------------------------------
// Marks

export const KIND_LABEL: Record<Kind, string> = { user: 'user task', kthread: 'kthread', idle: 'idle task' };

/** A mark as a plain SVG element, centred on 0,0 (the square's x is also its y). */
export type MarkShape = { tag: 'circle'; r: number } | { tag: 'rect'; x: number; side: number } | { tag: 'polygon'; points: string };

/**
 * The shape of a kind of task, `size` px wide: a user task is a circle, a
 * kthread a square, an idle task a diamond: the shapes of the d3-shape
 * symbols the canvas draws (task-canvas.ts), without loading d3-shape for the SVG.
 */
export function markShape(kind: Kind, size: number): MarkShape {
  const h = size / 2;
  if (kind === 'user') return { tag: 'circle', r: h };
  if (kind === 'kthread') return { tag: 'rect', x: -0.4 * size, side: 0.8 * size };
  return { tag: 'polygon', points: `0,${-h} ${h},0 0,${h} ${-h},0` };
}

// ---------------------------------------------------------------------------
// Motion

/**
 * Start positions for a move to `next`: each task from where it is on screen
 * now (found by key), a new task right where it will be.
 */
export function startPositions(shownKeys: ReadonlyMap<string, number>, shown: Float64Array, keys: readonly string[], next: Float64Array): Float64Array {
  const from = new Float64Array(next.length);
  for (let i = 0; i < keys.length; i++) {
    const j = shownKeys.get(keys[i]!);
    const ok = j !== undefined && 2 * j + 1 < shown.length;
    from[2 * i] = ok ? shown[2 * j]! : next[2 * i]!;
    from[2 * i + 1] = ok ? shown[2 * j + 1]! : next[2 * i + 1]!;
  }
  return from;
}

export function samePositions(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const MOVE_MS = 650;

function reducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * Marks on screen, moved to each new layout: a new step tweens them from
 * where they are (linear interpolation, eased by d3-ease) one animation frame at a
 * time; anything else (a resize, a first look, reduced motion) places them.
 * `draw` gets the positions of every frame: lerpArray writes
 * them into one reused buffer, so there is no allocation per frame even for
 * 10 000 tasks, and whoever keeps them must copy them.
 */
export class Mover {
  shown: Float64Array = new Float64Array(0);
  private keys = new Map<string, number>();
  private step: unknown = undefined;
  private raf = 0;
  constructor(private readonly draw: (xy: Float64Array) => void) {}

  go(step: unknown, keys: readonly string[], to: Float64Array): void {
    this.stop();
    const animate = this.step !== undefined && step !== this.step && !reducedMotion();
    this.step = step;
    const from = startPositions(this.keys, this.shown, keys, to);
    this.keys = new Map(keys.map((k, i) => [k, i]));
    if (!animate || samePositions(from, to)) return this.show(to);
    const tween = lerpArray(from, to);
    const t0 = performance.now();
    this.show(from);
    const frame = (now: number) => {
      const t = Math.min(1, (now - t0) / MOVE_MS);
      this.show(tween(easeCubicInOut(t)));
      this.raf = t < 1 ? requestAnimationFrame(frame) : 0;
    };
    this.raf = requestAnimationFrame(frame);
  }

  stop(): void {
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  /** Nothing is on screen any more: the next go() places marks. */
  forget(): void {
    this.stop();
    this.shown = new Float64Array(0);
    this.keys.clear();
    this.step = undefined;
  }

  private show(xy: Float64Array): void {
    this.shown = xy;
    this.draw(xy);
  }
}

/** Tasks whose patch_state changed between 0 and 1 since the previous step: they switched. */
export function switchedSince(prev: readonly TaskView[] | null, tasks: readonly TaskView[], keys: readonly string[]): Uint8Array {
  const out = new Uint8Array(tasks.length);
  if (!prev) return out;
  const before = new Map<string, KlpState>();
  taskKeys(prev).forEach((k, i) => before.set(k, prev[i]!.patchState));
  for (let i = 0; i < tasks.length; i++) {
    const was = before.get(keys[i]!);
    const now = tasks[i]!.patchState;
    if (was !== undefined && was !== -1 && now !== -1 && was !== now) out[i] = 1;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Words

/** Does this stack frame ("fn" or "fn [module]") belong to the function klp_check_stack() found? */
export function isBlockingFrame(frame: string, blockedBy: string | null): boolean {
  return blockedBy !== null && (frame === blockedBy || frame.startsWith(`${blockedBy} `));
}

/** One task in words: the accessible name of its mark. */
export function describeTask(t: TaskView): string {
  const where = t.running ? `running on CPU ${t.cpu}` : `${stateWords(t.state)}, CPU ${t.cpu}`;
  const old = t.oldCode === null ? '' : `, forced: still in the old ${t.oldCode}`;
  const signal = t.notifySignal ? ', TIF_NOTIFY_SIGNAL (a fake signal)' : '';
  return `${t.comm}, pid ${t.pid}, ${KIND_LABEL[t.kind]}, ${where}, patch_state ${t.patchState}${t.pending ? ', TIF_PATCH_PENDING' : ''}${signal}${old}`;
}

function stateWords(state: TaskView['state']): string {
  return state === 'R' ? 'runnable' : state === 'S' ? 'sleeping (S)' : 'sleeping uninterruptibly (D)';
}

/**
 * Can the simulation let this task's wait end? A user task in a system call
 * returns towards user space (where klp_update_patch_state() switches it); a
 * kthread in an interruptible sleep goes round its loop. A running task, an
 * idle task or a kthread in D has nothing to return from.
 */
export function canReturn(t: TaskView): boolean {
  if (t.running || t.state === 'R' || t.sleepsForever) return false;
  return t.kind === 'user' || (t.kind === 'kthread' && t.state === 'S');
}

/** Why a pending task has not switched yet, in a few words. */
export function pendingReason(t: TaskView): string {
  switch (t.blocker) {
    case 'running':
      return 'running';
    case 'sleeping':
      return `sleeping on ${t.blockedBy}`;
    case 'unreliable':
      return 'unreliable stack';
    default:
      return 'stack check passes';
  }
}

/** What the transition code would print about the task now (semantics.md §2.8). */
export function blockerText(t: TaskView, tr: TransitionLike): string {
  const who = `${t.comm}:${t.pid}`;
  if (!inTransition(tr))
    return t.oldCode === null
      ? 'No transition: patch_state is -1 (KLP_UNDEFINED).'
      : `No transition, but force switched it as it was: it still runs the old ${t.oldCode} until it returns from it.`;
  if (t.patchState === tr.target && t.oldCode !== null)
    return `Switched by force: patch_state ${t.patchState}, the target, but it still runs the old ${t.oldCode} until it returns from it.`;
  if (t.patchState === tr.target) return `Switched: patch_state ${t.patchState}, the target.`;
  switch (t.blocker) {
    case 'running':
      return `klp_try_switch_task: ${who} is running`;
    case 'unreliable':
      return `klp_check_stack: ${who} has an unreliable stack`;
    case 'sleeping':
      return `klp_check_stack: ${who} is sleeping on function ${t.blockedBy}`;
    default:
      return t.pending
        ? 'No blocker: the next klp_try_switch_task() switches it.'
        : 'Not switched, and TIF_PATCH_PENDING is not set yet (klp_start_transition() sets it).';
  }
}

export interface Summary {
  total: number;
  /** tasks per region, in the order of layoutTasks' regions */
  counts: number[];
  switched: number;
  pending: TaskView[];
  line: string;
  /** the canvas's accessible name */
  label: string;
}

/** Counts per universe and the pending tasks, as a line of text. */
export function summarize(tasks: readonly TaskView[], tr: TransitionLike, maxNames = 6): Summary {
  const total = tasks.length;
  const pending = tasks.filter((t) => t.pending);
  const old = oldCodeLine(tasks);
  if (!inTransition(tr)) {
    return {
      total,
      counts: [total],
      switched: 0,
      pending,
      line: `${total} tasks; no transition in progress, patch_state is -1 (KLP_UNDEFINED) everywhere${old ? ` · ${old}` : '.'}`,
      label: `${total} tasks, no transition${old ? `; ${old}` : ''}`,
    };
  }
  const done = tasks.filter((t) => t.patchState === tr.target).length;
  const counts = tr.target === 1 ? [total - done, done] : [done, total - done];
  const names = pending.slice(0, maxNames).map((t) => `${t.comm} (${pendingReason(t)})`);
  if (pending.length > maxNames) names.push(`and ${pending.length - maxNames} more`);
  const tail = pending.length ? `${pending.length} pending: ${names.join(', ')}` : 'none pending';
  return {
    total,
    counts,
    switched: done,
    pending,
    line: `${done} of ${total} tasks switched; ${tail}${old ? ` · ${old}` : ''}`,
    label: `${total} tasks: ${done} ${STATE_NAME[tr.target].name}, ${pending.length} pending${old ? `; ${old}` : ''}`,
  };
}

/**
 * The tasks force switched that still run old code, in words:
 * "kworker/0:1 forced: still in the old busymod_work_func" (two named, then a count).
 */
export function oldCodeLine(tasks: readonly TaskView[], maxNames = 2): string {
  const old = tasks.filter((t) => t.oldCode !== null);
  const words = old.slice(0, maxNames).map((t) => `${t.comm} forced: still in the old ${t.oldCode}`);
  if (old.length > maxNames) words.push(`${old.length - maxNames} more still in old code`);
  return words.join(' · ');
}

// ---------------------------------------------------------------------------
// Names on the picture

/** The short label beside a mark whose task still runs old code. */
export const OLD_CODE_TAG = 'old code';

/** The short label beside a named task's mark while it has TIF_NOTIFY_SIGNAL (klp_send_signals()). */
export const SIGNAL_TAG = 'fake signal';

/** How a task's mark is drawn: its universe's colour; half in --old-code while it still runs old code. */
export interface MarkLook {
  state: 'none' | 'unpatched' | 'patched';
  /** TIF_PATCH_PENDING: a ring */
  ring: boolean;
  /** not on a CPU: faint */
  faint: boolean;
  /** force counted it as switched, but it still runs old code: half filled in --old-code */
  oldCode: boolean;
  /** TIF_NOTIFY_SIGNAL, the fake signal of klp_send_signals(): a bolt in the cell's corner */
  signal: boolean;
}

export function markLook(t: Pick<TaskView, 'patchState' | 'pending' | 'running' | 'oldCode'> & Partial<Pick<TaskView, 'notifySignal'>>): MarkLook {
  return {
    state: t.patchState === 1 ? 'patched' : t.patchState === 0 ? 'unpatched' : 'none',
    ring: t.pending,
    faint: !t.running,
    oldCode: t.oldCode !== null,
    signal: t.notifySignal === true,
  };
}

/**
 * The bolt drawn on a signalled task's mark: a polygon in the top right
 * corner of its cell (centred on 0,0), `size` px high, never smaller than 6.
 */
export function signalBolt(cell: number, size = Math.max(6, Math.round(cell * 0.45))): string {
  const x0 = cell / 2 - size * 0.8;
  const y0 = -cell / 2;
  const pts: [number, number][] = [
    [0.55, 0],
    [0.1, 0.58],
    [0.42, 0.58],
    [0.3, 1],
    [0.9, 0.38],
    [0.56, 0.38],
    [0.78, 0],
  ];
  return pts.map(([x, y]) => `${(x0 + x * size * 0.8).toFixed(1)},${(y0 + y * size).toFixed(1)}`).join(' ');
}

/** A task named on the picture: a focused one by its comm, one in old code also by that, a signalled one by its fake signal. */
export interface TaskName {
  i: number;
  text: string;
  focus: boolean;
  oldCode: boolean;
  signal: boolean;
}

/**
 * Which tasks are named on the picture, most important first: the focused
 * ones (in the focus's order; a comm may name several tasks), then those
 * still in old code.
 */
export function taskNames(tasks: readonly TaskView[], focusComms: readonly string[]): TaskName[] {
  const out: TaskName[] = [];
  const seen = new Set<number>();
  const add = (i: number, focus: boolean) => {
    if (seen.has(i)) return;
    seen.add(i);
    const t = tasks[i]!;
    const tags = [t.notifySignal ? SIGNAL_TAG : '', t.oldCode !== null ? OLD_CODE_TAG : ''].filter(Boolean);
    out.push({ i, text: [t.comm, ...tags].join(' · '), focus, oldCode: t.oldCode !== null, signal: t.notifySignal === true });
  };
  for (const c of focusComms) tasks.forEach((t, i) => t.comm === c && add(i, true));
  tasks.forEach((t, i) => t.oldCode !== null && add(i, false));
  return out;
}

/**
 * The task whose stack the view shows: the one the user selected, else the
 * first focused one (the story is about it: shown without a click), else none.
 */
export function shownTask(selectedIndex: number, selectedPid: number | null, tasks: readonly TaskView[], focusComms: readonly string[]): number {
  if (selectedIndex >= 0 || selectedPid !== null) return selectedIndex;
  for (const c of focusComms) {
    const i = tasks.findIndex((t) => t.comm === c);
    if (i >= 0) return i;
  }
  return -1;
}

/** The CPU number drawn on each mark: its size, and whether it fits at all. */
export interface CpuText {
  show: boolean;
  /** px: never under TEXT_MIN_REM of the root font */
  font: number;
}

/**
 * CPU digits are never smaller than 0.75rem; they grow with the mark up to
 * 1.25rem, and are shown only when the widest CPU number fits inside every
 * kind of mark.
 */
export function cpuText(mark: number, tasks: readonly Pick<TaskView, 'cpu'>[], rem: number): CpuText {
  const digits = String(tasks.reduce((m, t) => Math.max(m, t.cpu), 0)).length;
  // how many font sizes a mark must be for its digits: inside a kthread's square (0.8 of the mark), across an idle task's diamond
  const room = Math.max(1.4, (0.62 * digits + 0.4) / 0.8);
  const font = Math.max(0.75 * rem, Math.min(1.25 * rem, mark * 0.55, mark / room));
  return { show: tasks.length > 0 && mark >= font * room, font };
}

/** Seconds from `now` until virtual time `at` (both µs), or null if nothing is queued. */
export function secondsUntil(at: number | null, now: number): number | null {
  return at === null ? null : Math.max(0, (at - now) / 1e6);
}

export function formatSeconds(s: number): string {
  return `${s.toFixed(s < 10 ? 1 : 0)} s`;
}

// ---------------------------------------------------------------------------
// Synthetic systems, for tests and the frame-time benchmark

const USER_STACK = ['schedule', 'cmdline_proc_show', 'seq_read_iter', 'vfs_read', 'ksys_read', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'];
const KTHREAD_STACK = ['schedule', 'worker_thread', 'kthread', 'ret_from_fork', 'ret_from_fork_asm'];
const IDLE_STACK = ['default_idle_call', 'cpuidle_idle_call', 'do_idle', 'cpu_startup_entry', 'start_secondary', 'common_startup_64'];

/**
 * N tasks as a system mid-transition towards `target`: one idle task per
 * CPU, a quarter kthreads, the rest user tasks; exactly
 * round(n × switchedFraction) of them switched, spread at random (seeded).
 * The others have TIF_PATCH_PENDING and a blocker: idle tasks are running,
 * user tasks sleep in cmdline_proc_show, kthreads would pass the check.
 */
export function syntheticTasks(n: number, switchedFraction = 0.5, target: 0 | 1 = 1, seed = 1): TaskView[] {
  const cpus = Math.max(1, Math.min(64, Math.ceil(n / 250), n));
  const kthreads = Math.floor((n - cpus) / 4);
  const rng = new Random(seed); // the engine's seeded generator: the same system every run
  const random = () => rng.next();
  const initial: 0 | 1 = target === 1 ? 0 : 1;
  const tasks: TaskView[] = [];
  for (let i = 0; i < n; i++) {
    const idle = i < cpus;
    const kind: Kind = idle ? 'idle' : i < cpus + kthreads ? 'kthread' : 'user';
    const pid = idle ? 0 : i - cpus + 1;
    const cpu = idle ? i : pid % cpus;
    const running = idle || pid % 97 === 0;
    tasks.push({
      pid,
      comm: idle ? `swapper/${i}` : kind === 'kthread' ? `kworker/${cpu}:${pid}` : `proc-${pid}`,
      kind,
      cpu,
      state: running ? 'R' : 'S',
      running,
      patchState: initial,
      pending: true,
      notifySignal: false,
      behavior: idle ? 'idle' : kind === 'kthread' ? 'worker' : 'sleeper',
      stack: [...(idle ? IDLE_STACK : kind === 'kthread' ? KTHREAD_STACK : USER_STACK)],
      blockedBy: null,
      blocker: null,
      oldCode: null,
    });
  }
  // Fisher–Yates: the first m of a shuffled index list switch.
  const idx = tasks.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const m = Math.round(n * Math.min(1, Math.max(0, switchedFraction)));
  idx.forEach((i, rank) => {
    const t = tasks[i]!;
    if (rank < m) {
      t.patchState = target;
      t.pending = false;
    } else if (t.running) {
      t.blocker = 'running';
    } else if (t.kind === 'user') {
      t.blocker = 'sleeping';
      t.blockedBy = 'cmdline_proc_show';
    }
  });
  return tasks;
}

/** A whole KernelView around syntheticTasks(), for the view and its benchmark. */
export function syntheticView(n: number, switchedFraction = 0.5, target: 0 | 1 = 1, seed = 1): KernelView {
  const time = 3_000_000;
  return {
    time,
    transition: { state: 'running', patch: 'synthetic', target, signals: 3, nextRetryAt: time + 1_000_000, nextSignalAt: time + 12_000_000 },
    patches: [],
    funcStacks: [],
    tasks: syntheticTasks(n, switchedFraction, target, seed),
    modules: [],
    work: [],
    shadow: [],
    ftraceEnabled: true,
    cmdline: '',
    sysfs: [],
  };
}
