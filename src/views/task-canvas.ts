/**
 * The canvas of large-system mode (more than CANVAS_THRESHOLD tasks), pure
 * and testable without a browser: which task is under the pointer, and how
 * thousands of marks go onto a 2D context in a few draw calls. Only
 * TaskCanvas.svelte imports this, and it is loaded lazily: d3-shape stays out
 * of the first paint.
 */
import { symbolCircle, symbolDiamond2, symbolSquare, type CanvasPath_D3Shape, type SymbolType } from 'd3-shape';
import type { TaskView } from '../kernel/view/types';
import { PAD, signalBolt, type Kind, type TaskLayout } from './task-migration';

/** The task whose cell holds the point (x, y), by grid arithmetic: no per-task search, no DOM. */
export function hitTest(layout: TaskLayout, x: number, y: number): number | null {
  for (let r = 0; r < layout.regions.length; r++) {
    const box = layout.regions[r]!;
    const gx = x - box.x - PAD;
    const gy = y - box.y - layout.labelHeight - PAD;
    if (gx < 0 || gy < 0) continue;
    const col = Math.floor(gx / layout.cell);
    const row = Math.floor(gy / layout.cell);
    if (col >= layout.cols || row >= layout.rows) continue;
    const i = layout.slotTask[row * layout.cols + col]!;
    return i >= 0 && layout.regionOf[i] === r ? i : null;
  }
  return null;
}

// The shapes of markShape() in task-migration.ts, as d3-shape symbols.
const KIND_SYMBOL: Record<Kind, SymbolType> = { user: symbolCircle, kthread: symbolSquare, idle: symbolDiamond2 };
/** d3 symbol sizes are areas: these make each shape span about one mark width. */
const KIND_AREA: Record<Kind, number> = { user: Math.PI / 4, kthread: 0.64, idle: 1 / (2 * 0.62625) ** 2 };

/**
 * Traces marks into a canvas path, each centred on its position. d3-shape's
 * symbols draw around 0,0, so they get a context that shifts every
 * coordinate: many times faster than a canvas setTransform per mark. Below
 * 4px every kind is a square: the shapes cannot be told apart there, and
 * rect() is the cheapest path there is.
 */
export class MarkTracer implements CanvasPath_D3Shape {
  private x = 0;
  private y = 0;
  constructor(private readonly ctx: CanvasPath_D3Shape) {}

  mark(kind: Kind, cx: number, cy: number, size: number): void {
    if (size < 4) return this.ctx.rect(cx - size / 2, cy - size / 2, size, size);
    this.x = cx;
    this.y = cy;
    KIND_SYMBOL[kind].draw(this, KIND_AREA[kind] * size * size);
  }

  arc(x: number, y: number, r: number, a0: number, a1: number, ccw?: boolean): void {
    this.ctx.arc(x + this.x, y + this.y, r, a0, a1, ccw);
  }
  arcTo(x1: number, y1: number, x2: number, y2: number, r: number): void {
    this.ctx.arcTo(x1 + this.x, y1 + this.y, x2 + this.x, y2 + this.y, r);
  }
  bezierCurveTo(a: number, b: number, c: number, d: number, x: number, y: number): void {
    this.ctx.bezierCurveTo(a + this.x, b + this.y, c + this.x, d + this.y, x + this.x, y + this.y);
  }
  closePath(): void {
    this.ctx.closePath();
  }
  ellipse(x: number, y: number, rx: number, ry: number, rot: number, a0: number, a1: number, ccw?: boolean): void {
    this.ctx.ellipse(x + this.x, y + this.y, rx, ry, rot, a0, a1, ccw);
  }
  lineTo(x: number, y: number): void {
    this.ctx.lineTo(x + this.x, y + this.y);
  }
  moveTo(x: number, y: number): void {
    this.ctx.moveTo(x + this.x, y + this.y);
  }
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void {
    this.ctx.quadraticCurveTo(cx + this.x, cy + this.y, x + this.x, y + this.y);
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.ctx.rect(x + this.x, y + this.y, w, h);
  }
}

export interface Buckets {
  /** one group per colour (patch_state) and opacity (on a CPU or not) */
  marks: { state: 'none' | 'unpatched' | 'patched'; running: boolean; idx: number[] }[];
  /** TIF_PATCH_PENDING: ringed */
  pending: number[];
  /** switched this step: haloed */
  fresh: number[];
  /** force counted them as switched, but they still run old code: half in --old-code */
  old: number[];
  /** TIF_NOTIFY_SIGNAL, klp_send_signals()' fake signal: a bolt in the cell's corner */
  signal: number[];
}

const STATE_CLASS = { '-1': 'none', '0': 'unpatched', '1': 'patched' } as const;

/** Task indices grouped by how they are painted. They change per step, not per frame. */
export function paintBuckets(tasks: readonly TaskView[], fresh: Uint8Array): Buckets {
  const groups = new Map<string, Buckets['marks'][number]>();
  const pending: number[] = [];
  const halo: number[] = [];
  const old: number[] = [];
  const signal: number[] = [];
  tasks.forEach((t, i) => {
    const state = STATE_CLASS[t.patchState];
    const key = `${state} ${t.running}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { state, running: t.running, idx: [] }));
    g.idx.push(i);
    if (t.pending) pending.push(i);
    if (fresh[i]) halo.push(i);
    if (t.oldCode !== null) old.push(i);
    if (t.notifySignal) signal.push(i);
  });
  return { marks: [...groups.values()], pending, fresh: halo, old, signal };
}

export interface Paint {
  layout: TaskLayout;
  tasks: readonly TaskView[];
  /** mark centres now (mid-move or the layout's) */
  xy: Float64Array;
  buckets: Buckets;
  hover: number;
  selected: number;
  /** the step's focused tasks: a --focus frame each */
  focused?: readonly number[];
  /** the width of a focus frame, px (the theme's --focus-width) */
  focusWidth?: number;
  /** a CSS variable's colour, e.g. color('--pending') */
  color: (name: string) => string;
}

type Context = CanvasPath_D3Shape &
  Pick<
    CanvasRenderingContext2D,
    'beginPath' | 'fill' | 'stroke' | 'strokeRect' | 'fillStyle' | 'strokeStyle' | 'lineWidth' | 'globalAlpha' | 'save' | 'restore' | 'clip'
  >;

/** Paints every mark: one path per style, one fill or stroke each, a few draw calls for thousands of marks. */
export function paintMarks(ctx: Context, p: Paint): void {
  const { layout: L, tasks, xy, buckets } = p;
  const tracer = new MarkTracer(ctx);
  const trace = (idx: readonly number[], size: number, round = false) => {
    ctx.beginPath();
    for (const i of idx) tracer.mark(round ? 'user' : tasks[i]!.kind, xy[2 * i]!, xy[2 * i + 1]!, size);
  };
  ctx.globalAlpha = 1;
  if (buckets.fresh.length) {
    trace(buckets.fresh, L.cell, true);
    ctx.fillStyle = p.color('--highlight');
    ctx.fill();
  }
  for (const b of buckets.marks) {
    const c = p.color(b.state === 'none' ? '--muted' : `--${b.state}`);
    trace(b.idx, L.mark);
    ctx.globalAlpha = b.running ? 1 : 0.35;
    ctx.fillStyle = c;
    ctx.fill();
    ctx.globalAlpha = 1;
    // Faint marks keep a solid outline where there is room for one.
    if (!b.running && L.mark >= 5) {
      ctx.strokeStyle = c;
      ctx.lineWidth = 1;
      ctx.stroke();
    }
  }
  // Still in old code: the left half of the mark in --old-code (a clip per task; there are few).
  for (const i of buckets.old) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(xy[2 * i]! - L.cell / 2, xy[2 * i + 1]! - L.cell / 2, L.cell / 2, L.cell);
    ctx.clip();
    trace([i], L.mark);
    ctx.fillStyle = p.color('--old-code');
    ctx.fill();
    ctx.restore();
  }
  // The fake signal: a bolt in the top right corner of the cell, one path for all of them.
  if (buckets.signal.length && L.cell >= 6) {
    ctx.beginPath();
    for (const i of buckets.signal) {
      const pts = signalBolt(L.cell)
        .split(' ')
        .map((p) => p.split(',').map(Number) as [number, number]);
      pts.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(xy[2 * i]! + x, xy[2 * i + 1]! + y) : ctx.lineTo(xy[2 * i]! + x, xy[2 * i + 1]! + y)));
      ctx.closePath();
    }
    ctx.fillStyle = p.color('--accent');
    ctx.fill();
  }
  if (buckets.pending.length) {
    trace(buckets.pending, L.ring);
    ctx.strokeStyle = p.color('--pending');
    ctx.lineWidth = Math.max(1, L.cell / 8);
    ctx.stroke();
  }
  const frames: [number, string, number][] = [
    ...(p.focused ?? []).map((i): [number, string, number] => [i, '--focus', p.focusWidth ?? 3]),
    [p.hover, '--fg', 1],
    [p.selected, '--focus', 2],
  ];
  for (const [i, name, width] of frames) {
    if (i < 0 || i >= tasks.length) continue;
    ctx.strokeStyle = p.color(name);
    ctx.lineWidth = width;
    ctx.strokeRect(xy[2 * i]! - L.cell / 2 - 1, xy[2 * i + 1]! - L.cell / 2 - 1, L.cell + 2, L.cell + 2);
  }
}
