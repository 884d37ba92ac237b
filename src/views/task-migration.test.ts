import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskView } from '../kernel/view/types';
import { kernelProfile } from '../kernel/release/profile';
import {
  blockerText,
  canReturn,
  cellForCount,
  describeTask,
  CANVAS_THRESHOLD,
  inTransition,
  isBlockingFrame,
  layoutTasks,
  markShape,
  MIN_CELL,
  MOVE_MS,
  Mover,
  NEUTRAL_LABEL,
  samePositions,
  secondsUntil,
  startPositions,
  summarize,
  stateWord,
  switchedSince,
  syntheticTasks,
  syntheticView,
  taskKeys,
  universeOf,
  type TaskLayout,
} from './task-migration';
import { NONE, PATCHING, smallSystem, task, UNPATCHING } from './task-fixtures';

/** Every mark inside its own region's grid, no two tasks in one cell. */
function expectWellFormed(l: TaskLayout, n: number, width: number) {
  expect(l.width).toBeLessThanOrEqual(width);
  expect(l.cell).toBeGreaterThanOrEqual(MIN_CELL);
  expect(l.mark).toBeLessThan(l.cell);
  // The pending ring goes around the mark, out to the cell's edge.
  expect(l.ring).toBeGreaterThan(l.mark);
  expect(l.ring).toBeGreaterThanOrEqual(l.cell - 1);
  const cells = new Set<string>();
  for (let i = 0; i < n; i++) {
    const box = l.regions[l.regionOf[i]!]!;
    const x = l.xy[2 * i]!;
    const y = l.xy[2 * i + 1]!;
    expect(x - l.cell / 2).toBeGreaterThanOrEqual(box.x);
    expect(x + l.cell / 2).toBeLessThanOrEqual(box.x + box.width);
    expect(y - l.cell / 2).toBeGreaterThanOrEqual(box.y + l.labelHeight);
    expect(y + l.cell / 2).toBeLessThanOrEqual(box.y + box.height);
    const c = `${Math.round(x / l.cell)},${Math.round(y / l.cell)}`;
    expect(cells.has(c)).toBe(false);
    cells.add(c);
  }
  // Regions do not overlap either.
  const [a, b] = l.regions;
  if (a && b) expect(a.x + a.width <= b.x || a.y + a.height <= b.y).toBe(true);
}

describe('universes', () => {
  it('a task is in the target universe iff its patch_state is klp_target_state', () => {
    const t0 = task({ pid: 1, comm: 'a', patchState: 0 });
    const t1 = task({ pid: 2, comm: 'b', patchState: 1 });
    expect(universeOf(t0, PATCHING)).toBe(0);
    expect(universeOf(t1, PATCHING)).toBe(1);
    expect(universeOf(t0, UNPATCHING)).toBe(0);
    expect(universeOf(t1, UNPATCHING)).toBe(1);
    // Outside a transition everything is -1 and in the one neutral region.
    expect(inTransition(NONE)).toBe(false);
    expect(universeOf(task({ pid: 3, comm: 'c' }), NONE)).toBe(-1);
  });

  it('labels regions by patch_state in kernel terms, with initial and target roles by direction', () => {
    const tasks = smallSystem();
    const up = layoutTasks(tasks, PATCHING);
    expect(up.regions.map((r) => [r.label, r.role])).toEqual([
      ['unpatched · patch_state 0', 'initial'],
      ['patched · patch_state 1', 'target'],
    ]);
    const down = layoutTasks(tasks, UNPATCHING);
    expect(down.regions.map((r) => r.role)).toEqual(['target', 'initial']);
    const none = layoutTasks(tasks.map((t) => ({ ...t, patchState: -1 as const, pending: false })), NONE);
    expect(none.regions).toHaveLength(1);
    expect(none.regions[0]!.label).toBe(NEUTRAL_LABEL);
    expect([...none.regionOf].every((r) => r === 0)).toBe(true);
  });

  it('puts each task in the region of its patch_state', () => {
    const tasks = smallSystem();
    const l = layoutTasks(tasks, PATCHING);
    tasks.forEach((t, i) => expect(l.regions[l.regionOf[i]!]!.state).toBe(t.patchState));
  });
});

describe('layout', () => {
  it('sorts by kind then pid, each kind from a new row', () => {
    const tasks = smallSystem();
    const l = layoutTasks(tasks, PATCHING);
    const kinds = l.order.map((i) => tasks[i]!.kind);
    expect(kinds.slice(0, 4)).toEqual(['idle', 'idle', 'idle', 'idle']);
    expect(kinds.lastIndexOf('kthread')).toBeLessThan(kinds.indexOf('user'));
    const firstUser = l.order.find((i) => tasks[i]!.kind === 'user')!;
    expect(l.slotOf[firstUser]! % l.cols).toBe(0);
    expect(l.order.map((i) => tasks[i]!.comm).slice(0, 4)).toEqual(['swapper/0', 'swapper/1', 'swapper/2', 'swapper/3']);
  });

  it('is stable: only a task that switches moves, straight across', () => {
    const tasks = smallSystem();
    const before = layoutTasks(tasks, PATCHING);
    const after = layoutTasks(
      tasks.map((t) => (t.comm === 'kworker/0:1' ? { ...t, patchState: 1 as const, pending: false } : t)),
      PATCHING,
    );
    const k = tasks.findIndex((t) => t.comm === 'kworker/0:1');
    for (let i = 0; i < tasks.length; i++) {
      const moved = before.xy[2 * i] !== after.xy[2 * i] || before.xy[2 * i + 1] !== after.xy[2 * i + 1];
      expect(moved).toBe(i === k);
    }
    // Same slot, same row, the other region.
    expect(after.xy[2 * k + 1]).toBe(before.xy[2 * k + 1]);
    expect(after.xy[2 * k]! - before.xy[2 * k]!).toBe(after.regions[1]!.x - after.regions[0]!.x);
  });

  it('moves nobody on a reversal: klp_reverse_transition flips the target, not patch_state', () => {
    const tasks = smallSystem();
    const a = layoutTasks(tasks, PATCHING);
    const b = layoutTasks(tasks, UNPATCHING);
    expect(samePositions(a.xy, b.xy)).toBe(true);
  });

  it('is stable when the task list comes in another order', () => {
    const tasks = smallSystem();
    const a = layoutTasks(tasks, PATCHING);
    const rev = [...tasks].reverse();
    const b = layoutTasks(rev, PATCHING);
    const ka = taskKeys(tasks);
    const kb = taskKeys(rev);
    ka.forEach((k, i) => {
      const j = kb.indexOf(k);
      expect([b.xy[2 * j], b.xy[2 * j + 1]]).toEqual([a.xy[2 * i], a.xy[2 * i + 1]]);
    });
  });

  it.each([10, 500, 2000, 10_000])('fits %i tasks in the width, without overlaps, at a bounded height', (n) => {
    const tasks = syntheticTasks(n, 0.5);
    for (const width of [640, 1000]) {
      const l = layoutTasks(tasks, PATCHING, { width });
      expectWellFormed(l, n, width);
      expect(l.height).toBeLessThanOrEqual(420 + l.labelHeight + 12);
      expect(l.slotTask.length).toBe(l.rows * l.cols);
    }
  });

  it('sizes cells on a log scale of the task count, 30px at 10 tasks to 6px at 10 000', () => {
    expect(cellForCount(10)).toBe(30);
    expect(cellForCount(10_000)).toBe(6);
    expect(cellForCount(Math.sqrt(10 * 10_000))).toBeCloseTo(18, 10);
    expect(cellForCount(100)).toBeCloseTo(22, 10);
    // clamped outside the domain
    expect(cellForCount(1)).toBe(30);
    expect(cellForCount(1e6)).toBe(6);
  });

  it('gives few tasks big marks and many tasks small ones', () => {
    const sizes = [10, 500, 2000, 10_000].map((n) => layoutTasks(syntheticTasks(n), PATCHING).cell);
    expect(sizes[0]).toBeGreaterThanOrEqual(24);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]!).toBeLessThanOrEqual(sizes[i - 1]!);
    expect(sizes[3]).toBeGreaterThanOrEqual(MIN_CELL);
  });

  it('stacks the regions on a narrow screen', () => {
    const tasks = syntheticTasks(200);
    const l = layoutTasks(tasks, PATCHING, { width: 300 });
    expect(l.stacked).toBe(true);
    expectWellFormed(l, tasks.length, 300);
    expect(l.regions[1]!.y).toBeGreaterThan(l.regions[0]!.y + l.regions[0]!.height - 1);
  });

  it('handles an empty task list', () => {
    const l = layoutTasks([], NONE);
    expect(l.xy.length).toBe(0);
    expect(l.regions).toHaveLength(1);
    expect([...l.slotTask].every((i) => i === -1)).toBe(true);
  });

  it('lays out 10 000 tasks quickly', () => {
    const tasks = syntheticTasks(10_000);
    const t0 = performance.now();
    layoutTasks(tasks, PATCHING);
    expect(performance.now() - t0).toBeLessThan(250);
  });
});

describe('marks and motion', () => {
  it('draws each kind with its own plain SVG shape, one mark wide', () => {
    expect(markShape('user', 20)).toEqual({ tag: 'circle', r: 10 });
    expect(markShape('kthread', 20)).toEqual({ tag: 'rect', x: -8, side: 16 });
    expect(markShape('idle', 20)).toEqual({ tag: 'polygon', points: '0,-10 10,0 0,10 -10,0' });
  });

  it('starts a move from where each task is shown, matched by key', () => {
    const shownKeys = ['a:1', 'b:2'];
    const shown = Float64Array.from([1, 1, 2, 2]);
    const next = Float64Array.from([30, 30, 10, 10, 50, 50]);
    expect([...startPositions(shownKeys, shown, ['b:2', 'a:1', 'new:3'], next)]).toEqual([2, 2, 1, 1, 50, 50]);
    // in the same order: each from its own place; one new in the middle: the rest still matched by key
    expect([...startPositions(shownKeys, shown, ['a:1', 'b:2'], next.slice(0, 4))]).toEqual([1, 1, 2, 2]);
    expect([...startPositions(shownKeys, shown, ['a:1', 'new:3', 'b:2'], next)]).toEqual([1, 1, 10, 10, 2, 2]);
  });

  describe('Mover', () => {
    let frames: FrameRequestCallback[] = [];
    let now = 0;
    const tick = (ms: number) => {
      now += ms;
      const fs = frames;
      frames = [];
      fs.forEach((f) => f(now));
    };
    function setup(later = false) {
      frames = [];
      now = 0;
      vi.stubGlobal('requestAnimationFrame', (f: FrameRequestCallback) => frames.push(f));
      vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.splice(id - 1, 1));
      vi.spyOn(performance, 'now').mockImplementation(() => now);
      const drawn: number[][] = [];
      return { drawn, mover: new Mover((xy) => drawn.push([...xy]), later) };
    }
    afterEach(() => {
      vi.unstubAllGlobals();
      vi.restoreAllMocks();
    });
    const A = Float64Array.from([0, 0, 10, 20]);
    const B = Float64Array.from([100, 50, 10, 20]);

    it('places marks at a first look and on a resize, without frames', () => {
      const { drawn, mover } = setup();
      const step = {};
      mover.go(step, ['a:1', 'b:2'], A);
      mover.go(step, ['a:1', 'b:2'], B);
      expect(drawn).toEqual([[...A], [...B]]);
      expect(frames).toHaveLength(0);
    });

    it('moves marks to a new step with eased time, ending exactly on the layout', () => {
      const { drawn, mover } = setup();
      mover.go({}, ['a:1', 'b:2'], A);
      mover.go({}, ['a:1', 'b:2'], B);
      expect(drawn.at(-1)).toEqual([...A]);
      tick(MOVE_MS / 4);
      const quarter = drawn.at(-1)!;
      // cubic in-out (d3-ease): slow start, so less than a quarter of the way
      expect(quarter[0]).toBeGreaterThan(0);
      expect(quarter[0]).toBeLessThan(25);
      expect(quarter.slice(2)).toEqual([10, 20]);
      tick(MOVE_MS / 4);
      expect(drawn.at(-1)).toEqual([50, 25, 10, 20]);
      tick(MOVE_MS);
      expect(drawn.at(-1)).toEqual([...B]);
      expect(frames).toHaveLength(0);
      expect([...mover.shown]).toEqual([...B]);
    });

    it('drawing the first frame later, the task that starts a move draws nothing; the first animation frame does', () => {
      const { drawn, mover } = setup(true);
      mover.go({}, ['a:1', 'b:2'], A);
      expect(drawn).toEqual([[...A]]);
      mover.go({}, ['a:1', 'b:2'], B);
      expect(drawn).toHaveLength(1);
      expect(mover.moving).toBe(true);
      expect([...mover.shown]).toEqual([...A]);
      tick(0);
      expect(drawn.at(-1)).toEqual([...A]);
      tick(MOVE_MS);
      expect(drawn.at(-1)).toEqual([...B]);
      expect(mover.moving).toBe(false);
    });

    it('starts an interrupted move from where the marks are, and forgets them when hidden', () => {
      const { drawn, mover } = setup();
      mover.go({}, ['a:1'], Float64Array.from([0, 0]));
      mover.go({}, ['a:1'], Float64Array.from([100, 0]));
      tick(MOVE_MS / 2);
      mover.go({}, ['a:1'], Float64Array.from([0, 0]));
      expect(drawn.at(-1)).toEqual([50, 0]);
      expect(frames).toHaveLength(1);
      mover.forget();
      expect(frames).toHaveLength(0);
      mover.go({}, ['a:1'], Float64Array.from([7, 7]));
      expect(drawn.at(-1)).toEqual([7, 7]);
      expect(frames).toHaveLength(0);
    });

    it('asked again for the step it shows or moves to, neither draws nor stops the move', () => {
      const { drawn, mover } = setup();
      const keys = ['a:1', 'b:2'];
      const [one, two] = [{}, {}];
      mover.go(one, keys, A);
      mover.go(one, keys, A);
      expect(drawn).toEqual([[...A]]);
      mover.go(two, keys, B);
      tick(MOVE_MS / 2);
      const halfway = drawn.length;
      mover.go(two, keys, B);
      expect(drawn).toHaveLength(halfway);
      expect(mover.moving).toBe(true);
      tick(MOVE_MS);
      expect(drawn.at(-1)).toEqual([...B]);
    });

    it('places marks when the user prefers reduced motion', () => {
      const { drawn, mover } = setup();
      vi.stubGlobal('matchMedia', (q: string) => ({ matches: q === '(prefers-reduced-motion: reduce)' }));
      mover.go({}, ['a:1', 'b:2'], A);
      mover.go({}, ['a:1', 'b:2'], B);
      expect(drawn).toEqual([[...A], [...B]]);
      expect(frames).toHaveLength(0);
    });
  });

  it('marks the tasks that switched since the previous step, not those that left the transition', () => {
    const prev = smallSystem();
    const now = prev.map((t) => (t.comm === 'kworker/0:1' ? { ...t, patchState: 1 as const, pending: false } : t));
    const sw = switchedSince(prev, now, taskKeys(now));
    expect([...sw].filter(Boolean)).toHaveLength(1);
    expect(sw[now.findIndex((t) => t.comm === 'kworker/0:1')]).toBe(1);
    const done = now.map((t) => ({ ...t, patchState: -1 as const }));
    expect([...switchedSince(now, done, taskKeys(done))].some(Boolean)).toBe(false);
    expect([...switchedSince(null, now, taskKeys(now))].some(Boolean)).toBe(false);
  });

  it('lets only a task with something to return from return', () => {
    const [idle, kw] = [smallSystem()[2]!, smallSystem()[6]!];
    expect(canReturn(idle)).toBe(false);
    expect(canReturn(kw)).toBe(false); // a kthread in D: the simulation has no wait to end
    expect(canReturn({ ...kw, state: 'S' })).toBe(true);
    expect(canReturn(task({ pid: 9, comm: 'top', state: 'D' }))).toBe(true);
    expect(canReturn(task({ pid: 9, comm: 'top', state: 'R', running: true }))).toBe(false);
    expect(describeTask(kw)).toBe('kworker/0:1, pid 3, kthread, sleeping uninterruptibly (D), CPU 0, patch_state 0, TIF_PATCH_PENDING');
  });

  it('keys idle tasks apart although they share pid 0', () => {
    const keys = taskKeys(smallSystem());
    expect(new Set(keys).size).toBe(keys.length);
    expect(taskKeys([task({ pid: 5, comm: 'x' }), task({ pid: 5, comm: 'x' })])).toEqual(['x:5', 'x:5#1']);
    const mixed = [
      [5, 'x'],
      [5, 'y'],
      [0, 'swapper/0'],
      [5, 'x'],
      [7, 'x'],
      [0, 'swapper/1'],
      [5, 'x'],
      [0, 'swapper/0'],
    ].map(([pid, comm]) => task({ pid: pid as number, comm: comm as string }));
    expect(taskKeys(mixed)).toEqual(['x:5', 'y:5', 'swapper/0:0', 'x:5#1', 'x:7', 'swapper/1:0', 'x:5#2', 'swapper/0:0#1']);
    // pids beyond what a byte per pid covers
    expect(taskKeys([task({ pid: 2 ** 30, comm: 'a' }), task({ pid: 2 ** 30, comm: 'a' })])).toEqual([`a:${2 ** 30}`, `a:${2 ** 30}#1`]);
  });
});

describe('words', () => {
  it('summarises switched and pending tasks with their blockers', () => {
    const s = summarize(smallSystem(), PATCHING);
    expect(s.line).toBe('41 of 43 tasks switched; 2 pending: swapper/2 (running), kworker/0:1 (sleeping on busymod_work_func)');
    expect(s.counts).toEqual([2, 41]);
    expect(s.label).toBe('43 tasks: 41 patched, 2 pending');
    const down = summarize(
      smallSystem().map((t) => ({ ...t, patchState: t.patchState === 1 ? (0 as const) : (1 as const) })),
      UNPATCHING,
    );
    expect(down.counts).toEqual([41, 2]);
    expect(down.label).toBe('43 tasks: 41 unpatched, 2 pending');
  });

  it('shortens long pending lists and says when nothing is in transition', () => {
    const s = summarize(syntheticTasks(2000, 0.995), PATCHING, 3);
    expect(s.label).toBe('2000 tasks: 1990 patched, 10 pending');
    expect(s.line).toMatch(/^1990 of 2000 tasks switched; 10 pending: .*, and 7 more$/);
    expect(summarize(smallSystem(), NONE).label).toBe('43 tasks, no transition');
  });

  it('finds the blocking frame, with or without a module', () => {
    expect(isBlockingFrame('busymod_work_func [test_klp_callbacks_busy]', 'busymod_work_func')).toBe(true);
    expect(isBlockingFrame('cmdline_proc_show', 'cmdline_proc_show')).toBe(true);
    expect(isBlockingFrame('cmdline_proc_show_x', 'cmdline_proc_show')).toBe(false);
    expect(isBlockingFrame('schedule', null)).toBe(false);
  });

  it('says what klp_try_switch_task would print', () => {
    const [sw2, kw] = [smallSystem()[2]!, smallSystem()[6]!];
    expect(blockerText(sw2, PATCHING)).toBe('klp_try_switch_task: swapper/2:0 is running');
    expect(blockerText(kw, PATCHING)).toBe('klp_try_switch_task: kworker/0:1:3 is sleeping on function busymod_work_func');
    expect(blockerText({ ...kw, blocker: 'unreliable', blockedBy: null }, PATCHING)).toBe('klp_try_switch_task: kworker/0:1:3 has an unreliable stack');
    expect(blockerText({ ...kw, patchState: 1 }, PATCHING)).toMatch(/^Switched/);
  });

  it('converts virtual µs to seconds from now', () => {
    expect(secondsUntil(3_000_000, 2_000_000)).toBe(1);
    expect(secondsUntil(null, 0)).toBeNull();
  });
});

describe('synthetic systems', () => {
  it.each([10, 500, 2000, 10_000])('builds %i tasks with exactly the switched fraction', (n) => {
    const tasks = syntheticTasks(n, 0.9);
    expect(tasks).toHaveLength(n);
    const done = tasks.filter((t) => t.patchState === 1).length;
    expect(done).toBe(Math.round(n * 0.9));
    expect(tasks.filter((t) => t.pending)).toHaveLength(n - done);
    expect(tasks.filter((t) => t.kind === 'idle').every((t) => t.pid === 0 && t.comm.startsWith('swapper/'))).toBe(true);
    expect(new Set(taskKeys(tasks)).size).toBe(n);
    expect(tasks.filter((t) => t.pending && t.blocker === 'sleeping').every((t) => isBlockingFrame(t.stack[1]!, t.blockedBy))).toBe(true);
  });

  it('is deterministic and crosses the canvas threshold', () => {
    expect(syntheticTasks(300, 0.5)).toEqual(syntheticTasks(300, 0.5));
    const v = syntheticView(CANVAS_THRESHOLD + 1, 0.5, 0);
    expect(v.tasks.length).toBeGreaterThan(CANVAS_THRESHOLD);
    expect(v.transition.target).toBe(0);
    expect(v.tasks.filter((t) => !t.pending).every((t) => t.patchState === 0)).toBe(true);
  });
});

describe('the constants by release', () => {
  it('names patch_state -1 as the release spells it: KLP_TRANSITION_IDLE since 6.10, KLP_UNDEFINED before', () => {
    const at = (release: '6.4' | '6.12') => ({ ...NONE, names: kernelProfile(release).stateNames });
    expect(summarize(smallSystem(), at('6.12')).line).toContain('patch_state is -1 (KLP_TRANSITION_IDLE) everywhere');
    expect(summarize(smallSystem(), at('6.4')).line).toContain('patch_state is -1 (KLP_UNDEFINED) everywhere');
    expect(blockerText(smallSystem()[0]!, at('6.4'))).toBe('No transition: patch_state is -1 (KLP_UNDEFINED).');
    expect(stateWord(1, at('6.4').names)).toBe('1 (KLP_PATCHED)');
  });
});
