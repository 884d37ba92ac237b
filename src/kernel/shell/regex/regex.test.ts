/**
 * GNU grep's patterns, checked against Debian 12's grep 3.8 on the real
 * machine (../shared/realkernel/ask.sh): each case is what it printed for
 * these lines (`printf '…' | grep ARGS`), and the time a search takes grows
 * with the line, never exponentially.
 */
import { describe, expect, it } from 'vitest';
import { compileGrep, RegexError, RegexExhausted, type GrepOptions } from './index';

const LINES = ['a', 'ab', 'a)', '*a', 'a{1', 'b', 'aa', 'aaa', 'x y', 'foo_bar baz', '(a', '{1}a', 'd'];
const BRE: GrepOptions = { extended: false, fixed: false, ignoreCase: false, word: false, line: false };
const ERE: GrepOptions = { ...BRE, extended: true };

function grep(pattern: string, opts: GrepOptions, lines = LINES) {
  const m = compileGrep([pattern], opts, () => {});
  return { lines: lines.filter((l) => m.test(l)), warnings: m.warnings };
}
const error = (pattern: string, opts: GrepOptions) => {
  try {
    compileGrep([pattern], opts, () => {});
  } catch (e) {
    if (e instanceof RegexError) return e.message;
    throw e;
  }
  return null;
};

describe("grep's syntax, as grep 3.8 reads it", () => {
  it('matches what the real grep matched', () => {
    const cases: [string, GrepOptions, string[]][] = [
      ['a)', ERE, ['a)']],
      ['a{', ERE, ['a{1']],
      ['a{1', ERE, ['a{1']],
      ['^a{,2}$', ERE, ['a', 'aa']],
      ['^a{1}{2}$', ERE, ['aa']],
      ['\\d', BRE, ['d']],
      ['a\\/', BRE, []],
      ['\\{1\\}a', ERE, ['{1}a']],
      ['\\{1\\}a', BRE, ['{1}a']],
      ['a\\+', ERE, []],
      ['\\+a', BRE, []],
      ['\\(a\\)*\\1', BRE, ['aa', 'aaa']],
      ['^*a', BRE, ['*a']],
      ['a^b', BRE, []],
      ['\\(^a\\)', BRE, ['a', 'ab', 'a)', 'a{1', 'aa', 'aaa']],
      ['x\\|^b', BRE, ['b', 'x y']],
      ['a+?', ERE, LINES],
      ['a', { ...BRE, word: true }, ['a', 'a)', '*a', 'a{1', '(a', '{1}a']],
      ['\\<b', BRE, ['b', 'foo_bar baz']],
      ['a+', { ...ERE, line: true }, ['a', 'aa', 'aaa']],
      ['(a)(b)\\1', ERE, []],
      ['a{1a}', ERE, []],
      ['^(a|aa)\\1$', ERE, ['aa']],
      ['', BRE, LINES],
      ['a+++', ERE, LINES.filter((l) => l.includes('a'))],
      ['()', ERE, LINES],
      ['a**', ERE, LINES],
    ];
    for (const [pattern, opts, expected] of cases) expect([pattern, grep(pattern, opts).lines]).toEqual([pattern, expected]);
  });

  it('warns, as grep 3.8 does, of an operator with nothing before it, and repeats the empty string', () => {
    expect(grep('*a', ERE)).toEqual({ lines: LINES.filter((l) => l.includes('a')), warnings: ['warning: * at start of expression'] });
    expect(grep('a|*b', ERE)).toEqual({ lines: LINES.filter((l) => /[ab]/.test(l)), warnings: ['warning: * at start of expression'] });
    expect(grep('{1}a', ERE)).toEqual({ lines: LINES.filter((l) => l.includes('a')), warnings: ['warning: {...} at start of expression'] });
    const plus = ['a', 'ab', '+a', '?a', 'b', 'x y'];
    expect(grep('+a', ERE, plus)).toEqual({ lines: ['a', 'ab', '+a', '?a'], warnings: ['warning: + at start of expression'] });
    expect(grep('?a', ERE, plus)).toEqual({ lines: ['a', 'ab', '+a', '?a'], warnings: ['warning: ? at start of expression'] });
    expect(grep('(+a)', ERE, plus)).toEqual({ lines: ['a', 'ab', '+a', '?a'], warnings: ['warning: + at start of expression'] });
    expect(grep('a.', { ...BRE, word: true }, plus).lines).toEqual(['ab']);
  });

  it("refuses what grep refuses, in glibc regcomp's words (and dfa.c's for [:space:])", () => {
    const cases: [string, GrepOptions, string][] = [
      ['a\\{1', BRE, 'Unmatched \\{'],
      ['a{2,1}', ERE, 'Invalid content of \\{\\}'],
      ['a{1,2,3}', ERE, 'Invalid content of \\{\\}'],
      ['\\(a\\)\\2', BRE, 'Invalid back reference'],
      ['(a)\\2', ERE, 'Invalid back reference'],
      ['[[:foo:]]', BRE, 'Invalid character class name'],
      ['[b-a]', BRE, 'Invalid range end'],
      ['a\\', BRE, 'Trailing backslash'],
      ['a{99999}', ERE, 'Regular expression too big'],
      ['[:alpha:]', BRE, 'character class syntax is [[:space:]], not [:space:]'],
      ['[:space:]', ERE, 'character class syntax is [[:space:]], not [:space:]'],
      ['[[:alpha:]', BRE, 'Unmatched [, [^, [:, [., or [='],
      ['(a', ERE, 'Unmatched ( or \\('],
      ['a\\)', BRE, 'Unmatched ) or \\)'],
      ['a)b(', ERE, 'Unmatched ( or \\('],
    ];
    for (const [pattern, opts, message] of cases) expect([pattern, error(pattern, opts)]).toEqual([pattern, message]);
  });

  it('-e patterns and lines of a pattern are alternatives; -F takes them as they are; -i folds case', () => {
    const e = compileGrep(['a', 'y'], BRE, () => {});
    expect(['a', 'ab', 'b', 'x y'].filter((l) => e.test(l))).toEqual(['a', 'ab', 'x y']);
    const m = compileGrep(['x y', 'b\n(a'], { ...BRE, fixed: true }, () => {});
    expect(LINES.filter((l) => m.test(l))).toEqual(['ab', 'b', 'x y', 'foo_bar baz', '(a']);
    expect(grep('A[[:upper:]]', { ...BRE, ignoreCase: true }).lines).toEqual(['ab', 'aa', 'aaa', 'foo_bar baz']);
    expect(grep('^(A)\\1$', { ...ERE, ignoreCase: true }).lines).toEqual(['aa']);
  });
});

describe('the time a search takes', () => {
  const steps = (pattern: string, line: string, opts = ERE) => {
    let n = 0;
    const m = compileGrep([pattern], opts, (s) => (n += s));
    const before = n;
    const found = m.test(line);
    return { found, steps: n - before };
  };

  it("grows with the line, not exponentially: (a+)+$ on a's and a b", () => {
    // A backtracking matcher takes 2^n steps here (the real grep's DFA does not).
    const short = steps('(a+)+$', `${'a'.repeat(28)}b`);
    const long = steps('(a+)+$', `${'a'.repeat(56)}b`);
    expect(short.found).toBe(false);
    expect(long.found).toBe(false);
    expect(long.steps).toBeGreaterThan(short.steps);
    expect(long.steps).toBeLessThan(short.steps * 3);
    expect(steps('(a+)+$', `${'a'.repeat(28)}`).found).toBe(true);
  });

  it("with back-references, it matches what grep matched, and gives up as glibc does when out of memory", () => {
    // ^(a*)*\1b$ on 28 a's and a b: the real grep matched (the last iteration of (a*)* is empty, so is \1).
    expect(steps('^(a*)*\\1b$', `${'a'.repeat(28)}b`).found).toBe(true);
    // a pattern whose every try fails: exponential for any backtracking matcher, so it gives up
    expect(() => steps('^(a|a)*\\1c', `${'a'.repeat(40)}b`)).toThrow(RegexExhausted);
  });
});
