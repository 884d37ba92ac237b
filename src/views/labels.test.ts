/**
 * Names on the picture: placeLabels() on its own, then the task-migration
 * layout with its names (layoutWithLabels()) in the situations a review
 * found broken and in random ones. A name never covers a mark, a heading or
 * another name, stays inside its task's region and reads in order.
 */
import { describe, expect, it } from 'vitest';
import { around, inside, overlaps, placeLabels, segmentCrosses, SquareIndex, type Box, type LabelRequest } from './labels';
import { footprint, layoutWithLabels, regionBody, syntheticTasks, taskKeys, taskNames, type LabelledLayout, type NameMetrics } from './task-migration';
import { NONE, PATCHING, task } from './task-fixtures';
import { Random } from '../kernel/world/random';
import type { TaskView } from '../kernel/view/types';

const req = (key: string, x: number, y: number, width = 80, height = 18, half = 10, within?: Box): LabelRequest => ({
  key,
  text: key,
  x,
  y,
  width,
  height,
  half,
  ...(within ? { within } : {}),
});
const bounds: Box = { x: 0, y: 0, width: 400, height: 300 };
const thing = (r: LabelRequest): Box => ({ x: r.x - r.half, y: r.y - r.half, width: 2 * r.half, height: 2 * r.half });

function expectApart(placed: readonly Box[], others: readonly Box[] = []) {
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) expect(overlaps(placed[i]!, placed[j]!), `labels ${i} and ${j} overlap`).toBe(false);
    for (const o of others) expect(overlaps(placed[i]!, o), `label ${i} covers ${JSON.stringify(o)}`).toBe(false);
  }
}

describe('placeLabels', () => {
  it('puts a label right of its mark when there is room, left of it at the right edge', () => {
    const [a, b] = placeLabels([req('a', 50, 50), req('b', 390, 200)], bounds);
    expect(a!.x).toBeGreaterThan(50);
    expect(Math.abs(a!.y + a!.height / 2 - 50)).toBeLessThan(1);
    expect(a!.leader).toBe(false);
    expect(b!.x + b!.width).toBeLessThan(390);
  });

  it('tries right, left, below, above, in that order', () => {
    const r = req('a', 200, 150);
    const [right, left, below, above] = around(r, 3);
    const wall = (b: Box) => ({ ...b, x: b.x + 1, y: b.y + 1, width: 2, height: 2 });
    expect(placeLabels([r], bounds)[0]).toMatchObject(right!);
    expect(placeLabels([r], bounds, { marks: [wall(right!)] })[0]).toMatchObject(left!);
    expect(placeLabels([r], bounds, { marks: [wall(right!), wall(left!)] })[0]).toMatchObject(below!);
    expect(placeLabels([r], bounds, { marks: [wall(right!), wall(left!), wall(below!)] })[0]).toMatchObject(above!);
  });

  it('never covers a mark, an obstacle or another label, and stays in its box, even when marks crowd', () => {
    const requests = Array.from({ length: 12 }, (_, i) => req(`t${i}`, 200 + (i % 4) * 24, 150 + Math.floor(i / 4) * 24, 70, 18, 10));
    const marks = requests.map(thing);
    const heading = { x: 0, y: 0, width: 400, height: 40 };
    const placed = placeLabels(requests, bounds, { marks, obstacles: [heading] });
    // the ones walled in by the others find no place: the layout makes room for them (below)
    expect(placed.length).toBeGreaterThanOrEqual(6);
    expectApart(placed, [...marks, heading]);
    for (const p of placed) expect(inside(p, bounds)).toBe(true);
  });

  it('keeps a label inside its own box, even when the next box has room beside the mark', () => {
    const left = { x: 0, y: 0, width: 100, height: 300 };
    const [a] = placeLabels([req('a', 90, 150, 80, 18, 10, left)], bounds);
    expect(inside(a!, left)).toBe(true);
  });

  it('reads in order: the label of an earlier mark is never below a later one', () => {
    // three marks side by side, walled in by the box's left edge and a heading above
    const within = { x: 0, y: 40, width: 300, height: 200 };
    const requests = [1, 2, 3].map((k) => req(`swapper/${k}`, 16 + (k - 1) * 21, 56, 80, 22, 10, within));
    const marks = requests.map(thing);
    const placed = placeLabels(requests, bounds, { marks, obstacles: [{ x: 0, y: 0, width: 300, height: 40 }] });
    expect(placed.map((p) => p.key)).toEqual(['swapper/1', 'swapper/2', 'swapper/3']);
    expectApart(placed, marks);
    for (let i = 1; i < placed.length; i++) expect(placed[i]!.y).toBeGreaterThanOrEqual(placed[i - 1]!.y - 11);
    // leaders never cross another label or a mark
    for (const p of placed.filter((q) => q.leader))
      for (const o of [...placed.filter((q) => q !== p), ...marks.filter((m) => !overlaps(m, thing(requests.find((r) => r.key === p.key)!)))])
        expect(segmentCrosses(p.x1, p.y1, p.x2, p.y2, o)).toBe(false);
  });

  it('leaves out a label with no free place rather than covering anything', () => {
    const tiny = { x: 0, y: 0, width: 100, height: 40 };
    const placed = placeLabels([req('a', 50, 20, 90, 18), req('b', 50, 20, 90, 18), req('c', 50, 20, 90, 18)], tiny, { gap: 0 });
    expectApart(placed);
    expect(placed.length).toBeLessThanOrEqual(2);
    expect(placeLabels([req('wide', 10, 10, 500)], tiny)).toEqual([]);
  });

  it('finds whether a segment crosses a box', () => {
    const b = { x: 10, y: 10, width: 10, height: 10 };
    expect(segmentCrosses(0, 15, 30, 15, b)).toBe(true);
    expect(segmentCrosses(0, 0, 30, 5, b)).toBe(false);
    expect(segmentCrosses(0, 0, 9, 9, b)).toBe(false);
    expect(segmentCrosses(15, 15, 15, 16, b)).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// The task migration view's names

/** Everything a review checks on a layout with names. */
function expectClean(res: LabelledLayout, tasks: readonly TaskView[], names: number, m: NameMetrics, all = true) {
  const { layout: l, labels } = res;
  if (all) expect(labels, 'every name placed').toHaveLength(names);
  const feet = tasks.map((_, i) => footprint(l, i));
  // marks never overlap each other
  for (let i = 0; i < feet.length; i++)
    for (let j = i + 1; j < feet.length; j++) expect(overlaps(feet[i]!, feet[j]!), `marks ${i} and ${j} overlap`).toBe(false);
  const headings = l.regions.map((r) => ({ x: r.x, y: r.y, width: r.width, height: l.labelHeight }));
  expectApart(labels, [...feet, ...headings]);
  for (const p of labels) {
    // inside its own task's region, below the heading
    expect(inside(p, regionBody(l, l.regionOf[p.i]!)), `${p.text} outside its region`).toBe(true);
    if (p.leader) for (const o of labels) if (o !== p) expect(segmentCrosses(p.x1, p.y1, p.x2, p.y2, o), `${p.text}'s leader crosses ${o.text}`).toBe(false);
  }
  // reading order within a region: a later task's label never clearly above an earlier one's
  for (const a of labels)
    for (const b of labels) {
      if (a === b || l.regionOf[a.i] !== l.regionOf[b.i]) continue;
      const before = a.anchorY < b.anchorY || (a.anchorY === b.anchorY && a.anchorX < b.anchorX);
      if (before) expect(b.y, `${b.text} above ${a.text}`).toBeGreaterThanOrEqual(a.y - m.height / 2);
    }
}

const WORKBENCH: NameMetrics = { height: Math.ceil(12.8 * 1.3 + 4), charPx: 12.8 * 0.62, padX: 0.3 * 12.8 };
const TALK: NameMetrics = { height: Math.ceil(19.2 * 1.3 + 4), charPx: 19.2 * 0.62, padX: 0.3 * 19.2 };

/** Like first-livepatch's step 2: 49 tasks, all switched but the idle ones on CPUs 1–3. */
function firstLivepatch(): TaskView[] {
  const tasks: TaskView[] = [];
  for (let c = 0; c < 4; c++)
    tasks.push(task({ pid: 0, comm: `swapper/${c}`, kind: 'idle', cpu: c, running: true, state: 'R', patchState: c === 0 ? 1 : 0, pending: c > 0 }));
  for (let p = 1; p <= 27; p++) tasks.push(task({ pid: p, comm: `kworker/${p % 4}:${p}`, kind: 'kthread', cpu: p % 4, patchState: 1 }));
  for (let p = 28; p <= 45; p++) tasks.push(task({ pid: p, comm: `proc${p}`, cpu: p % 4, patchState: 1 }));
  return tasks;
}

/** Like stalled-transition after force: no transition, 50 tasks, kworker/0:1 still in old code. */
function forced(patchState: -1 | 0 | 1 = -1): TaskView[] {
  const tasks: TaskView[] = [];
  for (let c = 0; c < 4; c++) tasks.push(task({ pid: 0, comm: `swapper/${c}`, kind: 'idle', cpu: c, running: true, state: 'R', patchState }));
  for (let p = 1; p <= 28; p++)
    tasks.push(
      task({ pid: p, comm: p === 8 ? 'kworker/0:1' : `kthread${p}`, kind: 'kthread', cpu: p % 4, patchState, oldCode: p === 8 ? 'busymod_work_func' : null }),
    );
  for (let p = 29; p <= 46; p++) tasks.push(task({ pid: p, comm: `user${p}`, cpu: p % 4, patchState }));
  return tasks;
}

function named(tasks: readonly TaskView[], focus: readonly string[]) {
  return taskNames(tasks, focus).map((n) => ({ i: n.i, text: n.text }));
}

describe('names on the task migration picture', () => {
  it('first-livepatch, step 2 (1280×720 workbench): three idle tasks side by side, named in order, nothing covered', () => {
    const tasks = firstLivepatch();
    const names = named(tasks, ['swapper/1', 'swapper/2', 'swapper/3']);
    for (const [w, h] of [
      [440, 228],
      [700, 228],
      [440, 500],
    ] as const) {
      const res = layoutWithLabels(tasks, PATCHING, { width: w, height: h, labelHeight: 40, maxCell: 64 }, names, WORKBENCH);
      expectClean(res, tasks, 3, WORKBENCH);
      expect(res.labels.map((p) => p.text)).toEqual(['swapper/1', 'swapper/2', 'swapper/3']);
    }
  });

  it('first-livepatch, step 2 (talk): room made for names goes in their region only', () => {
    const tasks = firstLivepatch();
    const names = named(tasks, ['swapper/1', 'swapper/2', 'swapper/3']);
    const res = layoutWithLabels(tasks, PATCHING, { width: 524, height: 530, labelHeight: 82, maxCell: 96 }, names, TALK);
    expectClean(res, tasks, 3, TALK);
    const l = res.layout;
    // the patched region's rows follow each other without a gap: swapper/0, then the first kthread
    expect(l.xy[2 * 4 + 1]! - l.xy[1]!).toBe(l.cell);
  });

  it('stalled-transition, step 8 (talk): the old-code label covers no idle diamond', () => {
    const tasks = forced();
    const names = named(tasks, ['kworker/0:1']);
    const res = layoutWithLabels(tasks, NONE, { width: 526, height: 575, labelHeight: 60, maxCell: 96 }, names, TALK);
    expectClean(res, tasks, 1, TALK);
    expect(res.labels[0]!.text).toBe('kworker/0:1 · old code');
  });

  it('stalled-transition, step 7 (talk): the label stays in the patched region', () => {
    const tasks = forced(1);
    const names = named(tasks, ['kworker/0:1']);
    for (const [w, h] of [
      [526, 575],
      [700, 400],
      [526, 300],
    ] as const) {
      const res = layoutWithLabels(tasks, PATCHING, { width: w, height: h, labelHeight: 75, maxCell: 96 }, names, TALK);
      expectClean(res, tasks, 1, TALK);
      expect(res.layout.regionOf[res.labels[0]!.i]).toBe(1);
    }
  });

  it('makes room below a task’s row when a name has no free place, rather than covering anything', () => {
    // a full grid: no gap anywhere for a long name
    const tasks = syntheticTasks(48, 1).map((t) => ({ ...t, comm: t.kind === 'user' ? `a-rather-long-name-${t.pid}` : t.comm }));
    const names = named(tasks, [tasks[30]!.comm]);
    const res = layoutWithLabels(tasks, NONE, { width: 400, height: 420, labelHeight: 40 }, names, WORKBENCH);
    expectClean(res, tasks, 1, WORKBENCH);
  });

  it('in random systems and boxes, never covers anything', { timeout: 20_000 }, () => {
    const rng = new Random(7);
    const int = (a: number, b: number) => a + Math.floor(rng.next() * (b - a + 1));
    for (let round = 0; round < 40; round++) {
      const n = int(5, 150);
      const tasks = syntheticTasks(n, rng.next(), 1, round + 1);
      const tr = round % 3 === 0 ? NONE : PATCHING;
      if (tr === NONE) tasks.forEach((t) => (t.patchState = -1));
      const comms = Array.from({ length: int(1, 5) }, () => tasks[int(0, n - 1)]!.comm);
      const names = named(tasks, comms);
      const w = int(300, 900);
      const h = int(200, 700);
      const m = round % 2 ? TALK : WORKBENCH;
      const fit = round % 4 !== 1;
      const opts = fit ? { width: w, height: h, labelHeight: 40, maxCell: 64 } : { width: w, labelHeight: 40 };
      const res = layoutWithLabels(tasks, tr, { ...opts, ...(round % 5 === 0 ? { emptyWidth: 130 } : {}) }, names, m, taskKeys(tasks));
      expectClean(res, tasks, names.length, m, false);
      // only in a cramped box may a name be left out
      // a name is left out only where marks crowd it in on every side, and never all of them
      if (res.layout.cell >= 8) expect(res.labels.length, `round ${round}`).toBeGreaterThan(0);
    }
  });
});

describe('a region with no task', () => {
  it('is narrower in fit mode, for bigger marks in the other', () => {
    // stalled-transition, step 10: every task switched, the unpatched region empty, a short box
    const tasks = forced(1);
    const even = layoutWithLabels(tasks, PATCHING, { width: 720, height: 92, labelHeight: 40 }, [], WORKBENCH).layout;
    const narrow = layoutWithLabels(tasks, PATCHING, { width: 720, height: 92, labelHeight: 40, emptyWidth: 130 }, [], WORKBENCH).layout;
    expect(narrow.cell).toBeGreaterThan(even.cell);
    expect(narrow.regions[0]!.width).toBe(130);
    expect(narrow.width).toBeLessThanOrEqual(720);
    expect(narrow.height).toBeLessThanOrEqual(92);
    for (let i = 0; i < tasks.length; i++) expect(inside(footprint(narrow, i), narrow.regions[1]!)).toBe(true);
  });

  it('keeps both regions the same size while each holds tasks', () => {
    const tasks = firstLivepatch();
    const l = layoutWithLabels(tasks, PATCHING, { width: 720, height: 300, labelHeight: 40, emptyWidth: 130 }, [], WORKBENCH).layout;
    expect(l.regions[0]!.width).toBe(l.regions[1]!.width);
  });
});

describe('marks indexed as squares of one side', () => {
  it('place every label where the same marks as boxes do, on random crowds', () => {
    const rng = new Random(11);
    for (let round = 0; round < 60; round++) {
      const side = 2 + rng.int(14);
      const n = 1 + rng.int(round % 3 === 0 ? 400 : 40);
      const xy = new Float64Array(2 * n);
      for (let i = 0; i < 2 * n; i++) xy[i] = side / 2 + rng.next() * ((i % 2 ? 300 : 400) - side);
      const boxes = Array.from({ length: n }, (_, i) => ({ x: xy[2 * i]! - side / 2, y: xy[2 * i + 1]! - side / 2, width: side, height: side }));
      const requests = Array.from({ length: 1 + rng.int(6) }, (_, k) => {
        const i = rng.int(n);
        return req(`m${k}`, xy[2 * i]!, xy[2 * i + 1]!, 30 + rng.int(60), 12 + rng.int(8), side / 2);
      });
      const byBoxes = placeLabels(requests, bounds, { marks: boxes });
      expect(placeLabels(requests, bounds, { marks: new SquareIndex(xy, side) }), `round ${round}`).toEqual(byBoxes);
    }
  });

  it('say which boxes meet a mark and how many marks a line crosses, as looking at every mark does', () => {
    const rng = new Random(5);
    const side = 6;
    const xy = Float64Array.from({ length: 600 }, (_, i) => (i % 2 ? 5 + rng.next() * 290 : 5 + rng.next() * 390));
    const index = new SquareIndex(xy, side);
    const squares = Array.from({ length: 300 }, (_, i) => ({ x: xy[2 * i]! - 3, y: xy[2 * i + 1]! - 3, width: side, height: side }));
    for (let k = 0; k < 300; k++) {
      const b = { x: rng.next() * 420 - 10, y: rng.next() * 320 - 10, width: rng.next() * 60, height: rng.next() * 30 };
      expect(index.any(b)).toBe(squares.some((q) => overlaps(b, q)));
      const [x1, y1, x2, y2] = [rng.next() * 400, rng.next() * 300, rng.next() * 400, rng.next() * 300];
      const skip = k % 2 ? squares[k % 300]! : null;
      expect(index.crossings(x1, y1, x2, y2, skip)).toBe(squares.filter((q) => !(skip && overlaps(q, skip)) && segmentCrosses(x1, y1, x2, y2, q)).length);
    }
    expect(new SquareIndex(new Float64Array(0), side).any(bounds)).toBe(false);
  });
});
