/**
 * Task migration in a box of fixed size (fit), the tasks a step is about
 * named on the picture, and tasks that force switched but still run old code.
 */
import { describe, expect, it } from 'vitest';
import {
  cpuText,
  describeTask,
  fitCell,
  GAP,
  layoutTasks,
  markLook,
  MIN_CELL,
  NEUTRAL_LABEL,
  neutralLabel,
  oldCodeLine,
  OLD_CODE_TAG,
  PAD,
  shownTask,
  signalBolt,
  SIGNAL_TAG,
  summarize,
  syntheticTasks,
  taskNames,
  blockerText,
  type TaskLayout,
  stackWindow,
  moreFrames,
} from './task-migration';
import { NONE, PATCHING, smallSystem, task } from './task-fixtures';
import { paintBuckets, paintMarks } from './task-canvas';
import type { TaskView } from '../kernel/view/types';

/** Every mark inside its region's grid and inside the box. */
function expectInside(l: TaskLayout, n: number, w: number, h: number) {
  expect(l.width).toBeLessThanOrEqual(w);
  expect(l.height).toBeLessThanOrEqual(h);
  for (let i = 0; i < n; i++) {
    const r = l.regions[l.regionOf[i]!]!;
    const x = l.xy[2 * i]!;
    const y = l.xy[2 * i + 1]!;
    expect(x - l.cell / 2).toBeGreaterThanOrEqual(r.x);
    expect(x + l.cell / 2).toBeLessThanOrEqual(r.x + r.width);
    expect(y + l.cell / 2).toBeLessThanOrEqual(r.y + r.height);
  }
}

/** Like the stalled-transition system: 4 idle tasks, 12 kthreads, 34 user tasks; kworker/0:1 and fio pending. */
const GROUPS = [4, 12, 34];
const fifty = (): TaskView[] => {
  const tasks: TaskView[] = [];
  for (let c = 0; c < 4; c++) tasks.push(task({ pid: 0, comm: `swapper/${c}`, kind: 'idle', cpu: c, running: true, state: 'R', patchState: 1 }));
  for (let p = 1; p <= 12; p++) tasks.push(task({ pid: p, comm: p === 8 ? 'kworker/0:1' : `kthread${p}`, kind: 'kthread', cpu: p % 4, patchState: p === 8 ? 0 : 1, pending: p === 8 }));
  for (let p = 13; p <= 46; p++) tasks.push(task({ pid: p, comm: p === 46 ? 'fio' : `user${p}`, cpu: p % 4, patchState: p === 46 ? 0 : 1, pending: p === 46 }));
  return tasks;
};

describe('fit: the grid fills the box', () => {
  it('finds the biggest cell whose grid fits, never below MIN_CELL', () => {
    // 4 idle, 12 kthreads, 34 user tasks in 300 × 300: 42px cells, 7 columns, 1 + 2 + 5 rows
    expect(fitCell([4, 12, 34], 300, 336)).toBe(42);
    expect(fitCell([4, 12, 34], 300, 336, 30)).toBe(30);
    expect(fitCell([10_000], 100, 100)).toBe(MIN_CELL);
  });

  it.each([
    [740, 380],
    [720, 170],
    [900, 520],
    [920, 300],
    [380, 700],
  ])('fills a %i × %i box with 50 tasks, both dimensions counted', (w, h) => {
    const tasks = fifty();
    const l = layoutTasks(tasks, PATCHING, { width: w, height: h, labelHeight: 40 });
    expectInside(l, tasks.length, w, h);
    // The regions reach the bottom of the box (or the middle, stacked).
    const last = l.regions[l.regions.length - 1]!;
    expect(last.y + last.height).toBeGreaterThan(h - GAP - 2);
    // No bigger cell would fit: one more px and the grid overflows its region.
    const inner = l.regions[0]!.width - 2 * PAD;
    const grid = l.regions[0]!.height - 40 - 2 * PAD;
    const cols = Math.floor(inner / (l.cell + 1));
    const rows = GROUPS.reduce((r, c) => r + Math.ceil(c / cols), 0);
    expect(rows * (l.cell + 1)).toBeGreaterThan(grid);
  });

  it('gives a few tasks big marks in a big box, capped at maxCell', () => {
    const tasks = fifty();
    const talk = layoutTasks(tasks, PATCHING, { width: 900, height: 520, labelHeight: 60, maxCell: 96 });
    expect(talk.cell).toBeGreaterThanOrEqual(40);
    const few = layoutTasks(tasks.slice(0, 6), NONE, { width: 900, height: 520, labelHeight: 60, maxCell: 64 });
    expect(few.cell).toBe(64);
    // Without fit the same tasks stay at the count's size.
    expect(layoutTasks(tasks, PATCHING, { width: 900 }).cell).toBeLessThan(30);
  });

  it('puts the regions one above the other when that gives bigger marks', () => {
    const tasks = fifty();
    // 4 idle tasks and 2 kthreads in a tall narrow box: 51px side by side, 69px one above the other
    const tall = layoutTasks(tasks.slice(0, 6), PATCHING, { width: 150, height: 900, labelHeight: 40 });
    expect(tall.stacked).toBe(true);
    expect(tall.cell).toBe(69);
    expectInside(tall, 6, 150, 900);
    expect(layoutTasks(tasks, PATCHING, { width: 900, height: 300, labelHeight: 40 }).stacked).toBe(false);
    expect(layoutTasks(tasks, PATCHING, { width: 380, height: 700, labelHeight: 40 }).stacked).toBe(false);
  });

  it('scrolls rather than shrinking below MIN_CELL: 10 000 tasks in a tiny box', () => {
    const tasks = syntheticTasks(10_000);
    const l = layoutTasks(tasks, PATCHING, { width: 300, height: 100, labelHeight: 40 });
    expect(l.cell).toBe(MIN_CELL);
    expect(l.height).toBeGreaterThan(100);
  });
});

describe('CPU digits', () => {
  it('are never under 0.75rem, and grow with the mark up to 1.25rem', () => {
    const tasks = smallSystem();
    for (const rem of [16, 24]) {
      for (const mark of [4, 10, 18, 30, 60, 120]) {
        const c = cpuText(mark, tasks, rem);
        expect(c.font).toBeGreaterThanOrEqual(0.75 * rem);
        expect(c.font).toBeLessThanOrEqual(1.25 * rem);
      }
    }
    expect(cpuText(120, tasks, 16).font).toBe(20);
  });

  it('are shown only when the widest CPU number fits in every kind of mark', () => {
    const tasks = smallSystem(); // CPUs 0–3: one digit
    expect(cpuText(15, tasks, 16).show).toBe(false);
    expect(cpuText(18, tasks, 16).show).toBe(true);
    expect(cpuText(18, tasks, 24).show).toBe(false);
    expect(cpuText(27, tasks, 24).show).toBe(true);
    // two digits need a wider mark
    const many = [...tasks, task({ pid: 99, comm: 'x', cpu: 15 })];
    expect(cpuText(18, many, 16).show).toBe(false);
    expect(cpuText(24, many, 16).show).toBe(false);
    expect(cpuText(25, many, 16).show).toBe(true);
    expect(cpuText(25, many, 16).font).toBeCloseTo(25 / 2.05, 5);
    expect(cpuText(30, [], 16).show).toBe(false);
  });
});

describe('names on the picture', () => {
  it('names the focused tasks first, in the focus’s order, then those still in old code', () => {
    const tasks = smallSystem();
    tasks[10] = { ...tasks[10]!, oldCode: 'cmdline_proc_show' };
    const names = taskNames(tasks, ['swapper/2', 'kworker/0:1', 'nobody']);
    expect(names.map((n) => [tasks[n.i]!.comm, n.text, n.focus, n.oldCode])).toEqual([
      ['swapper/2', 'swapper/2', true, false],
      ['kworker/0:1', 'kworker/0:1', true, false],
      [tasks[10]!.comm, `${tasks[10]!.comm} · ${OLD_CODE_TAG}`, false, true],
    ]);
  });

  it('shows the first focused task’s stack unless the user selected one', () => {
    const tasks = smallSystem();
    const kw = tasks.findIndex((t) => t.comm === 'kworker/0:1');
    expect(shownTask(-1, null, tasks, ['nobody', 'kworker/0:1'])).toBe(kw);
    expect(shownTask(5, tasks[5]!.pid, tasks, ['kworker/0:1'])).toBe(5);
    expect(shownTask(-1, null, tasks, [])).toBe(-1);
    // a selected pid not (yet) found: no focus task either, the user chose
    expect(shownTask(-1, 12345, tasks, ['kworker/0:1'])).toBe(-1);
  });
});

describe('old code after force', () => {
  /** stalled-transition after force: every task switched, the kworker still in busymod_work_func */
  const forced = (): TaskView[] =>
    fifty().map((t) => (t.comm === 'kworker/0:1' ? { ...t, patchState: 1, pending: false, oldCode: 'busymod_work_func' } : { ...t, patchState: 1, pending: false }));

  it('draws the task half in --old-code, distinct from a normally switched one', () => {
    const tasks = forced();
    const kw = tasks.find((t) => t.comm === 'kworker/0:1')!;
    const other = tasks.find((t) => t.comm !== 'kworker/0:1' && t.kind === 'kthread')!;
    expect(markLook(kw)).toEqual({ state: 'patched', ring: false, faint: true, oldCode: true, signal: false });
    expect(markLook(other).oldCode).toBe(false);
    expect(markLook({ ...kw, oldCode: null })).toEqual({ ...markLook(kw), oldCode: false });
  });

  it('says so in the summary, in and after the transition', () => {
    const tasks = forced();
    expect(summarize(tasks, PATCHING).line).toBe(
      '50 of 50 tasks switched; none pending · kworker/0:1 forced: still in the old busymod_work_func',
    );
    expect(summarize(tasks, NONE).line).toContain('· kworker/0:1 forced: still in the old busymod_work_func');
    expect(summarize(tasks, NONE).label).toContain('kworker/0:1 forced');
    expect(oldCodeLine(tasks.map((t) => ({ ...t, oldCode: 'f' })))).toMatch(/ · 48 more still in old code$/);
  });

  it('does not claim that every task runs the same code while one does not', () => {
    expect(neutralLabel(fifty())).toBe(NEUTRAL_LABEL);
    const l = layoutTasks(forced(), NONE);
    expect(l.regions[0]!.label).not.toContain('same code');
    expect(l.regions[0]!.label).toBe('no transition, but 1 task still in old code');
  });

  it('says it in the task’s words and what the stack view prints', () => {
    const kw = forced().find((t) => t.comm === 'kworker/0:1')!;
    expect(describeTask(kw)).toMatch(/forced: still in the old busymod_work_func$/);
    expect(blockerText(kw, PATCHING)).toContain('still runs the old busymod_work_func');
    expect(blockerText(kw, NONE)).toContain('still runs the old busymod_work_func');
  });

  it('paints it half in --old-code on the canvas too', () => {
    const tasks = syntheticTasks(600, 1).map((t, i) => (i === 100 ? { ...t, oldCode: 'f' } : t));
    const layout = layoutTasks(tasks, PATCHING);
    const buckets = paintBuckets(tasks, new Uint8Array(tasks.length));
    expect(buckets.old).toEqual([100]);
    const calls: string[] = [];
    const ctx = new Proxy({} as Parameters<typeof paintMarks>[0], { get: (_, name) => (...a: unknown[]) => calls.push(`${String(name)} ${a.length}`) });
    const colors: string[] = [];
    paintMarks(ctx, { layout, tasks, xy: layout.xy, buckets, hover: -1, selected: -1, focused: [3], color: (c) => (colors.push(c), c) });
    expect(colors).toContain('--old-code');
    expect(colors).toContain('--focus');
    expect(calls.filter((c) => c.startsWith('clip'))).toHaveLength(1);
  });
});

describe('the fake signal', () => {
  const signalled = (): TaskView[] => fifty().map((t) => (t.comm === 'fio' ? { ...t, notifySignal: true } : t));

  it('marks the task, names it with its signal, and says so in its words', () => {
    const tasks = signalled();
    const fio = tasks.findIndex((t) => t.comm === 'fio');
    expect(markLook(tasks[fio]!).signal).toBe(true);
    expect(markLook({ ...tasks[fio]!, notifySignal: false }).signal).toBe(false);
    expect(taskNames(tasks, ['fio']).map((n) => [n.text, n.signal])).toEqual([[`fio · ${SIGNAL_TAG}`, true]]);
    expect(describeTask(tasks[fio]!)).toContain('TIF_NOTIFY_SIGNAL');
  });

  it('draws a bolt inside the cell’s top right corner', () => {
    const pts = signalBolt(40).split(' ').map((p) => p.split(',').map(Number));
    expect(pts.length).toBeGreaterThan(3);
    for (const [x, y] of pts) {
      expect(x!).toBeGreaterThanOrEqual(0);
      expect(x!).toBeLessThanOrEqual(20);
      expect(y!).toBeGreaterThanOrEqual(-20);
      expect(y!).toBeLessThanOrEqual(0);
    }
  });

  it('paints it on the canvas too', () => {
    const tasks = syntheticTasks(600, 0.5).map((t, i) => (i === 7 ? { ...t, notifySignal: true } : t));
    const buckets = paintBuckets(tasks, new Uint8Array(tasks.length));
    expect(buckets.signal).toEqual([7]);
    const layout = layoutTasks(tasks, PATCHING, { width: 1600 });
    expect(layout.cell).toBeGreaterThanOrEqual(6);
    const colors: string[] = [];
    const ctx = new Proxy({} as Parameters<typeof paintMarks>[0], { get: () => () => undefined });
    paintMarks(ctx, { layout, tasks, xy: layout.xy, buckets, hover: -1, selected: -1, color: (c) => (colors.push(c), c) });
    expect(colors).toContain('--accent');
  });
});

describe('a call stack in the room it has', () => {
  const frames = (lines: ReturnType<typeof stackWindow>) => lines.map((l) => (l.kind === 'frame' ? l.j : moreFrames(l)));
  it('shows every frame when they fit', () => {
    expect(frames(stackWindow(4, [2], 4))).toEqual([0, 1, 2, 3]);
    expect(frames(stackWindow(4, [], Infinity))).toEqual([0, 1, 2, 3]);
  });
  it('shows the innermost frames that fit, then a line for the rest', () => {
    expect(frames(stackWindow(9, [3], 6))).toEqual([0, 1, 2, 3, 4, '… 4 more frames']);
    expect(frames(stackWindow(9, [], 2))).toEqual([0, '… 8 more frames']);
  });
  it('always shows the frame the step is about, with a line for those skipped before it', () => {
    expect(frames(stackWindow(9, [6], 5))).toEqual([0, 1, '… 4 frames', 6, '… 2 more frames']);
    expect(frames(stackWindow(9, [8], 1))).toEqual(['… 8 frames', 8]);
    expect(frames(stackWindow(9, [1], 2))).toEqual([0, 1, '… 7 more frames']);
    expect(frames(stackWindow(5, [], 4))).toEqual([0, 1, 2, '… 2 more frames']);
    expect(frames(stackWindow(5, [], 5))).toEqual([0, 1, 2, 3, 4]);
  });
});
