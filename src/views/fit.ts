/**
 * What every kernel view needs for its `focus` and `fit` props
 * (src/views/README.md): finding the focus among several names, the
 * smallest text size, and scrolling the focused actors into view inside the
 * view's own scroll box. Pure but for revealIn(), which reads and sets only
 * that box's scroll position: never Element.scrollIntoView(), which would
 * scroll every ancestor, the page included.
 */
import { focusAttr, type Actor, type ActorKind } from './focus';

/** The smallest text a view draws, in rem: 12 px in the workbench, 18 px at a 24 px root. */
export const TEXT_MIN_REM = 0.75;

/**
 * The advance of one character of the monospace font, in em. DejaVu Sans
 * Mono and the usual ui-monospace fonts are 0.6 em; a little more keeps an
 * estimate on the safe side.
 */
export const MONO_EM = 0.62;

/** The `data-focus` value for an element that shows several actors of one kind (a state holding two patches). */
export function focusAny(actors: readonly Actor[], kind: ActorKind, names: readonly string[]): string | undefined {
  for (const n of names) {
    const a = focusAttr(actors, kind, n);
    if (a) return a;
  }
  return undefined;
}

/** How many monospace characters fit into `width` px at `fontPx`. */
export function monoChars(width: number, fontPx: number): number {
  return Math.max(0, Math.floor(width / (fontPx * MONO_EM)));
}

/**
 * The new scroll position along one axis so that the span [start, end]
 * (content coordinates) is visible in a viewport of `size` px scrolled to
 * `scroll`: the nearest position, so nothing moves when it is already
 * visible; a span larger than the viewport shows its start.
 */
export function nearestScroll(scroll: number, size: number, start: number, end: number, margin = 8): number {
  const a = start - margin;
  const b = end + margin;
  if (a >= scroll && b <= scroll + size) return scroll;
  if (b - a > size || a < scroll) return Math.max(0, a);
  return Math.max(0, b - size);
}

export interface Span {
  start: number;
  end: number;
}

/**
 * The scroll position that shows as many targets as fit: all of them when
 * their union fits the viewport, else the first one.
 */
export function revealScroll(scroll: number, size: number, targets: readonly Span[], margin = 8): number {
  if (targets.length === 0) return scroll;
  const start = Math.min(...targets.map((t) => t.start));
  const end = Math.max(...targets.map((t) => t.end));
  if (end - start + 2 * margin <= size) return nearestScroll(scroll, size, start, end, margin);
  return nearestScroll(scroll, size, targets[0]!.start, targets[0]!.end, margin);
}

/**
 * Scrolls `box` (and only it) so that its `[data-focus]` elements are in
 * view, as many as fit, the first one first. Does nothing when they already are.
 */
export function revealIn(box: HTMLElement | null | undefined, margin = 8): void {
  if (!box) return;
  const els = [...box.querySelectorAll<Element>('[data-focus]')].filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 || r.height > 0;
  });
  if (els.length === 0) return;
  const b = box.getBoundingClientRect();
  const rects = els.map((e) => e.getBoundingClientRect());
  // content coordinates: from the box's padding edge, plus what is scrolled away
  const top = b.top + box.clientTop - box.scrollTop;
  const left = b.left + box.clientLeft - box.scrollLeft;
  const y = revealScroll(box.scrollTop, box.clientHeight, rects.map((r) => ({ start: r.top - top, end: r.bottom - top })), margin);
  const x = revealScroll(box.scrollLeft, box.clientWidth, rects.map((r) => ({ start: r.left - left, end: r.right - left })), margin);
  if (y !== box.scrollTop) box.scrollTop = y;
  if (x !== box.scrollLeft) box.scrollLeft = x;
}
