/**
 * How wide a line of text is, without a browser, so the stories can lay out
 * their pictures in pure code (and test them) and still know that a word fits
 * its box. Sizes are in em of the text's own font size: a width of 5 at a
 * size of 0.8 is 4 units of the picture.
 *
 * The widths are DejaVu Sans and DejaVu Sans Mono, the fonts `system-ui` and
 * `ui-monospace` are on Debian (and among the widest sans fonts anywhere), with
 * a small margin, so a line measured here is not narrower on screen.
 */
import { middle } from '../views/text';

export type Font = 'sans' | 'sansBold' | 'mono';

/** Advance widths of printable ASCII (32–126), in em, measured in Chromium. */
const SANS = [
  0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636,
  0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531, 1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656,
  0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613,
  0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592,
  0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
];
const SANS_BOLD = [
  0.348, 0.456, 0.521, 0.838, 0.696, 1.002, 0.872, 0.306, 0.457, 0.457, 0.523, 0.838, 0.38, 0.415, 0.38, 0.365, 0.696, 0.696, 0.696, 0.696, 0.696,
  0.696, 0.696, 0.696, 0.696, 0.696, 0.4, 0.4, 0.838, 0.838, 0.838, 0.58, 1.0, 0.774, 0.762, 0.734, 0.83, 0.683, 0.683, 0.821, 0.837, 0.372, 0.372,
  0.775, 0.637, 0.995, 0.837, 0.85, 0.733, 0.85, 0.77, 0.72, 0.682, 0.812, 0.774, 1.103, 0.771, 0.724, 0.725, 0.457, 0.365, 0.457, 0.838, 0.5, 0.5,
  0.675, 0.716, 0.593, 0.716, 0.678, 0.435, 0.716, 0.712, 0.343, 0.343, 0.665, 0.343, 1.042, 0.712, 0.687, 0.716, 0.716, 0.493, 0.595, 0.478, 0.712,
  0.652, 0.924, 0.645, 0.652, 0.582, 0.712, 0.365, 0.712, 0.838,
];
const MONO = 0.602;
/** a margin for hinting, kerning and a font a little wider than DejaVu */
const SLACK = 1.04;

function charWidth(c: string, font: Font): number {
  if (font === 'mono') return MONO;
  const code = c.charCodeAt(0);
  const table = font === 'sans' ? SANS : SANS_BOLD;
  if (code >= 32 && code < 127) return table[code - 32]!;
  // arrows, dashes, ellipsis, check marks: about as wide as an M
  return c === '·' || c === '’' ? 0.33 : 1.0;
}

/** The width of `text` at font size `size` (in the caller's units). */
export function textWidth(text: string, size: number, font: Font): number {
  let w = 0;
  for (const c of text) w += charWidth(c, font);
  return w * size * SLACK;
}

/**
 * Breaks `text` into lines no wider than `max` at word boundaries (spaces);
 * a single word wider than a line is shortened in the middle.
 */
export function wrap(text: string, max: number, size: number, font: Font): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (textWidth(next, size, font) <= max) {
      line = next;
      continue;
    }
    if (line) lines.push(line);
    line = textWidth(word, size, font) <= max ? word : fitName(word, max, size, font);
  }
  if (line) lines.push(line);
  return lines;
}

/** `name` as it fits `max`: whole, or shortened in the middle (middle()). */
export function fitName(name: string, max: number, size: number, font: Font): string {
  if (textWidth(name, size, font) <= max) return name;
  let n = name.length - 1;
  while (n > 1 && textWidth(middle(name, n), size, font) > max) n--;
  return middle(name, n);
}

/** A shell command shortened to fit `max` (mono): its path cut in the middle ("echo 0 > …/P/enabled"), else the whole in the middle. */
export function shortCommand(command: string, max: number, size: number): string {
  if (textWidth(command, size, 'mono') <= max) return command;
  const m = /^(.*> )\/.*\/([^/]+\/[^/]+)$/.exec(command);
  if (m) {
    const short = `${m[1]}…/${m[2]}`;
    if (textWidth(short, size, 'mono') <= max) return short;
  }
  return fitName(command, max, size, 'mono');
}
