/**
 * The character classes of glibc's UTF-8 locales (C.UTF-8) that wc asks
 * about past ASCII: iswprint, iswspace and wcwidth. The simulated shell runs
 * in a UTF-8 locale. glibc derives these from Unicode (localedata's
 * gen_unicode_ctype.py); here they come from JavaScript's Unicode property
 * escapes, and wcwidth's double width from the East Asian Wide and
 * Fullwidth blocks (a table of ranges, not the full EastAsianWidth.txt).
 */

/** iswprint(): everything assigned but controls and the line and paragraph separators. */
const NOT_PRINT = /[\p{Cc}\p{Cn}\p{Zl}\p{Zp}]/u;

/** iswspace() past ASCII: glibc leaves out the no-break spaces (U+00A0, U+2007, U+202F). */
const SPACE = new Set([0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x205f, 0x3000]);

/** coreutils' iswnbspace(): wc also ends a word at a no-break space (unless POSIXLY_CORRECT). */
const NBSPACE = new Set([0x00a0, 0x2007, 0x202f, 0x2060]);

/** wcwidth() 0: combining marks, format characters (but the soft hyphen), Hangul medial vowels and final consonants. */
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}\u1160-\u11ff]/u;

/** wcwidth() 2: East Asian Wide and Fullwidth blocks, and the emoji blocks. */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

export function isPrint(cp: number): boolean {
  return !NOT_PRINT.test(String.fromCodePoint(cp));
}

/** A character that ends a word for wc: iswspace() or iswnbspace(). */
export function isWordSeparator(cp: number): boolean {
  return SPACE.has(cp) || NBSPACE.has(cp);
}

/** wcwidth() of a printable character past ASCII. */
export function charWidth(cp: number): number {
  if (cp !== 0xad && ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0;
  return WIDE.some(([lo, hi]) => cp >= lo && cp <= hi) ? 2 : 1;
}
