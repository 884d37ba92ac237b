import { describe, expect, it } from 'vitest';
import { textWidth } from '../text';
import { PARTS, STEP_COUNT, STORY_STEPS, storyState, usePlayed, type RowId } from './model';
import { playBoth } from './engine';
import { FIXED, LINE, MIN_SCALE, MIN_TEXT, PAD_X, SIZE, cutCalls, fitLayout, layout, type Layout, type Line } from './layout';

usePlayed(playBoth());
const all = Array.from({ length: STEP_COUNT }, (_, i) => storyState(i));
const focusOf = (i: number) => STORY_STEPS[i]!.focus.actors.map((a) => a.part);
const MONO = new Set(['prompt', 'err', 'out', 'call', 'hit', 'log', 'mono', 'enabled', 'disabled']);
const lineWidth = (l: Line) =>
  l.indent + l.spans.reduce((w, s, i) => w + textWidth(s.text, SIZE.cell, MONO.has(s.cls) ? 'mono' : s.cls === 'ok' ? 'sansBold' : 'sans') + (i ? textWidth(' ', SIZE.cell, 'sans') : 0), 0);

/** Every line fits its column; every row is as tall as its lines. */
function checkLines(l: Layout) {
  for (const r of l.rows) {
    for (const c of [r.old, r.new]) {
      for (const line of c.lines) expect(lineWidth(line), `${c.part}: ${line.spans.map((s) => s.text).join(' ')}`).toBeLessThanOrEqual(l.column - 2 * PAD_X + 1e-9);
      if (!l.stacked) expect(c.lines.length * LINE, c.part).toBeLessThanOrEqual(r.height);
    }
  }
}

describe('the side-by-side picture', () => {
  it('has a cell for every part of the model, each in its row', () => {
    for (const s of all) {
      const l = layout(s, { width: 78 });
      expect(l.rows.flatMap((r) => [r.old.part, r.new.part]).sort()).toEqual([...PARTS].sort());
      expect(l.stacked).toBe(false);
      checkLines(l);
    }
  });

  it('stacks the two sides in a phone’s column, every line inside it', () => {
    for (const s of all) {
      const l = layout(s, { width: 22.4, level: 'medium' });
      expect(l.stacked).toBe(true);
      checkLines(l);
    }
  });

  it('keeps the place of every row above the calls from step to step', () => {
    for (const width of [78, 60]) {
      const tops = (l: Layout) => {
        const out = new Map<RowId, number>();
        let y = 0;
        for (const r of l.rows) {
          out.set(r.id, y);
          y += r.height;
        }
        return out;
      };
      const first = tops(layout(all[0]!, { width }));
      for (const s of all) {
        const t = tops(layout(s, { width }));
        for (const id of [...FIXED, 'calls' as const]) expect(t.get(id), `${id} at step ${s.step}`).toBeCloseTo(first.get(id)!);
      }
    }
  });

  it('marks the step’s function in the calls and cuts long call chains around it', () => {
    const s0 = layout(all[0]!, { width: 78, budget: 8 });
    const calls = s0.rows.find((r) => r.id === 'calls')!;
    for (const c of [calls.old, calls.new]) {
      expect(c.lines.length).toBeLessThanOrEqual(6);
      expect(c.lines.some((l) => l.spans.some((s) => s.cls === 'hit' && s.text === 'klp_enable_patch()'))).toBe(true);
      expect(c.lines.some((l) => l.spans.some((s) => s.cls === 'more'))).toBe(true);
    }
    // both functions the caption names are shown: klp_register_patch() and klp_enable_patch()
    expect(calls.old.lines.some((l) => l.spans.some((s) => s.cls === 'hit' && s.text === 'klp_register_patch()'))).toBe(true);
    const lines = (n: number) => Array.from({ length: n }, (_, i): Line => ({ spans: [{ text: `f${i}()`, cls: 'call' }], indent: 0 }));
    const blocks = (n: number) => ({ lines: lines(n), block: Array.from({ length: n }, (_, i) => i) });
    expect(cutCalls(blocks(4), 6, [2])).toHaveLength(4);
    const head = cutCalls(blocks(10), 5, [1]);
    expect(head.map((l) => l.spans[0]!.text)).toEqual(['f0()', 'f1()', 'f2()', 'f3()', '⋯ 6 more calls']);
    const around = cutCalls(blocks(10), 5, [7]);
    expect(around.map((l) => l.spans[0]!.text)).toEqual(['⋯ 6 more calls above', 'f6()', 'f7()', 'f8()', '⋯ 1 more call']);
    const wide = cutCalls(blocks(12), 5, [3, 9]);
    expect(wide[0]!.spans[0]!.text).toBe('⋯ 3 more calls above');
    expect(wide[1]!.spans[0]!.text).toBe('f3()');
    // too far apart: the step's own function wins
    const own = cutCalls(blocks(12), 5, [1, 9], [9]);
    expect(own.some((l) => l.spans[0]!.text === 'f9()')).toBe(true);
    // at step 6 the new side shows klp_enable_patch(), the step's function, though load_module() is named too
    const s6 = layout(all[6]!, { width: 78, budget: 8 }).rows.find((r) => r.id === 'calls')!;
    expect(s6.new.lines.some((l) => l.spans.some((sp) => sp.cls === 'hit' && sp.text === 'klp_enable_patch()'))).toBe(true);
    expect(s6.old.lines.some((l) => l.spans.some((sp) => sp.cls === 'hit' && sp.text === 'load_module()'))).toBe(true);
  });
});

describe('fitting a box', () => {
  const BOXES = {
    workbench: { width: 78, height: 29 },
    talk: { width: 78, height: 26 },
    embed: { width: 58.7, height: 22 },
  };
  for (const [name, box] of Object.entries(BOXES)) {
    it(`fits the ${name} box at every step, legibly, the focus shown`, () => {
      const scales = new Set<string>();
      all.forEach((s, i) => {
        const l = fitLayout(s, box, focusOf(i));
        expect(l.fits, `step ${i}`).toBe(true);
        expect(l.height * l.scale).toBeLessThanOrEqual(box.height + 1e-9);
        expect(l.scale).toBeGreaterThanOrEqual(MIN_SCALE);
        expect(SIZE.label * l.scale).toBeGreaterThanOrEqual(MIN_TEXT - 1e-9);
        const shown = new Set(l.rows.flatMap((r) => [r.old.part, r.new.part]));
        for (const p of focusOf(i)) expect(shown.has(p), `step ${i}: ${p}`).toBe(true);
        checkLines(l);
        if (!l.hidden.length) scales.add(`${l.level} ${l.scale.toFixed(3)}`);
      });
      expect(scales.size).toBeLessThanOrEqual(1);
    });
  }

  it('shows every row in the workbench box', () => {
    all.forEach((s, i) => expect(fitLayout(s, BOXES.workbench, focusOf(i)).hidden).toEqual([]));
  });
});
