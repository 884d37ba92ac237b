/**
 * POSIX bracket expressions ([a-z], [^]x], [[:digit:]], [[=a=]], [[.-.]]) as
 * GNU grep reads them in the C locale: glibc regcomp's parse_bracket_exp()
 * decides what is an error (it runs first, dfasearch.c GEAcompile), and
 * gnulib dfa.c's parse_bracket_exp() adds one error of its own, the
 * "[:space:]" written without its outer brackets.
 */
import { RegexError, type CharTest } from './errors';

/** The classes of the C locale (glibc's ctype, ASCII). */
const CLASSES: Readonly<Record<string, CharTest>> = {
  alpha: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  upper: (c) => c >= 65 && c <= 90,
  lower: (c) => c >= 97 && c <= 122,
  digit: (c) => c >= 48 && c <= 57,
  xdigit: (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102),
  alnum: (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  space: (c) => c === 32 || (c >= 9 && c <= 13),
  blank: (c) => c === 32 || c === 9,
  punct: (c) => (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126),
  print: (c) => c >= 32 && c <= 126,
  graph: (c) => c >= 33 && c <= 126,
  cntrl: (c) => c < 32 || c === 127,
};

export const isWordChar: CharTest = (c) => c === 95 || CLASSES.alnum!(c);
export const isSpace = CLASSES.space!;

/** regcomp's REG_EBRACK, as grep prints it. */
const UNMATCHED = 'Unmatched [, [^, [:, [., or [=';

/** -i: a character matches when it, or it in the other case, does. */
export function foldCase(test: CharTest): CharTest {
  return (c) => test(c) || (c >= 65 && c <= 90 && test(c + 32)) || (c >= 97 && c <= 122 && test(c - 32));
}

/**
 * The expression starting at pattern[start] (a "["): its test and the index
 * just past its "]". Backslashes are ordinary inside, as POSIX has it.
 */
export function bracket(pattern: string, start: number): { test: CharTest; next: number; confusing: boolean } {
  let j = start + 1;
  const negate = pattern[j] === '^';
  if (negate) j++;
  const bodyStart = j;
  const ranges: number[] = [];
  const classes: CharTest[] = [];
  let ranged = false;
  for (let first = true; ; first = false) {
    if (j >= pattern.length) throw new RegexError(UNMATCHED);
    if (pattern[j] === ']' && !first) break;
    const el = element(pattern, j);
    j = el.next;
    if (el.cls) {
      if (pattern[j] === '-' && pattern[j + 1] !== ']' && j + 1 < pattern.length) throw new RegexError('Invalid range end');
      classes.push(el.cls);
      continue;
    }
    let hi = el.code;
    if (pattern[j] === '-' && j + 1 < pattern.length && pattern[j + 1] !== ']') {
      const end = element(pattern, j + 1);
      if (end.cls) throw new RegexError('Invalid range end');
      hi = end.code;
      j = end.next;
      if (hi < el.code) throw new RegexError('Invalid range end');
      ranged = true;
    }
    ranges.push(el.code, hi);
  }
  // dfa.c refuses "[:space:]" (a bracket of its letters, never what was meant), after regcomp accepted it.
  const confusing = !ranged && classes.length === 0 && /^:[^]*[^:][^]*:$/.test(pattern.slice(bodyStart, j));
  const member: CharTest = (c) => {
    for (let k = 0; k < ranges.length; k += 2) if (c >= ranges[k]! && c <= ranges[k + 1]!) return true;
    return classes.some((t) => t(c));
  };
  return { test: negate ? (c) => !member(c) : member, next: j + 1, confusing };
}

/** One member: a character, [=c=] or [.c.] (one character here), or [:class:]. */
function element(pattern: string, j: number): { code: number; cls: CharTest | null; next: number } {
  const delim = pattern[j] === '[' ? pattern[j + 1] : undefined;
  if (delim !== ':' && delim !== '=' && delim !== '.') return { code: pattern.charCodeAt(j), cls: null, next: j + 1 };
  const close = pattern.indexOf(`${delim}]`, j + 2);
  if (close < 0) throw new RegexError(UNMATCHED);
  const name = pattern.slice(j + 2, close);
  if (delim === ':') {
    const cls = Object.hasOwn(CLASSES, name) ? CLASSES[name]! : null;
    if (!cls) throw new RegexError('Invalid character class name');
    return { code: -1, cls, next: close + 2 };
  }
  if (name.length !== 1) throw new RegexError('Invalid collation character');
  return { code: name.charCodeAt(0), cls: null, next: close + 2 };
}
