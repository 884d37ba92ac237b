/**
 * A terminal's scrollback as the page draws it: a bounded number of lines,
 * each drawn to a bounded length, and of those only the rows in view plus a
 * margin in the DOM (a virtualised list). The maths is here, pure; the
 * Shell and Kernel log views measure the page and draw the window.
 */
import { count } from './text';

/**
 * Lines kept: GNOME Terminal's default scrollback (the profile key `scrollback-lines`,
 * 10000, in org.gnome.Terminal.gschema.xml; the VTE widget alone keeps 512). Older
 * lines are gone from the view, as they are from a terminal.
 */
export const SCROLLBACK_LINES = 10_000;

/**
 * Characters of one line drawn; the rest is counted in a "… (N more characters)" mark.
 * A path is at most PATH_MAX (4096) bytes and a printk record at most 1024, so no line
 * the kernel or the tools print here is cut; an `echo` of 64 MB is, instead of
 * freezing the page while the browser lays it out.
 */
export const LINE_DRAWN_MAX = 4_096;

/** pre-wrap's tab stops (CSS tab-size: 8, as a terminal's). */
const TAB = 8;

/** The newest `limit` items of groups drawn one after another (each step's lines), without joining all of them. */
export function newest<T>(groups: readonly (readonly T[])[], limit = SCROLLBACK_LINES): { items: T[]; dropped: number } {
  const picked: (readonly T[])[] = [];
  let taken = 0;
  let total = 0;
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g]!;
    total += group.length;
    if (taken >= limit) continue;
    const want = Math.min(group.length, limit - taken);
    picked.push(want === group.length ? group : group.slice(group.length - want));
    taken += want;
  }
  return { items: picked.reverse().flat(), dropped: total - taken };
}

/** A line as drawn: at most `max` characters (never half a surrogate pair), and how many are left out. */
export function clipLine(text: string, max = LINE_DRAWN_MAX): { text: string; more: number } {
  if (text.length <= max) return { text, more: 0 };
  // A high surrogate last would draw as a broken character.
  const cut = /[\ud800-\udbff]/.test(text[max - 1]!) ? max - 1 : max;
  return { text: text.slice(0, cut), more: text.length - cut };
}

/** The mark after a clipped line. */
export function moreMark(more: number): string {
  return `… (${count(more)} more character${more === 1 ? '' : 's'})`;
}

/** Columns a text takes, tabs to the next stop after `start` columns. */
export function columns(text: string, start = 0): number {
  if (!text.includes('\t')) return start + text.length;
  let col = start;
  for (const c of text) col = c === '\t' ? (Math.floor(col / TAB) + 1) * TAB : col + 1;
  return col;
}

/**
 * Screen rows a line takes, wrapped anywhere (word-break: break-all, as a terminal
 * wraps) at `cols` columns. An estimate where characters are wider or narrower than a
 * column (wide or combining characters): the views measure what they draw and keep
 * the measure instead.
 */
export function wrappedRows(width: number, cols: number): number {
  return Math.max(1, Math.ceil(width / Math.max(1, cols)));
}

/** Where each row starts: offsets[i] is the sum of heights[0..i), offsets[n] the total. */
export function offsets(heights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(heights.length + 1);
  for (let i = 0; i < heights.length; i++) out[i + 1] = out[i]! + heights[i]!;
  return out;
}

/** The row at y: the first whose bottom is below y (n when y is past the end). */
export function rowAt(offs: Float64Array, y: number): number {
  let lo = 0;
  let hi = offs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offs[mid + 1]! > y) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The rows to draw, [start, end): every row that meets the view [top, top + height),
 * and those within `margin` px above and below it, so that scrolling by a little
 * never shows a gap before the next frame draws more.
 */
export function windowOf(offs: Float64Array, top: number, height: number, margin: number): { start: number; end: number } {
  const n = offs.length - 1;
  if (n === 0) return { start: 0, end: 0 };
  const start = Math.min(rowAt(offs, Math.max(0, top - margin)), n - 1);
  const bottom = top + height + margin;
  const last = rowAt(offs, bottom); // a row that begins at the bottom edge is outside
  const end = Math.max(start + 1, Math.min(n, offs[last]! < bottom ? last + 1 : last));
  return { start, end };
}

/** The scroll position that shows the last row at the bottom of the view. */
export function bottomOf(offs: Float64Array, height: number): number {
  return Math.max(0, offs[offs.length - 1]! - height);
}
