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
 * How much the page scales the box (a talk-mode stage is scaled as one unit):
 * its rendered height over its layout height. Rects are in rendered px,
 * scroll positions and client sizes in layout px.
 */
function scaleOf(box: HTMLElement, rect: DOMRect): number {
  if (box.offsetHeight > 0 && rect.height > 0) return rect.height / box.offsetHeight;
  return box.offsetWidth > 0 && rect.width > 0 ? rect.width / box.offsetWidth : 1;
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
  const k = scaleOf(box, b);
  const rects = els.map((e) => e.getBoundingClientRect());
  // content coordinates, in the box's own px: from its padding edge, plus what is scrolled away
  const dy = box.scrollTop - box.clientTop;
  const dx = box.scrollLeft - box.clientLeft;
  const ys = rects.map((r) => ({ start: (r.top - b.top) / k + dy, end: (r.bottom - b.top) / k + dy }));
  const xs = rects.map((r) => ({ start: (r.left - b.left) / k + dx, end: (r.right - b.left) / k + dx }));
  const y = revealScroll(box.scrollTop, box.clientHeight, ys, margin);
  const x = revealScroll(box.scrollLeft, box.clientWidth, xs, margin);
  if (y !== box.scrollTop) box.scrollTop = y;
  if (x !== box.scrollLeft) box.scrollLeft = x;
}

// --- detail levels -------------------------------------------------------------
//
// A fitted view draws its picture at the most detailed level at which the
// step's focus can be seen whole: level 0 is the full picture, each level up
// draws less (what the step does not need collapses first, then the focused
// actors themselves get terser). The view starts every step at level 0 and
// goes up one level at a time, measuring after each render, until the focus
// fits its box (fitLevel below); what each level draws is the view's own pure
// function, tested without a browser.

/** Whether spans (content coordinates) fit together into `size` px, with `margin` on both sides. */
export function spansFit(targets: readonly Span[], size: number, margin = 8): boolean {
  if (targets.length === 0) return true;
  const start = Math.min(...targets.map((t) => t.start));
  const end = Math.max(...targets.map((t) => t.end));
  return end - start + 2 * margin <= size;
}

/** What a fitted view measured in its scroll box after drawing one level. */
export interface FitMeasure {
  /** the box shows at least one focused actor */
  focus: boolean;
  /** all of them fit into the box at once, across and down */
  focusFits: boolean;
  /** the box's content is larger than the box */
  overflows: boolean;
}

/**
 * Whether to draw one level less. Without a focused actor the view keeps its
 * full picture; with one, what the step does not need is put out of the way
 * (level 1) as soon as anything overflows, and the focused actors are drawn
 * tersely only while they do not all fit.
 */
export function needsLess(level: number, max: number, m: FitMeasure): boolean {
  if (level >= max || !m.focus) return false;
  return !m.focusFits || (level < 1 && m.overflows);
}

/**
 * What a fitted view wants seen whole: its focused actors and what it marks
 * `data-related` (drawn for the step without being its focus: a freed
 * patch's card beside its focused module's row). Only [data-focus] is
 * scrolled to when not all of it fits.
 */
export const FIT_TARGETS = '[data-focus], [data-related]';

/** Measures `box` (the elements `selector` finds in it, against its own size). */
export function measureFit(box: HTMLElement, margin = 8, selector = FIT_TARGETS): FitMeasure {
  const els = [...box.querySelectorAll<Element>(selector)]
    .map((e) => e.getBoundingClientRect())
    .filter((r) => r.width > 0 || r.height > 0);
  const overflows = box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
  if (els.length === 0) return { focus: false, focusFits: true, overflows };
  const b = box.getBoundingClientRect();
  const k = scaleOf(box, b);
  const ys = els.map((r) => ({ start: (r.top - b.top) / k, end: (r.bottom - b.top) / k }));
  // across, each one on its own: several side by side are fine, one wider than the box is not
  const across = els.every((r) => r.width / k <= box.clientWidth + 0.5);
  return { focus: true, focusFits: across && spansFit(ys, box.clientHeight, margin), overflows };
}
