/**
 * Names on a picture: each label goes next to the thing it names, inside the
 * box it belongs to (its task's region), and never over another label, a
 * heading, or any mark. The labels of one box read in the order of their
 * things (top to bottom, then left to right): a label never sits above the
 * label of a thing that comes before its own.
 *
 * For each label, in that order: the first free place next to its thing
 * (right, left, below, above, then below or above pushed sideways), else
 * the cheapest free place elsewhere in its box, drawn with a leader line back
 * to the thing (cost: the distance, plus a penalty for each mark the line
 * crosses; a line never crosses another label). A label that finds no free
 * place at all is left out rather than drawn over anything: the caller then
 * makes room for it (layoutWithLabels() in task-migration.ts) and asks again.
 * Pure: widths come from the caller (measured or estimated).
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LabelRequest {
  key: string;
  text: string;
  /** the label's size, px */
  width: number;
  height: number;
  /** the centre of the thing it names, and half its size (its footprint, decorations included) */
  x: number;
  y: number;
  half: number;
  /** the box the label must stay inside (its thing's region, below the heading); the whole bounds if absent */
  within?: Box;
}

export interface PlacedLabel extends Box {
  key: string;
  text: string;
  /** the centre of the thing it names */
  anchorX: number;
  anchorY: number;
  /** placed away from the thing: draw a line back to it, from (x1, y1) on the thing's edge to (x2, y2) on the label's */
  leader: boolean;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function inside(a: Box, bounds: Box): boolean {
  return a.x >= bounds.x && a.y >= bounds.y && a.x + a.width <= bounds.x + bounds.width && a.y + a.height <= bounds.y + bounds.height;
}

/**
 * Does the segment (x1, y1)–(x2, y2) pass through the inside of box b
 * (Liang–Barsky clipping; touching an edge does not count)?
 */
export function segmentCrosses(x1: number, y1: number, x2: number, y2: number, b: Box, eps = 0.5): boolean {
  const dx = x2 - x1;
  const dy = y2 - y1;
  let t0 = 0;
  let t1 = 1;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q > 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  const l = b.x + eps;
  const r = b.x + b.width - eps;
  const t = b.y + eps;
  const bo = b.y + b.height - eps;
  if (r <= l || bo <= t) return false;
  return clip(-dx, x1 - l) && clip(dx, r - x1) && clip(-dy, y1 - t) && clip(dy, bo - y1) && t1 - t0 > 1e-9;
}

/** Positions next to the thing: right, left, below, above, then below or above pushed sideways (a thing at its box's edge). */
export function around(r: Pick<LabelRequest, 'x' | 'y' | 'half' | 'width' | 'height'>, gap: number): Box[] {
  const { x, y, half, width: w, height: h } = r;
  const d = half + gap;
  const at = (bx: number, by: number): Box => ({ x: bx, y: by, width: w, height: h });
  return [
    at(x + d, y - h / 2),
    at(x - d - w, y - h / 2),
    at(x - w / 2, y + d),
    at(x - w / 2, y - d - h),
    at(x - half, y + d),
    at(x + half - w, y + d),
    at(x - half, y - d - h),
    at(x + half - w, y - d - h),
  ];
}

/** Boxes in buckets of a uniform grid: which of them a box meets, without looking at all of them. */
class BoxIndex implements MarkIndex {
  private readonly buckets = new Map<number, number[]>();
  private readonly size: number;
  constructor(private readonly boxes: readonly Box[]) {
    let big = 0;
    for (const b of boxes) big = Math.max(big, b.width, b.height);
    this.size = Math.max(8, 2 * big);
    boxes.forEach((b, i) => this.cells(b, (k) => {
      const list = this.buckets.get(k);
      if (list) list.push(i);
      else this.buckets.set(k, [i]);
    }));
  }
  private cells(b: Box, f: (key: number) => void) {
    const s = this.size;
    const x0 = Math.floor(b.x / s);
    const x1 = Math.floor((b.x + b.width) / s);
    const y0 = Math.floor(b.y / s);
    const y1 = Math.floor((b.y + b.height) / s);
    for (let gx = x0; gx <= x1; gx++) for (let gy = y0; gy <= y1; gy++) f((gx + 32768) * 65536 + (gy + 32768));
  }
  /** indices of the boxes that overlap b */
  hits(b: Box): Set<number> {
    const out = new Set<number>();
    this.cells(b, (k) => this.buckets.get(k)?.forEach((i) => overlaps(b, this.boxes[i]!) && out.add(i)));
    return out;
  }
  any(b: Box): boolean {
    let hit = false;
    this.cells(b, (k) => {
      if (!hit) hit = this.buckets.get(k)?.some((i) => overlaps(b, this.boxes[i]!)) ?? false;
    });
    return hit;
  }
  /** how many boxes the segment crosses, leaving out `skip` */
  crossings(x1: number, y1: number, x2: number, y2: number, skip: Box | null): number {
    const bb = { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
    const near = new Set<number>();
    this.cells(bb, (k) => this.buckets.get(k)?.forEach((i) => near.add(i)));
    let n = 0;
    for (const i of near) {
      const b = this.boxes[i]!;
      if (skip && overlaps(b, skip)) continue;
      if (segmentCrosses(x1, y1, x2, y2, b)) n++;
    }
    return n;
  }
}

/** What placeLabels asks of the marks: does a box meet one, how many a leader crosses. */
export interface MarkIndex {
  any(b: Box): boolean;
  /** how many marks the segment crosses, leaving out those that meet `skip` */
  crossings(x1: number, y1: number, x2: number, y2: number, skip: Box | null): number;
}

/**
 * Marks that are all squares of one side, by their centres (x and y
 * interleaved, as a task layout keeps them): indexed in one pass over typed
 * arrays, no box made per mark. At 10,000 tasks the boxes and their buckets
 * cost the page's thread 10–15 ms a step.
 */
export class SquareIndex implements MarkIndex {
  private readonly half: number;
  private readonly size: number;
  private readonly x0: number;
  private readonly y0: number;
  private readonly nx: number;
  private readonly ny: number;
  /** bucket b's marks are items[start[b]] … items[start[b + 1] - 1] */
  private readonly start: Int32Array;
  private readonly items: Int32Array;
  constructor(
    private readonly xy: ArrayLike<number>,
    side: number,
  ) {
    const n = xy.length >> 1;
    this.half = side / 2;
    this.size = Math.max(8, 2 * side);
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i]!;
      const y = xy[2 * i + 1]!;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    this.x0 = n ? x0 : 0;
    this.y0 = n ? y0 : 0;
    this.nx = n ? Math.floor((x1 - x0) / this.size) + 1 : 0;
    this.ny = n ? Math.floor((y1 - y0) / this.size) + 1 : 0;
    const bucket = new Int32Array(n);
    this.start = new Int32Array(this.nx * this.ny + 1);
    for (let i = 0; i < n; i++) {
      const b = this.bucketOf(xy[2 * i]!, xy[2 * i + 1]!);
      bucket[i] = b;
      this.start[b + 1]!++;
    }
    for (let b = 0; b < this.nx * this.ny; b++) this.start[b + 1]! += this.start[b]!;
    const fill = this.start.slice(0, -1);
    this.items = new Int32Array(n);
    for (let i = 0; i < n; i++) this.items[fill[bucket[i]!]!++] = i;
  }
  private bucketOf(x: number, y: number): number {
    return Math.floor((y - this.y0) / this.size) * this.nx + Math.floor((x - this.x0) / this.size);
  }
  /** every mark whose square may meet box b, until `f` says stop */
  private near(b: Box, f: (i: number, sq: Box) => boolean): void {
    const s = this.size;
    const h = this.half;
    const gx0 = Math.max(0, Math.floor((b.x - h - this.x0) / s));
    const gx1 = Math.min(this.nx - 1, Math.floor((b.x + b.width + h - this.x0) / s));
    const gy0 = Math.max(0, Math.floor((b.y - h - this.y0) / s));
    const gy1 = Math.min(this.ny - 1, Math.floor((b.y + b.height + h - this.y0) / s));
    const sq: Box = { x: 0, y: 0, width: 2 * h, height: 2 * h };
    for (let gy = gy0; gy <= gy1; gy++)
      for (let gx = gx0; gx <= gx1; gx++) {
        const k = gy * this.nx + gx;
        for (let j = this.start[k]!; j < this.start[k + 1]!; j++) {
          const i = this.items[j]!;
          sq.x = this.xy[2 * i]! - h;
          sq.y = this.xy[2 * i + 1]! - h;
          if (f(i, sq)) return;
        }
      }
  }
  any(b: Box): boolean {
    let hit = false;
    this.near(b, (_, sq) => (hit = overlaps(b, sq)));
    return hit;
  }
  crossings(x1: number, y1: number, x2: number, y2: number, skip: Box | null): number {
    const bb = { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
    let n = 0;
    this.near(bb, (_, sq) => {
      if (!(skip && overlaps(sq, skip)) && segmentCrosses(x1, y1, x2, y2, sq)) n++;
      return false;
    });
    return n;
  }
}

export interface PlaceOptions {
  /** room between a thing and its label, px */
  gap?: number;
  /** things no label may cover (region headings, …) */
  obstacles?: readonly Box[];
  /** every mark's footprint (the named things' too): no label covers one; or an index of them */
  marks?: readonly Box[] | MarkIndex;
}

/** The point on box b nearest to (x, y). */
function nearestOn(b: Box, x: number, y: number): [number, number] {
  return [Math.min(Math.max(x, b.x), b.x + b.width), Math.min(Math.max(y, b.y), b.y + b.height)];
}

/** Where the segment from the centre of a square (half side `half`) towards (x, y) leaves it. */
function exitPoint(cx: number, cy: number, half: number, x: number, y: number): [number, number] {
  const dx = x - cx;
  const dy = y - cy;
  const t = Math.min(1, half / Math.max(Math.abs(dx), Math.abs(dy), 1e-9));
  return [cx + t * dx, cy + t * dy];
}

/** The order labels are placed and read in: by box, then by their things top to bottom, left to right. */
function readingOrder(requests: readonly LabelRequest[], bounds: Box): number[] {
  const w = (r: LabelRequest) => r.within ?? bounds;
  return requests
    .map((_, i) => i)
    .sort((a, b) => {
      const p = requests[a]!;
      const q = requests[b]!;
      return w(p).y - w(q).y || w(p).x - w(q).x || p.y - q.y || p.x - q.x || a - b;
    });
}

interface Ctx {
  bounds: Box;
  gap: number;
  hard: readonly Box[];
  marks: MarkIndex;
}

function placedAt(r: LabelRequest, box: Box, gap: number): PlacedLabel {
  const [x2, y2] = nearestOn(box, r.x, r.y);
  const [x1, y1] = exitPoint(r.x, r.y, r.half, x2, y2);
  const leader = Math.hypot(x2 - r.x, y2 - r.y) > r.half * Math.SQRT2 + gap + 0.5;
  return { ...box, key: r.key, text: r.text, anchorX: r.x, anchorY: r.y, leader, x1, y1, x2, y2 };
}

/** Is box b free for r: inside its box, over no obstacle, mark or label? */
function isFree(c: Ctx, r: LabelRequest, b: Box, labels: readonly Box[]): boolean {
  const within = r.within ?? c.bounds;
  return inside(b, within) && inside(b, c.bounds) && !c.hard.some((o) => overlaps(b, o)) && !labels.some((p) => overlaps(b, p)) && !c.marks.any(b);
}

/** Does a leader from r's thing to box b cross a mark (its own aside) or a label? */
function leaderBlocked(c: Ctx, r: LabelRequest, b: Box, labels: readonly Box[]): boolean {
  const [nx, ny] = nearestOn(b, r.x, r.y);
  const [sx, sy] = exitPoint(r.x, r.y, r.half, nx, ny);
  const own: Box = { x: r.x - r.half, y: r.y - r.half, width: 2 * r.half, height: 2 * r.half };
  return labels.some((p) => segmentCrosses(sx, sy, nx, ny, p)) || c.marks.crossings(sx, sy, nx, ny, own) > 0;
}

/** Positions on a grid of a third of r's height covering box w (its right and bottom edges included). */
function* scan(w: Box, width: number, height: number, step: number): Generator<[number, number]> {
  const xs: number[] = [];
  for (let x = w.x; x + width <= w.x + w.width; x += step) xs.push(x);
  if (w.width >= width) xs.push(w.x + w.width - width);
  for (let y = w.y; y + height <= w.y + w.height; y += step) for (const x of xs) yield [x, y];
  if (w.height >= height) for (const x of xs) yield [x, w.y + w.height - height];
}

/**
 * One box's labels, one at a time in reading order: the first free place
 * next to the thing, else the nearest free place whose leader crosses
 * nothing. Labels that find neither are left out.
 */
function placeGreedy(c: Ctx, group: readonly LabelRequest[], before: readonly PlacedLabel[]): PlacedLabel[] {
  const out: PlacedLabel[] = [];
  let lastTop = -Infinity;
  for (const r of group) {
    const labels = [...before, ...out];
    const minTop = lastTop - r.height / 2;
    const free = (b: Box) => b.y >= minTop && isFree(c, r, b, labels);
    let box = around(r, c.gap).find(free);
    if (!box) {
      const options: { b: Box; d: number }[] = [];
      for (const [x, y] of scan(r.within ?? c.bounds, r.width, r.height, Math.max(2, r.height / 3))) {
        const b = { x, y, width: r.width, height: r.height };
        if (!free(b)) continue;
        const [nx, ny] = nearestOn(b, r.x, r.y);
        options.push({ b, d: Math.hypot(nx - r.x, ny - r.y) });
      }
      options.sort((a, b) => a.d - b.d);
      box = options.find((o) => !leaderBlocked(c, r, o.b, labels))?.b;
    }
    if (!box) continue;
    out.push(placedAt(r, box, c.gap));
    lastTop = Math.max(lastTop, box.y);
  }
  return out;
}

/**
 * One box's labels as a column, in reading order, one under the other, each
 * with a leader that crosses nothing: for things side by side, where one
 * label next to its thing would wall the others in. The column with the
 * shortest leaders wins; null when there is none.
 */
function placeColumn(c: Ctx, group: readonly LabelRequest[], before: readonly PlacedLabel[]): PlacedLabel[] | null {
  const w = group[0]!.within ?? c.bounds;
  const width = Math.max(...group.map((r) => r.width));
  const height = group.reduce((h, r) => h + r.height, 0) + c.gap * (group.length - 1);
  let best: Box[] | null = null;
  let bestCost = Infinity;
  for (const [x, y0] of scan(w, width, height, Math.max(2, Math.min(...group.map((r) => r.height)) / 3))) {
    const boxes: Box[] = [];
    let y = y0;
    let cost = 0;
    for (const r of group) {
      const b = { x, y, width: r.width, height: r.height };
      const [nx, ny] = nearestOn(b, r.x, r.y);
      cost += Math.hypot(nx - r.x, ny - r.y);
      boxes.push(b);
      y += r.height + c.gap;
    }
    if (cost >= bestCost) continue;
    const ok = group.every((r, k) => isFree(c, r, boxes[k]!, before)) && group.every((r, k) => !leaderBlocked(c, r, boxes[k]!, [...before, ...boxes.filter((_, j) => j !== k)]));
    if (ok) [best, bestCost] = [boxes, cost];
  }
  return best && group.map((r, k) => placedAt(r, best![k]!, c.gap));
}

/**
 * Places the labels inside `bounds` (and each inside its `within`). Never
 * two labels over each other, never a label outside its box or over an
 * obstacle or a mark, never a leader across a mark or a label. Returns the
 * labels placed, in reading order; a label missing from the result found no
 * free place.
 */
export function placeLabels(requests: readonly LabelRequest[], bounds: Box, opts: PlaceOptions = {}): PlacedLabel[] {
  const c: Ctx = { bounds, gap: opts.gap ?? 3, hard: opts.obstacles ?? [], marks: opts.marks && !Array.isArray(opts.marks) ? (opts.marks as MarkIndex) : new BoxIndex((opts.marks as readonly Box[] | undefined) ?? []) };
  const groups = new Map<string, LabelRequest[]>();
  for (const i of readingOrder(requests, bounds)) {
    const r = requests[i]!;
    const w = r.within ?? bounds;
    if (r.width > w.width || r.height > w.height) continue;
    const k = `${w.x},${w.y},${w.width},${w.height}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const placed: PlacedLabel[] = [];
  for (const group of groups.values()) {
    const greedy = placeGreedy(c, group, placed);
    placed.push(...(greedy.length < group.length && group.length > 1 ? (placeColumn(c, group, placed) ?? greedy) : greedy));
  }
  return placed;
}
