import { describe, expect, it } from 'vitest';
import { hitTest, MarkTracer, paintBuckets, paintMarks } from './task-canvas';
import { NONE, PATCHING, smallSystem } from './task-fixtures';
import { layoutTasks, markShape, switchedSince, syntheticTasks, taskKeys, type MarkShape } from './task-migration';

/** A context that records its calls as "name arg arg …", numbers rounded to 2 places. */
function recorder() {
  const calls: string[] = [];
  const ctx = new Proxy({} as Parameters<typeof paintMarks>[0], {
    get: (_, name) => (...args: (number | undefined)[]) =>
      calls.push(`${String(name)} ${args.flatMap((a) => (a === undefined ? [] : [+a.toFixed(2)])).join(' ')}`),
  });
  return { calls, ctx };
}

describe('hit testing by grid arithmetic', () => {
  it.each([43, 2000])('finds every one of %i tasks at its centre', (n) => {
    const tasks = n === 43 ? smallSystem() : syntheticTasks(n, 0.3);
    const l = layoutTasks(tasks, PATCHING);
    for (let i = 0; i < tasks.length; i++) expect(hitTest(l, l.xy[2 * i]!, l.xy[2 * i + 1]!)).toBe(i);
  });

  it('finds nothing in the empty mirror slot, the labels or the gap', () => {
    const tasks = smallSystem();
    const l = layoutTasks(tasks, PATCHING);
    const k = tasks.findIndex((t) => t.comm === 'kworker/0:1');
    const dx = l.regions[1]!.x - l.regions[0]!.x;
    // kworker/0:1 is unpatched: its slot in the patched region is empty.
    expect(hitTest(l, l.xy[2 * k]! + dx, l.xy[2 * k + 1]!)).toBeNull();
    expect(hitTest(l, 20, 5)).toBeNull();
    expect(hitTest(l, l.regions[0]!.width + 2, l.xy[1]!)).toBeNull();
    expect(hitTest(l, -5, -5)).toBeNull();
  });

  it('finds nothing in an empty task list', () => {
    expect(hitTest(layoutTasks([], NONE), 10, 50)).toBeNull();
  });
});

describe('marks on the canvas', () => {
  it('traces d3-shape symbols at each mark position without a transform, squares when tiny', () => {
    const { calls, ctx } = recorder();
    const tracer = new MarkTracer(ctx);
    tracer.mark('user', 100, 50, 10);
    expect(calls).toEqual(['moveTo 105 50', 'arc 100 50 5 0 6.28']);
    calls.length = 0;
    tracer.mark('kthread', 100, 50, 10);
    expect(calls).toEqual(['rect 96 46 8 8']);
    calls.length = 0;
    tracer.mark('idle', 100, 50, 10);
    expect(calls).toEqual(['moveTo 100 45', 'lineTo 105 50', 'lineTo 100 55', 'lineTo 95 50', 'closePath ']);
    calls.length = 0;
    tracer.mark('idle', 100, 50, 3);
    expect(calls).toEqual(['rect 98.5 48.5 3 3']);
  });

  it('draws the same shapes as the SVG marks (markShape)', () => {
    const r = (v: number) => +v.toFixed(2);
    /** the canvas calls that draw a markShape() at 0,0 */
    const traced = (s: MarkShape): string[] => {
      if (s.tag === 'circle') return [`moveTo ${r(s.r)} 0`, `arc 0 0 ${r(s.r)} 0 6.28`];
      if (s.tag === 'rect') return [`rect ${r(s.x)} ${r(s.x)} ${r(s.side)} ${r(s.side)}`];
      const [p0, ...rest] = s.points.split(' ').map((p) => p.split(',').map((v) => r(+v)).join(' '));
      return [`moveTo ${p0}`, ...rest.map((p) => `lineTo ${p}`), 'closePath '];
    };
    for (const size of [6, 11, 24]) {
      for (const kind of ['user', 'kthread', 'idle'] as const) {
        const { calls, ctx } = recorder();
        new MarkTracer(ctx).mark(kind, 0, 0, size);
        expect(calls).toEqual(traced(markShape(kind, size)));
      }
    }
  });

  it('groups tasks by paint style, with the pending and the freshly switched apart', () => {
    const prev = smallSystem();
    const tasks = prev.map((t) => (t.comm === 'kworker/0:1' ? { ...t, patchState: 1 as const, pending: false } : t));
    const b = paintBuckets(tasks, switchedSince(prev, tasks, taskKeys(tasks)));
    expect(b.marks.map((m) => [m.state, m.running, m.idx.length])).toEqual([
      ['patched', true, 3],
      ['unpatched', true, 1],
      ['patched', false, 39],
    ]);
    expect(b.pending.map((i) => tasks[i]!.comm)).toEqual(['swapper/2']);
    expect(b.fresh.map((i) => tasks[i]!.comm)).toEqual(['kworker/0:1']);
  });

  it('paints thousands of tasks in a handful of draw calls', () => {
    const tasks = syntheticTasks(5000, 0.5);
    const layout = layoutTasks(tasks, PATCHING);
    const { calls, ctx } = recorder();
    const colors: string[] = [];
    paintMarks(ctx, {
      layout,
      tasks,
      xy: layout.xy,
      buckets: paintBuckets(tasks, new Uint8Array(tasks.length)),
      hover: 7,
      selected: -1,
      color: (name) => (colors.push(name), name),
    });
    const draws = calls.filter((c) => /^(fill|stroke|strokeRect) /.test(c));
    expect(draws.length).toBeLessThanOrEqual(10);
    // One mark per task (each starts with a rect or a moveTo), plus a ring per pending task; one hover box, no selection.
    expect(calls.filter((c) => /^(rect|moveTo) /.test(c)).length).toBe(tasks.length + tasks.filter((t) => t.pending).length);
    expect(calls.filter((c) => c.startsWith('strokeRect '))).toHaveLength(1);
    expect(colors).toEqual(expect.arrayContaining(['--patched', '--unpatched', '--pending', '--fg']));
    expect(colors).not.toContain('--focus');
  });
});
