/**
 * Names on a picture: each label goes next to the thing it names, inside the
 * picture, never over another label, and preferably not over the other
 * named things or other marks. Greedy, in the order given (the most
 * important first): the cheapest free place among the positions around the
 * thing (covering the fewest named things, then marks), then the nearest
 * free place anywhere (drawn with a leader line back to the thing); a label
 * that finds no free place at all is left out rather than drawn over another.
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
  /** the centre of the thing it names, and half its size */
  x: number;
  y: number;
  half: number;
  /** where the label reads best (the thing's own region): places inside it come first */
  prefer?: Box;
}

export interface PlacedLabel extends Box {
  key: string;
  text: string;
  /** the centre of the thing it names */
  anchorX: number;
  anchorY: number;
  /** placed away from the thing: draw a line back to it */
  leader: boolean;
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function inside(a: Box, bounds: Box): boolean {
  return a.x >= bounds.x && a.y >= bounds.y && a.x + a.width <= bounds.x + bounds.width && a.y + a.height <= bounds.y + bounds.height;
}

/** Positions next to the thing: right, left, below, above, then the corners. */
function around(r: LabelRequest, gap: number): Box[] {
  const { x, y, half, width: w, height: h } = r;
  const d = half + gap;
  const at = (bx: number, by: number): Box => ({ x: bx, y: by, width: w, height: h });
  return [
    at(x + d, y - h / 2),
    at(x - d - w, y - h / 2),
    at(x - w / 2, y + d),
    at(x - w / 2, y - d - h),
    at(x + d, y + d),
    at(x - d - w, y + d),
    at(x + d, y - d - h),
    at(x - d - w, y - d - h),
    // below or above, pushed sideways: a thing at the picture's edge
    at(x - half, y + d),
    at(x + half - w, y + d),
    at(x - half, y - d - h),
    at(x + half - w, y - d - h),
  ];
}

export interface PlaceOptions {
  /** room between a thing and its label, px */
  gap?: number;
  /** things no label may cover (region headings, …) */
  obstacles?: readonly Box[];
  /** things a label had better not cover (the other marks): among the places next to a thing, the one covering fewest wins */
  clutter?: readonly Box[];
}

/**
 * Places the labels inside `bounds`. Never two labels over each other, never
 * a label outside bounds or over an obstacle; a label over a named thing
 * (one of the requests) only when there is no other place.
 */
export function placeLabels(requests: readonly LabelRequest[], bounds: Box, opts: PlaceOptions = {}): PlacedLabel[] {
  const gap = opts.gap ?? 3;
  const hard = [...(opts.obstacles ?? [])];
  const things: Box[] = requests.map((r) => ({ x: r.x - r.half, y: r.y - r.half, width: 2 * r.half, height: 2 * r.half }));
  const placed: PlacedLabel[] = [];
  const free = (b: Box, avoidThings: boolean, self: number) =>
    inside(b, bounds) &&
    !hard.some((o) => overlaps(b, o)) &&
    !placed.some((p) => overlaps(b, p)) &&
    (!avoidThings || !things.some((t, j) => j !== self && overlaps(b, t)));

  const clutter = opts.clutter ?? [];
  /** what a place next to the thing costs: covering a named thing, then other marks, then leaving its region */
  const cost = (b: Box, self: number, prefer: Box | undefined) =>
    100 * things.filter((t, j) => j !== self && overlaps(b, t)).length +
    clutter.filter((c) => overlaps(b, c) && !overlaps(c, things[self]!)).length +
    (prefer && !inside(b, prefer) ? 0.5 : 0);

  requests.forEach((r, i) => {
    if (r.width > bounds.width || r.height > bounds.height) return;
    let box: Box | undefined;
    let best = Infinity;
    for (const b of around(r, gap)) {
      if (!free(b, false, i)) continue;
      const c = cost(b, i, r.prefer);
      if (c < best) [box, best] = [b, c];
    }
    let leader = false;
    if (!box) {
      // The nearest free place anywhere, on a grid of half a label's height.
      const step = Math.max(2, r.height / 2);
      let best: Box | undefined;
      let bestD = Infinity;
      for (let by = bounds.y; by + r.height <= bounds.y + bounds.height; by += step) {
        for (let bx = bounds.x; bx + r.width <= bounds.x + bounds.width; bx += step) {
          const b = { x: bx, y: by, width: r.width, height: r.height };
          if (!free(b, false, i)) continue;
          const d = Math.hypot(bx + r.width / 2 - r.x, by + r.height / 2 - r.y) + (free(b, true, i) ? 0 : r.height);
          if (d < bestD) [best, bestD] = [b, d];
        }
      }
      box = best;
      leader = true;
    }
    if (box) placed.push({ ...box, key: r.key, text: r.text, anchorX: r.x, anchorY: r.y, leader });
  });
  return placed;
}
