import { describe, expect, it } from 'vitest';
import { PARTS, storySteps, variants, storyState, type PartId } from './model';
import { MIN_SCALE, MIN_TEXT, ariaLabel, callers, changedResources, fit, fitLayout, layout, ports, shortCommand, statusText, textLines, verdict, type Box, type Layout } from './layout';
import { textWidth } from '../text';

const all = storySteps().map((_, i) => storyState(i));
const inside = (b: Box, w: number, h: number) => b.x >= 0 && b.y >= 0 && b.x + b.w <= w + 1e-9 && b.y + b.h <= h + 1e-9;
const within = (b: Box, o: Box) => b.x >= o.x - 1e-9 && b.y >= o.y - 1e-9 && b.x + b.w <= o.x + o.w + 1e-9 && b.y + b.h <= o.y + o.h + 1e-9;
const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const numbers = (d: string) => (d.match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(Number);
const focusOf = (i: number) => storySteps()[i]!.focus.actors.map((a) => a.part);
const FONTS = { tid: 'sansBold', cmd: 'mono', pc: 'mono', where: 'sans', callers: 'mono', status: 'sansBold', name: 'mono', line: 'sans', fname: 'mono', count: 'mono', state: 'sans', path: 'mono', verdict: 'sansBold' } as const;

/** Every label's estimated extent stays inside its part's box. */
function labelsInside(l: Layout) {
  for (const p of l.parts.values()) {
    for (const t of p.labels) {
      const w = textWidth((t.head ? `${t.head} ` : '') + t.text, t.size, FONTS[t.cls as keyof typeof FONTS]);
      const x0 = t.anchor === 'start' ? t.x : t.x - w;
      expect(x0, `${p.id}: ${t.text}`).toBeGreaterThanOrEqual(p.box.x);
      expect(x0 + w, `${p.id}: ${t.text}`).toBeLessThanOrEqual(p.box.x + p.box.w + 1e-9);
      expect(t.y, `${p.id}: ${t.text}`).toBeLessThanOrEqual(p.box.y + p.box.h);
      expect(t.y - t.size, `${p.id}: ${t.text}`).toBeGreaterThanOrEqual(p.box.y - 1e-9);
    }
  }
}

function checkPicture(l: Layout) {
  const threads = l.threads.map((t) => t.box);
  const resources = [l.mutex, l.dir, l.patch, l.finish, l.module].filter((p) => l.parts.has(p.id)).map((p) => p.box);
  for (const p of l.parts.values()) expect(inside(p.box, l.width, l.height), p.id).toBe(true);
  for (const a of threads) for (const b of [...threads, ...resources]) if (a !== b) expect(overlap(a, b)).toBe(false);
  for (const a of resources) for (const b of resources) if (a !== b) expect(overlap(a, b)).toBe(false);
  for (const f of l.files) expect(within(f.box, l.dir.box)).toBe(true);
  if (l.parts.has('verdict')) for (const b of [...threads, ...resources]) expect(overlap(b, l.verdict.box)).toBe(false);
  labelsInside(l);
}

describe('layout', () => {
  it('keeps every box inside the picture, threads and resources apart, every word inside its box', () => {
    for (const width of [78, 56, 44, 30, 22.4]) {
      for (const s of all) {
        const l = layout(s, { width });
        expect(l.width).toBeLessThanOrEqual(width);
        expect(l.narrow).toBe(width < 40);
        checkPicture(l);
      }
    }
  });

  it('draws every part of the model', () => {
    for (const s of all) expect([...layout(s).parts.keys()].sort()).toEqual([...PARTS].sort());
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
    const f = variants()[0]!;
    const end = layout(storyState(f.first + f.count - 1));
    expect(end.edges.filter((e) => e.inCycle).map((e) => e.id).sort()).toEqual(
      ['waits:A:active(force)', 'holds:B:active(force)', 'waits:B:klp_mutex', 'holds:A:klp_mutex', 'waits:A:active(enabled)', 'holds:A:active(enabled)'].sort(),
    );
    expect([...end.cycleNodes].sort()).toEqual(['A', 'B', 'active(enabled)', 'active(force)', 'klp_mutex']);
    const r = variants()[1]!;
    for (let i = r.first; i < r.first + r.count; i++) expect(layout(storyState(i)).edges.some((e) => e.inCycle)).toBe(false);
  });

  it('keeps every box where it was from one step to the next: nothing jumps', () => {
    for (const width of [78, 22.4]) {
      const first = layout(all[0]!, { width });
      for (const s of all) {
        const l = layout(s, { width });
        expect(l.height).toBeCloseTo(first.height);
        for (const [id, p] of l.parts) expect(p.box, `${id} at step ${s.step}`).toEqual(first.parts.get(id)!.box);
      }
    }
  });

  it('spreads ports around the middle', () => {
    expect(ports(5, 1)).toEqual([5]);
    expect(ports(5, 2, 1)).toEqual([4.5, 5.5]);
  });
});

describe('fitting a box', () => {
  // the boxes the story is given (rem): the workbench's first screen, talk mode's stage, an embedded figure
  const BOXES = {
    workbench: { width: 78, height: 28 },
    talk: { width: 78, height: 24.5 },
    embed: { width: 58.7, height: 21 },
  };

  for (const [name, box] of Object.entries(BOXES)) {
    it(`fits the ${name} box at every step, legibly, the focus drawn`, () => {
      const scales = new Set<string>();
      all.forEach((s, i) => {
        const l = fitLayout(s, box, focusOf(i));
        expect(l.fits, `step ${i}`).toBe(true);
        expect(l.width * l.scale).toBeLessThanOrEqual(box.width + 1e-9);
        expect(l.height * l.scale).toBeLessThanOrEqual(box.height + 1e-9);
        expect(l.scale).toBeGreaterThanOrEqual(MIN_SCALE);
        for (const p of l.parts.values()) for (const t of p.labels) expect(t.size * l.scale).toBeGreaterThanOrEqual(MIN_TEXT - 1e-9);
        for (const id of focusOf(i)) expect(l.parts.has(id), `step ${i}: ${id}`).toBe(true);
        expect(l.hidden).toEqual([]);
        checkPicture(l);
        scales.add(`${l.level} ${l.scale.toFixed(3)}`);
      });
      // the same picture at every step
      expect(scales.size).toBe(1);
    });
  }

  it('fills a large box: the picture grows', () => {
    const l = fitLayout(all[0]!, { width: 120, height: 60 });
    expect(l.level).toBe('full');
    expect(l.scale).toBeGreaterThan(1.3);
  });

  it('in a box too small for everything, keeps the focus and lets the rest go', () => {
    const box = { width: 48, height: 15 };
    all.forEach((s, i) => {
      const l = fitLayout(s, box, focusOf(i));
      expect(l.scale).toBeGreaterThanOrEqual(MIN_SCALE);
      for (const id of focusOf(i)) expect(l.parts.has(id), `step ${i}: ${id}`).toBe(true);
      for (const e of s.edges) expect(l.edges.some((x) => x.id === e.id)).toBe(true);
    });
    expect(all.some((s, i) => fitLayout(s, box, focusOf(i)).hidden.length > 0)).toBe(true);
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

  it('shortens a command in the middle of its path', () => {
    const cmd = 'echo 0 > /sys/kernel/livepatch/P/enabled';
    expect(shortCommand(cmd, 100, 1)).toBe(cmd);
    expect(shortCommand(cmd, 13, 1)).toBe('echo 0 > …/P/enabled');
    expect(shortCommand(cmd, 6, 1)).toMatch(/^echo.*….*ed$/);
  });

  it('describes the deadlock for screen readers', () => {
    const f = variants()[0]!;
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
    expect(lines).toContain('Patch P: disabled, off klp_patches.');
    expect(ariaLabel(storyState(variants()[1]!.first))).toContain('No cycle.');
  });

  it('gives the verdict of the wait-for graph', () => {
    const f = variants()[0]!;
    expect(verdict(storyState(0)).kind).toBe('none');
    expect(verdict(storyState(f.firstCycle!)).kind).toBe('deadlock');
    const r = variants()[1]!;
    expect(verdict(storyState(r.first + r.count - 1))).toMatchObject({ kind: 'ok', text: expect.stringContaining('module P can be removed') });
  });

  it('says what each thread is doing', () => {
    for (const s of all) for (const t of s.threads) expect(statusText(t).length).toBeGreaterThan(0);
  });

  it('highlights what changed within a variant only', () => {
    const f = variants()[0]!;
    expect(changedResources(null, storyState(0)).size).toBe(0);
    expect([...changedResources(storyState(0), storyState(1))]).toEqual(['enabled']);
    expect([...changedResources(storyState(4), storyState(5))]).toEqual(['patch' as PartId]);
    const r = variants()[1]!;
    expect(changedResources(storyState(f.first + f.count - 1), storyState(r.first)).size).toBe(0);
  });
});
