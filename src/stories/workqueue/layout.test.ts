import { describe, expect, it } from 'vitest';
import { STORY_STEPS, VARIANTS, storyState } from './model';
import { WIDTH, ariaLabel, callers, changedResources, fit, layout, ports, statusText, textLines, type Box } from './layout';

const all = STORY_STEPS.map((_, i) => storyState(i));
const inside = (b: Box, w: number, h: number) => b.x >= 0 && b.y >= 0 && b.x + b.w <= w && b.y + b.h <= h;
const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const numbers = (d: string) => (d.match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(Number);

describe('layout', () => {
  it('keeps every box inside the picture, threads and resources apart', () => {
    for (const s of all) {
      const l = layout(s);
      expect(l.width).toBe(WIDTH);
      const threads = l.threads.map((t) => t.box);
      const resources = [l.mutex, l.dir, l.finish, l.module];
      for (const b of [...threads, ...resources, ...l.files.map((f) => f.box)]) expect(inside(b, l.width, l.height)).toBe(true);
      for (const a of threads) for (const b of [...threads, ...resources]) if (a !== b) expect(overlap(a, b)).toBe(false);
      for (const f of l.files) expect(inside({ ...f.box, x: f.box.x - l.dir.x, y: f.box.y - l.dir.y }, l.dir.w, l.dir.h)).toBe(true);
    }
  });

  it('draws each edge from a thread side to a resource side, holds pointing at the holder', () => {
    for (const s of all) {
      const l = layout(s);
      expect(l.edges.map((e) => e.id)).toEqual(s.edges.map((e) => e.id));
      for (const e of l.edges) {
        const n = numbers(e.d);
        const [x0, y0] = [n[0]!, n[1]!];
        const [x1, y1] = [n[n.length - 2]!, n[n.length - 1]!];
        const tb = l.threads.find((t) => t.id === e.thread)!.box;
        const [tx, ty, rx, ry] = e.kind === 'waits' ? [x0, y0, x1, y1] : [x1, y1, x0, y0];
        expect(tx).toBeCloseTo(tb.x + tb.w);
        expect(ty).toBeGreaterThan(tb.y);
        expect(ty).toBeLessThan(tb.y + tb.h);
        expect(rx).toBeGreaterThan(tb.x + tb.w);
        expect(ry).toBeGreaterThan(0);
        expect(ry).toBeLessThan(l.height);
      }
      // no two edge ends on the same spot of a thread box
      for (const t of l.threads) {
        const ends = l.edges.filter((e) => e.thread === t.id).map((e) => (e.kind === 'waits' ? numbers(e.d)[1] : numbers(e.d).at(-1)));
        expect(new Set(ends).size).toBe(ends.length);
      }
    }
  });

  it('marks the cycle edges of the forbidden ending, and none in the real story', () => {
    const f = VARIANTS[0]!;
    const end = layout(storyState(f.first + f.count - 1));
    expect(end.edges.filter((e) => e.inCycle).map((e) => e.id).sort()).toEqual(
      ['waits:A:active(force)', 'holds:B:active(force)', 'waits:B:klp_mutex', 'holds:A:klp_mutex', 'waits:A:active(enabled)', 'holds:A:active(enabled)'].sort(),
    );
    expect([...end.cycleNodes].sort()).toEqual(['A', 'B', 'active(enabled)', 'active(force)', 'klp_mutex']);
    const r = VARIANTS[1]!;
    for (let i = r.first; i < r.first + r.count; i++) expect(layout(storyState(i)).edges.some((e) => e.inCycle)).toBe(false);
  });

  it('spreads ports around the middle', () => {
    expect(ports(5, 1)).toEqual([5]);
    expect(ports(5, 2, 1)).toEqual([4.5, 5.5]);
  });
});

describe('words', () => {
  it('cuts long text', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('abc', 4)).toBe('abc');
    expect(callers(['kernfs_fop_write_iter', 'enabled_store', '__klp_disable_patch'])).toBe('← enabled_store ← kernfs_fop_write_iter');
    expect(callers(['x'])).toBe('');
    expect(callers(['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc', 'top'], 20)).toBe('← cccccccccc ← …');
  });

  it('describes the deadlock for screen readers', () => {
    const f = VARIANTS[0]!;
    const end = storyState(f.first + f.count - 1);
    expect(ariaLabel(end)).toContain('A, in kernfs_drain(): asleep on active(enabled), active(force)');
    expect(ariaLabel(end)).toContain('Deadlock cycles: A → active(force) → B → klp_mutex → A; A → active(enabled) → A.');
    expect(textLines(end)).toContain('Cycles: A → active(force) → B → klp_mutex → A; A → active(enabled) → A.');
    const lines = textLines(end);
    expect(lines[0]).toBe(
      'A (echo 0 > /sys/kernel/livepatch/P/enabled): in kernfs_drain(), asleep; holds active(enabled), klp_mutex; waits for active(enabled), active(force).',
    );
    expect(lines).toContain('klp_mutex: owner A, waiters B.');
    expect(lines).toContain('File force: deactivated, active count 1 (held by B).');
    expect(ariaLabel(storyState(VARIANTS[1]!.first))).toContain('No cycle.');
  });

  it('says what each thread is doing', () => {
    for (const s of all) for (const t of s.threads) expect(statusText(t).length).toBeGreaterThan(0);
  });

  it('highlights what changed within a variant only', () => {
    const f = VARIANTS[0]!;
    expect(changedResources(null, storyState(0)).size).toBe(0);
    expect([...changedResources(storyState(0), storyState(1))]).toEqual(['active(enabled)']);
    const r = VARIANTS[1]!;
    expect(changedResources(storyState(f.first + f.count - 1), storyState(r.first)).size).toBe(0);
  });
});
