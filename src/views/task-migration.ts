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
import { MAINLINE } from '../kernel/release/releases';
import { easeCubicInOut } from 'd3-ease';
import { lerp, lerpArray } from './motion';
import { Random } from '../kernel/world/random';
import { placeLabels, SquareIndex, type Box, type LabelRequest, type PlacedLabel } from './labels';
import { middle } from './text';
import type { KernelView, TaskView, TransitionView } from '../kernel/view/types';
// By file, not the catalogue's index: this view is first-paint code, the whole catalogue is not.
import { LIVEPATCH_TRANSITION as TRANSITION } from '../kernel/words/kernel/livepatch/transition';
import { body } from '../kernel/words/say';

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
 * The universe (0 unpatched / 1 patched: KLP_TRANSITION_UNPATCHED / _PATCHED since 6.10, KLP_UNPATCHED / KLP_PATCHED before) a task's code comes from,
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

export const STATE_NAME: Record<0 | 1, { name: string }> = { 0: { name: 'unpatched' }, 1: { name: 'patched' } };

/** `-1 (KLP_TRANSITION_IDLE)`: a patch_state and its constant as the release spells it (TransitionView.names). */
export const stateWord = (s: KlpState, names: TransitionView['names']) => `${s} (${names[s + 1]})`;

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
  // A view's task list never changes once made: the step before's keys are this step's `prev` keys.
  let keys = keysOf.get(tasks);
  if (!keys) keysOf.set(tasks, (keys = computeKeys(tasks)));
  return keys;
}

const keysOf = new WeakMap<readonly object[], string[]>();

function computeKeys(tasks: readonly Pick<TaskView, 'comm' | 'pid'>[]): string[] {
  // Only tasks that share a pid can share a key (the idle tasks, pid 0): pids are marked in a
  // byte array, and only a pid met again counts its keys. The keys themselves are strings made
  // once per task (baseKey), so a step whose tasks are all new objects (from a checkpoint)
  // compares and hashes them cheaply.
  const keys = new Array<string>(tasks.length);
  let top = 0;
  for (const t of tasks) if (t.pid > top) top = t.pid;
  const met = top < 1 << 23 ? new Uint8Array(top + 1) : null;
  const metSet = met ? null : new Set<number>();
  /** for each pid met again: how many tasks so far have each of its keys */
  let shared: Map<number, Map<string, number>> | null = null;
  for (let i = 0; i < tasks.length; i++) {
    const { comm, pid } = tasks[i]!;
    const base = baseKey(comm, pid);
    if (met ? met[pid] === 0 : !metSet!.has(pid)) {
      if (met) met[pid] = 1;
      else metSet!.add(pid);
      keys[i] = base;
      continue;
    }
    shared ??= new Map();
    let counts = shared.get(pid);
    if (!counts) {
      // The pid's second task: the one before is its first.
      counts = new Map();
      for (let j = 0; j < i; j++) if (tasks[j]!.pid === pid) counts.set(keys[j]!, 1);
      shared.set(pid, counts);
    }
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    keys[i] = n === 0 ? base : `${base}#${n}`;
  }
  return keys;
}

/** `comm:pid`, the same string for the same task from view to view. */
function baseKey(comm: string, pid: number): string {
  const made = madeKeys.get(pid);
  if (made?.comm === comm) return made.key;
  if (madeKeys.size >= MADE_KEYS_MAX) madeKeys.clear();
  const key = `${comm}:${pid}`;
  // Idle tasks share pid 0: theirs are made each time (a few, and cheap).
  if (pid !== 0) madeKeys.set(pid, { comm, key });
  return key;
}

const madeKeys = new Map<number, { comm: string; key: string }>();
/** A bound: pids of machines opened one after another should not pile up. */
const MADE_KEYS_MAX = 100_000;

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
  /** "unpatched · patch_state 0", or the neutral label */
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
  /**
   * side of a mark's footprint, its decorations (ring, focus frame) included:
   * a px less than the cell, so neighbours never touch. Names keep off it.
   */
  foot: number;
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
  /**
   * Room for names: px of free space below the grid row of a task (task
   * index → px), in its region; in fit mode the cells shrink to make it.
   * layoutWithLabels() asks for it when a name finds no free place.
   */
  labelRoom?: ReadonlyMap<number, number>;
  /**
   * During a transition, the width of a region that holds no task (side by
   * side) — the other one gets the rest, for bigger marks. Stacked, such a
   * region is as high as its heading. Absent: both regions are the same size.
   */
  emptyWidth?: number;
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

/**
 * Fit mode: regions side by side or stacked, whichever gives the bigger cell
 * (side by side on a tie). `extra` px of the grid's height are room for
 * names; `empty`, the index of a region with no task whose size shrinks to
 * `emptyWidth` (side by side) or its heading (stacked), or -1.
 */
function fitArrangement(
  groups: readonly number[],
  width: number,
  height: number,
  labelHeight: number,
  transition: boolean,
  maxCell: number,
  extra: number,
  emptyWidth: number | null,
): { stacked: boolean; cell: number } {
  const grid = (h: number) => h - labelHeight - 2 * PAD - extra;
  if (!transition) return { stacked: false, cell: fitCell(groups, width - 2 * PAD, grid(height), maxCell) };
  const sideWidth = emptyWidth === null ? Math.floor((width - GAP) / 2) : width - GAP - emptyWidth;
  const stackHeight = emptyWidth === null ? Math.floor((height - GAP) / 2) : height - GAP - emptyHeight(labelHeight);
  const side = fitCell(groups, sideWidth - 2 * PAD, grid(height), maxCell);
  const stack = fitCell(groups, width - 2 * PAD, grid(stackHeight), maxCell);
  return stack > side ? { stacked: true, cell: stack } : { stacked: false, cell: side };
}

/** The height of a region with no task, stacked in fit mode: its heading and a little room. */
function emptyHeight(labelHeight: number): number {
  return labelHeight + 2 * PAD;
}

export function layoutTasks(tasks: readonly TaskView[], tr: TransitionLike, opts: LayoutOptions = {}): TaskLayout {
  const width = Math.max(120, Math.floor(opts.width ?? 640));
  const maxGridHeight = opts.maxGridHeight ?? 420;
  const labelHeight = opts.labelHeight ?? 40;
  const n = tasks.length;
  const transition = inTransition(tr);
  const order = sortedOrder(tasks);
  const groups = KINDS.map((k) => tasks.filter((t) => t.kind === k).length).filter((c) => c > 0);
  const room = opts.labelRoom ?? new Map<number, number>();
  /** task index → its region (0, 1) */
  const regionIndex = (i: number) => Math.max(0, universeOf(tasks[i]!, tr));
  // room for names goes in the region of their tasks only: the grid needs the larger region's
  const extraIn = [0, 0];
  for (const [i, px] of room) if (i >= 0 && i < n) extraIn[regionIndex(i)]! += Math.max(0, px);
  const extra = Math.max(extraIn[0]!, extraIn[1]!);
  // A region with no task during a transition (fit mode, or when asked): it shrinks, the other grows.
  const counts = [0, 0];
  if (transition) for (const t of tasks) counts[universeOf(t, tr) as 0 | 1]!++;
  const empty = transition && n > 0 && opts.emptyWidth !== undefined ? counts.indexOf(0) : -1;
  const emptyWidth = empty >= 0 ? Math.max(PAD * 2 + 20, Math.min(Math.floor((width - GAP) / 2), Math.floor(opts.emptyWidth!))) : null;
  const fit =
    opts.height !== undefined
      ? fitArrangement(groups, width, Math.floor(opts.height), labelHeight, transition, opts.maxCell ?? Infinity, extra, emptyWidth)
      : null;

  const stacked = fit ? fit.stacked : transition && width < STACK_BELOW;
  const half = Math.floor((width - GAP) / 2);
  /** the width of region r (0, 1) */
  const widthOf = (r: number) =>
    !transition || stacked ? width : emptyWidth === null ? half : r === empty ? emptyWidth : width - GAP - emptyWidth;
  // the grid: as wide as the region that holds tasks
  const inner = widthOf(empty === 0 ? 1 : 0) - 2 * PAD;
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
  const foot = Math.max(mark, cell - 1);

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

  // Room for names below the rows of the tasks that asked for it, in their region: rowTop[g][r] is row r's top in region g's grid.
  const rowTop = [0, 1].map((g) => {
    const below = new Float64Array(rows);
    for (const [i, px] of room) if (i >= 0 && i < n && regionIndex(i) === g) below[Math.floor(slotOf[i]! / cols)]! += Math.max(0, px);
    const top = new Float64Array(rows + 1);
    for (let r = 0; r < rows; r++) top[r + 1] = top[r]! + cell + below[r]!;
    return top;
  });
  const gridHeight = Math.max(rowTop[0]![rows]!, rowTop[1]![rows]!);

  // In fit mode the regions reach down to the bottom of the box (or further, when even MIN_CELL does not fit).
  const boxHeight = opts.height === undefined ? 0 : Math.floor(stacked ? (emptyWidth === null ? (opts.height - GAP) / 2 : opts.height - GAP - emptyHeight(labelHeight)) : opts.height);
  const regionHeight = Math.max(labelHeight + gridHeight + 2 * PAD, boxHeight);
  const heightOf = (r: number) => (stacked && r === empty ? emptyHeight(labelHeight) : regionHeight);
  const regions: RegionBox[] = [];
  if (!transition) {
    regions.push({ state: -1, role: 'neutral', label: neutralLabel(tasks), x: 0, y: 0, width: widthOf(0), height: regionHeight });
  } else {
    for (const state of [0, 1] as const) {
      const prev = regions[regions.length - 1];
      regions.push({
        state,
        role: state === tr.target ? 'target' : 'initial',
        // The constant (KLP_TRANSITION_UNPATCHED) is too long for a box's heading: the detail panel names it.
        label: `${STATE_NAME[state].name} · patch_state ${state}`,
        x: stacked || !prev ? 0 : prev.x + prev.width + GAP,
        y: !stacked || !prev ? 0 : prev.y + prev.height + GAP,
        width: widthOf(state),
        height: heightOf(state),
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
    xy[2 * i + 1] = box.y + labelHeight + PAD + rowTop[r]![Math.floor(slot / cols)]! + cell / 2;
  }

  const last = regions[regions.length - 1]!;
  return {
    width: last.x + last.width,
    height: Math.max(...regions.map((r) => r.y + r.height)),
    cell,
    mark,
    ring,
    foot,
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
// Names on the layout

/** A task to name on the picture. */
export interface NameSpec {
  i: number;
  text: string;
}

/** How big a name is drawn: the label's height, px per character (monospace), padding on each side. */
export interface NameMetrics {
  height: number;
  charPx: number;
  padX: number;
  /** room between a mark's footprint and its label, px */
  gap?: number;
}

/** The footprint of task i's mark (its cell, a px less): no name covers it. */
export function footprint(l: TaskLayout, i: number): Box {
  const h = l.foot / 2;
  return { x: l.xy[2 * i]! - h, y: l.xy[2 * i + 1]! - h, width: l.foot, height: l.foot };
}

/** A region below its heading: where the names of its tasks go. */
export function regionBody(l: TaskLayout, r: number): Box {
  const b = l.regions[r]!;
  return { x: b.x + 1, y: b.y + l.labelHeight, width: b.width - 2, height: b.height - l.labelHeight - 1 };
}

/** The label requests for named tasks on a layout: each shortened to fit its region, kept inside it. */
export function nameRequests(l: TaskLayout, keys: readonly string[], names: readonly NameSpec[], m: NameMetrics): LabelRequest[] {
  return names.map((n) => {
    const r = l.regionOf[n.i]!;
    const within = regionBody(l, r);
    const maxChars = Math.max(4, Math.floor((within.width - 2 * PAD - 2 * m.padX - 2) / m.charPx));
    const text = middle(n.text, maxChars);
    return {
      key: keys[n.i]!,
      text,
      width: Math.ceil(text.length * m.charPx + 2 * m.padX + 2),
      height: m.height,
      x: l.xy[2 * n.i]!,
      y: l.xy[2 * n.i + 1]!,
      half: l.foot / 2,
      within,
    };
  });
}

export interface LabelledLayout {
  layout: TaskLayout;
  labels: (PlacedLabel & { i: number })[];
  /** the room made for names (task index → px below its row) */
  room: Map<number, number>;
}

/**
 * The layout with its names placed: no name over a mark, a heading or
 * another name, each inside its task's region (placeLabels()). A name that
 * finds no free place gets room made for it, a label's height below its
 * task's row (in fit mode the cells shrink for it), and all are placed
 * again; six rounds at most.
 */
export function layoutWithLabels(
  tasks: readonly TaskView[],
  tr: TransitionLike,
  opts: LayoutOptions,
  names: readonly NameSpec[],
  m: NameMetrics,
  keys: readonly string[] = taskKeys(tasks),
): LabelledLayout {
  const gap = m.gap ?? 3;
  const room = new Map<number, number>(opts.labelRoom ?? []);
  const byKey = new Map(names.map((n) => [keys[n.i]!, n.i]));
  for (let round = 0; ; round++) {
    const layout = layoutTasks(tasks, tr, { ...opts, labelRoom: room });
    if (names.length === 0) return { layout, labels: [], room };
    const requests = nameRequests(layout, keys, names, m);
    const headings = layout.regions.map((r) => ({ x: r.x, y: r.y, width: r.width, height: layout.labelHeight }));
    const marks = new SquareIndex(layout.xy, layout.foot);
    const placed = placeLabels(requests, { x: 0, y: 0, width: layout.width, height: layout.height }, { gap, obstacles: headings, marks });
    const labels = placed.map((p) => ({ ...p, i: byKey.get(p.key)! }));
    const missing = names.filter((n) => !placed.some((p) => p.key === keys[n.i]));
    if (missing.length === 0 || round === 6) return { layout, labels, room };
    for (const n of missing) room.set(n.i, (room.get(n.i) ?? 0) + m.height + 2 * gap);
  }
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
export function startPositions(shownKeys: readonly string[], shown: Float64Array, keys: readonly string[], next: Float64Array): Float64Array {
  const from = new Float64Array(next.length);
  // Mostly every task is where it was in the list: a map by key only once one is not.
  let byKey: Map<string, number> | null = null;
  for (let i = 0; i < keys.length; i++) {
    let j: number | undefined = i;
    if (shownKeys[i] !== keys[i]) j = (byKey ??= new Map(shownKeys.map((k, n) => [k, n]))).get(keys[i]!);
    const ok = j !== undefined && 2 * j + 1 < shown.length;
    from[2 * i] = ok ? shown[2 * j!]! : next[2 * i]!;
    from[2 * i + 1] = ok ? shown[2 * j! + 1]! : next[2 * i + 1]!;
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
  /** the keys of the tasks shown, in the order of `shown` */
  private keys: readonly string[] = [];
  private step: unknown = undefined;
  private to: Float64Array | null = null;
  private raf = 0;
  /**
   * @param later a move's first frame is drawn by the first animation frame, not in the task that
   *   starts it (the canvas: a paint of 10,000 marks less in the task that takes a step in)
   */
  constructor(
    private readonly draw: (xy: Float64Array) => void,
    private readonly later = false,
  ) {}

  /** A move is under way: its next frame draws. */
  get moving(): boolean {
    return this.raf !== 0;
  }

  go(step: unknown, keys: readonly string[], to: Float64Array): void {
    // Asked again for what it shows or is moving to (an effect that ran again for another reason):
    // at 10,000 tasks a repaint is 10-25 ms for nothing, and a move under way goes on.
    if (step === this.step && keys === this.keys && to === this.to) return;
    this.to = to;
    this.stop();
    const animate = this.step !== undefined && step !== this.step && !reducedMotion();
    this.step = step;
    // Nothing shown yet (a first look): nothing to start from.
    const from = this.shown.length === 0 ? to : startPositions(this.keys, this.shown, keys, to);
    this.keys = keys;
    if (!animate || samePositions(from, to)) return this.show(to);
    const tween = lerpArray(from, to);
    const t0 = performance.now();
    if (this.later) this.shown = from;
    else this.show(from);
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
    this.keys = [];
    this.step = undefined;
    this.to = null;
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
  // Mostly the very same row at the same place (a view's unchanged tasks are the last view's objects, protocol.ts).
  // Else mostly the same task at the same place; a map by key only for the others.
  const prevKeys = taskKeys(prev);
  let before: Map<string, KlpState> | null = null;
  for (let i = 0; i < tasks.length; i++) {
    if (prev[i] === tasks[i]) continue;
    let was: KlpState | undefined;
    if (prevKeys[i] === keys[i]) was = prev[i]!.patchState;
    else {
      if (!before) {
        before = new Map();
        for (let j = 0; j < prev.length; j++) before.set(prevKeys[j]!, prev[j]!.patchState);
      }
      was = before.get(keys[i]!);
    }
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

/** A line of a shortened call stack: frame j, or a line standing for `count` frames left out. */
export type StackLine = { kind: 'frame'; j: number } | { kind: 'more'; count: number; end: boolean };

/**
 * The lines of a call stack of `n` frames shown in at most `limit` lines:
 * all of it when it fits; else the innermost frames, as many as fit with a
 * last line "… N more frames". The frames in `keep` (the one the step is
 * about) are always shown, with a line for the frames skipped before them;
 * they alone may exceed the limit.
 */
export function stackWindow(n: number, keep: readonly number[], limit: number): StackLine[] {
  const kept = [...new Set(keep.filter((j) => j >= 0 && j < n))].sort((a, b) => a - b);
  const lines = (top: number): StackLine[] => {
    const out: StackLine[] = [];
    let hidden = 0;
    // a line for one frame takes the room of the frame itself: show the frame
    const skip = (j: number, end: boolean) => out.push(hidden === 1 ? { kind: 'frame', j: j - 1 } : { kind: 'more', count: hidden, end });
    for (let j = 0; j < n; j++) {
      if (j < top || kept.includes(j)) {
        if (hidden) skip(j, false);
        hidden = 0;
        out.push({ kind: 'frame', j });
      } else hidden++;
    }
    if (hidden) skip(n, true);
    return out;
  };
  if (n <= limit) return lines(n);
  for (let top = Math.max(0, Math.floor(limit)); top >= 0; top--) {
    const l = lines(top);
    if (l.length <= limit) return l;
  }
  return lines(0);
}

/** The words of a line standing for frames left out. */
export function moreFrames(line: { count: number; end: boolean }): string {
  return `… ${line.count}${line.end ? ' more' : ''} frame${line.count === 1 ? '' : 's'}`;
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
    case 'no-reliable-stack':
      return 'no reliable stacks';
    default:
      return 'stack check passes';
  }
}

/** What the transition code would print about the task now (semantics.md §2.8). */
export function blockerText(t: TaskView, tr: Pick<TransitionView, 'patch' | 'target' | 'names'>): string {
  if (!inTransition(tr))
    return t.oldCode === null
      ? `No transition: patch_state is ${stateWord(-1, tr.names)}.`
      : `No transition, but force switched it as it was: it still runs the old ${t.oldCode} until it returns from it.`;
  if (t.patchState === tr.target && t.oldCode !== null)
    return `Switched by force: patch_state ${t.patchState}, the target, but it still runs the old ${t.oldCode} until it returns from it.`;
  if (t.patchState === tr.target) return `Switched: patch_state ${t.patchState}, the target.`;
  switch (t.blocker) {
    // The kernel's own debug lines (klp_try_switch_task()), as the log prints them on a retry.
    case 'running':
      return body(TRANSITION.running, { comm: t.comm, pid: t.pid });
    case 'unreliable':
      return body(TRANSITION.unreliable, { comm: t.comm, pid: t.pid });
    case 'sleeping':
      return body(TRANSITION.sleeping, { comm: t.comm, pid: t.pid, function: t.blockedBy ?? '' });
    case 'no-reliable-stack':
      return 'klp_have_reliable_stack() is false: no stack check; it switches on its way to user space or in the idle loop.';
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
export function summarize(tasks: readonly TaskView[], tr: Pick<TransitionView, 'patch' | 'target' | 'names'>, maxNames = 6): Summary {
  const total = tasks.length;
  const pending = tasks.filter((t) => t.pending);
  const old = oldCodeLine(tasks);
  if (!inTransition(tr)) {
    return {
      total,
      counts: [total],
      switched: 0,
      pending,
      line: `${total} tasks; no transition in progress, patch_state is ${stateWord(-1, tr.names)} everywhere${old ? ` · ${old}` : '.'}`,
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
    transition: { state: 'running', patch: 'synthetic', target, signals: 3, nextRetryAt: time + 1_000_000, nextSignalAt: time + 12_000_000, names: ['KLP_TRANSITION_IDLE', 'KLP_TRANSITION_UNPATCHED', 'KLP_TRANSITION_PATCHED'] },
    patches: [],
    funcStacks: [],
    tasks: syntheticTasks(n, switchedFraction, target, seed),
    modules: [],
    work: [],
    shadow: [],
    ftraceEnabled: true,
    kernel: { release: MAINLINE, registerApi: false, autoSignals: true, patchFiles: ['enabled', 'transition', 'force', 'replace', 'stack_order'] },
    cmdline: '',
    sysfs: [],
  };
}
