/**
 * grep's patterns as one matcher: each line of each -e pattern is an
 * alternative (GNU grep joins them with newlines), read as a basic or an
 * extended expression, or as a fixed string (-F); -i folds case, -w and -x
 * ask the match to be a whole word or the whole line.
 */
import { foldCase } from './bracket';
import { RegexExhausted, RegexError, type CharTest } from './errors';
import { compile } from './program';
import { backtrackSearch, PikeMachine, type Meter } from './search';
import { parseRegex, type Node } from './syntax';

export { RegexError, RegexExhausted, type Meter };

export interface GrepOptions {
  extended: boolean;
  fixed: boolean;
  ignoreCase: boolean;
  word: boolean;
  line: boolean;
}

export interface LineMatcher {
  /** Does the line match? Throws RegexExhausted when the back-reference matcher gives up. */
  test(line: string): boolean;
  /** dfa.c's warnings, in grep's words after "grep: " */
  warnings: string[];
}

function fixedString(text: string, ignoreCase: boolean): Node {
  return {
    kind: 'cat',
    items: text.split('').map((ch): Node => {
      const code = ch.charCodeAt(0);
      const test: CharTest = (c) => c === code;
      return { kind: 'char', test: ignoreCase ? foldCase(test) : test };
    }),
  };
}

/** Compiles grep's patterns (throws RegexError with grep's words); the meter counts matching steps. */
export function compileGrep(patterns: readonly string[], opts: GrepOptions, meter: Meter): LineMatcher {
  const warnings: string[] = [];
  let backrefs = false;
  const alternatives = patterns
    .flatMap((p) => p.split('\n'))
    .map((p): Node => {
      if (opts.fixed) return fixedString(p, opts.ignoreCase);
      const parsed = parseRegex(p, opts.extended, opts.ignoreCase);
      warnings.push(...parsed.warnings);
      backrefs ||= parsed.backrefs;
      return parsed.node;
    });
  let node: Node = alternatives.length === 1 ? alternatives[0]! : { kind: 'alt', items: alternatives };
  // grep -x: ^(P)$; grep -w: no word character on either side of the match (dfasearch.c)
  if (opts.line) node = { kind: 'cat', items: [{ kind: 'assert', anchor: 'bol' }, node, { kind: 'assert', anchor: 'eol' }] };
  else if (opts.word) node = { kind: 'cat', items: [{ kind: 'assert', anchor: 'nowordbefore' }, node, { kind: 'assert', anchor: 'nowordafter' }] };
  const prog = compile(node, backrefs);
  meter(prog.length);
  if (backrefs) return { warnings, test: (line) => backtrackSearch(prog, line, opts.ignoreCase, meter) };
  const machine = new PikeMachine(prog, meter);
  return { warnings, test: (line) => machine.search(line) };
}
