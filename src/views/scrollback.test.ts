import { describe, expect, it } from 'vitest';
import { bottomOf, clipLine, columns, moreMark, newest, offsets, rowAt, windowOf, wrappedRows } from './scrollback';

describe('the scrollback keeps the newest lines', () => {
  const steps = [['a1', 'a2', 'a3'], [], ['b1', 'b2'], ['c1']];

  it('takes them across steps, oldest first, and counts what it left out', () => {
    expect(newest(steps, 4)).toEqual({ items: ['a3', 'b1', 'b2', 'c1'], dropped: 2 });
    expect(newest(steps, 100)).toEqual({ items: ['a1', 'a2', 'a3', 'b1', 'b2', 'c1'], dropped: 0 });
    expect(newest(steps, 0)).toEqual({ items: [], dropped: 6 });
  });

  it('keeps exactly the limit of a step longer than it', () => {
    const big = Array.from({ length: 25_000 }, (_, i) => i);
    const { items, dropped } = newest([big, [25_000]], 10_000);
    expect(items).toHaveLength(10_000);
    expect(items[0]).toBe(15_001);
    expect(items.at(-1)).toBe(25_000);
    expect(dropped).toBe(15_001);
  });
});

describe('one line is drawn to a bounded length', () => {
  it('cuts a long line and says how much is left out', () => {
    const line = 'x'.repeat(10_000_000);
    const { text, more } = clipLine(line, 4096);
    expect(text).toHaveLength(4096);
    expect(more).toBe(10_000_000 - 4096);
    expect(moreMark(more)).toBe('… (9,995,904 more characters)');
    expect(moreMark(1)).toBe('… (1 more character)');
  });

  it('leaves a line of the limit whole, and never cuts a character in two', () => {
    expect(clipLine('abc', 3)).toEqual({ text: 'abc', more: 0 });
    // U+1F600 is two UTF-16 units: a cut between them would draw a broken character
    expect(clipLine('ab😀cd', 3)).toEqual({ text: 'ab', more: 4 });
    expect(clipLine('ab😀cd', 4)).toEqual({ text: 'ab😀', more: 2 });
  });
});

describe('the rows a line takes, wrapped as a terminal wraps', () => {
  it('counts columns with tabs to the next stop of 8', () => {
    expect(columns('abc')).toBe(3);
    expect(columns('State:\tD')).toBe(9);
    expect(columns('\t\t')).toBe(16);
    expect(columns('\tx', 5)).toBe(9);
  });

  it('wraps at the last column; an empty line still takes a row', () => {
    expect(wrappedRows(0, 80)).toBe(1);
    expect(wrappedRows(80, 80)).toBe(1);
    expect(wrappedRows(81, 80)).toBe(2);
    expect(wrappedRows(4096, 60)).toBe(69);
    expect(wrappedRows(10, 0)).toBe(10);
  });
});

describe('the window: only the rows in view and a margin', () => {
  // 10,000 lines of one row each, and one of 50 rows at index 5,000
  const heights = Array.from({ length: 10_000 }, (_, i) => (i === 5_000 ? 50 : 1));
  const offs = offsets(heights);

  it('sums the heights', () => {
    expect(offs[0]).toBe(0);
    expect(offs[5_001]! - offs[5_000]!).toBe(50);
    expect(offs[10_000]).toBe(10_049);
  });

  it('finds the row at a height', () => {
    expect(rowAt(offs, 0)).toBe(0);
    expect(rowAt(offs, 0.5)).toBe(0);
    expect(rowAt(offs, 1)).toBe(1);
    expect(rowAt(offs, 5_020)).toBe(5_000);
    expect(rowAt(offs, 1e9)).toBe(10_000);
  });

  it('at the bottom, draws the newest row and a bounded number of others', () => {
    const view = 30;
    const { start, end } = windowOf(offs, bottomOf(offs, view), view, view);
    expect(end).toBe(10_000);
    expect(end - start).toBe(60);
    expect(offs[start]).toBeLessThanOrEqual(bottomOf(offs, view) - view);
  });

  it('covers every row that meets the view or the margins, wherever the view is', () => {
    for (const top of [0, 17.5, 4_990, 5_010, 5_049.9, 9_000]) {
      const { start, end } = windowOf(offs, top, 30, 10);
      // the first row drawn begins at or above the margin, the last ends at or below it
      expect(offs[start]).toBeLessThanOrEqual(Math.max(0, top - 10));
      expect(offs[end]).toBeGreaterThanOrEqual(Math.min(offs[10_000]!, top + 40));
      // and no row drawn is wholly outside the margins
      expect(offs[start + 1]).toBeGreaterThan(top - 10);
      expect(offs[end - 1]).toBeLessThan(top + 40);
      expect(end - start).toBeLessThanOrEqual(52);
    }
  });

  it('draws nothing of nothing, and the one row of one', () => {
    expect(windowOf(offsets([]), 0, 30, 30)).toEqual({ start: 0, end: 0 });
    expect(windowOf(offsets([3]), 0, 0, 0)).toEqual({ start: 0, end: 1 });
  });
});
