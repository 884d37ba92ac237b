/**
 * coreutils' quotef(): how GNU tools name a file in an error message
 * (gnulib quotearg, shell_escape_quoting_style, `:` quoted too). A name a
 * shell would read as it is stays bare; else it is single-quoted (a `'`
 * as '\''), double-quoted when a `'` is its only trouble, and unprintable
 * characters are $'\n' escapes between the quoted pieces. Checked with
 * Debian 12's coreutils 9.1 (`wc -- NAME`).
 */
import { isPrint } from './utf8-classes';

/** Characters a shell would read as syntax; `#` and `~` only lead a word, `{` and `}` only stand alone. */
const SPECIAL = new Set([...' \t!"$&\'()*;<=>?[\\^`|:']);
/** What changes meaning inside double quotes (and `!`, bash's history expansion). */
const NOT_IN_DOUBLE = new Set([...'"$`\\!']);

const ESCAPES: Readonly<Record<number, string>> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r' };

const printable = (ch: string) => {
  const cp = ch.codePointAt(0)!;
  return cp < 0x80 ? cp >= 0x20 && cp < 0x7f : isPrint(cp);
};

/** $'...' for one unprintable character: its named escape, else its UTF-8 bytes in octal. */
function escaped(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const named = ESCAPES[cp];
  if (named) return `\\${named}`;
  return [...new TextEncoder().encode(ch)].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

export function quotef(name: string): string {
  const chars = [...name];
  const special = (ch: string, i: number) =>
    SPECIAL.has(ch) || ((ch === '#' || ch === '~') && i === 0) || ((ch === '{' || ch === '}') && chars.length === 1);
  if (chars.length > 0 && chars.every((ch, i) => printable(ch) && !special(ch, i))) return name;
  const allPrintable = chars.every(printable);
  if (allPrintable && name.includes("'") && !chars.some((ch) => NOT_IN_DOUBLE.has(ch))) return `"${name}"`;
  let out = "'";
  let inEscape = false;
  for (const ch of chars) {
    if (printable(ch)) {
      if (inEscape) out += "''";
      inEscape = false;
      out += ch === "'" ? "'\\''" : ch;
    } else {
      out += inEscape ? escaped(ch) : `'$'${escaped(ch)}`;
      inEscape = true;
    }
  }
  // closes the last quoted piece, or the last $'...'
  return `${out}'`;
}
