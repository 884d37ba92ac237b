import { describe, expect, it } from 'vitest';
import { focusAny, monoChars, nearestScroll, needsLess, revealScroll, spansFit } from './fit';

describe('focusAny', () => {
  it('gives the key of the first focused name, else nothing', () => {
    const focus = [{ patch: 'b' }, { task: 'fio' }];
    expect(focusAny(focus, 'patch', ['a', 'b'])).toBe('patch:b');
    expect(focusAny(focus, 'patch', ['a'])).toBeUndefined();
    expect(focusAny(focus, 'task', [])).toBeUndefined();
  });
});

describe('monoChars', () => {
  it('counts monospace characters that fit, never negative', () => {
    expect(monoChars(124, 10)).toBe(20);
    expect(monoChars(-5, 12)).toBe(0);
  });
});

describe('nearestScroll', () => {
  it('leaves a visible span where it is', () => {
    expect(nearestScroll(100, 300, 150, 200)).toBe(100);
  });
  it('scrolls down just enough for a span below, up for one above', () => {
    expect(nearestScroll(0, 300, 500, 540, 8)).toBe(248);
    expect(nearestScroll(400, 300, 100, 140, 8)).toBe(92);
  });
  it('shows the start of a span taller than the viewport, never below 0', () => {
    expect(nearestScroll(0, 100, 200, 600, 8)).toBe(192);
    expect(nearestScroll(50, 300, 2, 20, 8)).toBe(0);
  });
});

describe('revealScroll', () => {
  it('shows every target when their union fits', () => {
    expect(revealScroll(0, 300, [{ start: 400, end: 420 }, { start: 500, end: 520 }], 8)).toBe(228);
  });
  it('shows the first target when they do not all fit', () => {
    expect(revealScroll(0, 100, [{ start: 400, end: 420 }, { start: 900, end: 920 }], 8)).toBe(328);
  });
  it('does nothing without targets', () => {
    expect(revealScroll(42, 100, [])).toBe(42);
  });
});

describe('spansFit', () => {
  it('fits spans whose union, with margins, is no larger than the size', () => {
    expect(spansFit([{ start: 10, end: 50 }, { start: 60, end: 84 }], 90, 8)).toBe(true);
    expect(spansFit([{ start: 10, end: 50 }, { start: 60, end: 85 }], 90, 8)).toBe(false);
    expect(spansFit([], 0)).toBe(true);
  });
});

describe('needsLess', () => {
  const m = (focus: boolean, focusFits: boolean, overflows: boolean) => ({ focus, focusFits, overflows });
  it('keeps the full picture when the view shows no focused actor', () => {
    expect(needsLess(0, 3, m(false, true, true))).toBe(false);
  });
  it('puts what the step does not need out of the way once anything overflows', () => {
    expect(needsLess(0, 3, m(true, true, true))).toBe(true);
    expect(needsLess(1, 3, m(true, true, true))).toBe(false);
    expect(needsLess(0, 3, m(true, true, false))).toBe(false);
  });
  it('goes on while the focus does not fit, up to the last level', () => {
    expect(needsLess(2, 3, m(true, false, true))).toBe(true);
    expect(needsLess(3, 3, m(true, false, true))).toBe(false);
  });
});
