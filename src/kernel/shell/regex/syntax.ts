/**
 * GNU grep's regular expressions (grep 3.8, Debian 12's), basic (grep) and
 * extended (grep -E), parsed into a tree that program.ts compiles for a
 * matcher whose time is linear in the line (search.ts).
 *
 * grep reads a pattern twice (dfasearch.c GEAcompile): glibc's regcomp
 * first, which only checks it and whose error words stop grep (status 2);
 * then gnulib's dfa.c, which is what matches, adds two errors of its own
 * and warns about an operator at the start of an expression. So tokens here follow dfa.c's lex() (syntax bits
 * RE_SYNTAX_GREP / RE_SYNTAX_EGREP), errors are regcomp's words where it
 * refuses, and dfa's only when regcomp accepted the whole pattern.
 */
import { bracket, foldCase, isSpace, isWordChar } from './bracket';
import { RegexError, type CharTest } from './errors';

/**
 * Zero-width conditions: line start and end; \b \B \< \>; and the two
 * sides of grep -w (no word character just before, or just after).
 */
export type Anchor = 'bol' | 'eol' | 'word' | 'notword' | 'wordstart' | 'wordend' | 'nowordbefore' | 'nowordafter';

export type Node =
  | { kind: 'char'; test: CharTest }
  | { kind: 'assert'; anchor: Anchor }
  | { kind: 'cat'; items: Node[] }
  | { kind: 'alt'; items: Node[] }
  | { kind: 'group'; index: number; body: Node }
  | { kind: 'repeat'; body: Node; min: number; max: number }
  | { kind: 'backref'; index: number };

export interface Parsed {
  node: Node;
  /** \1 … \9 occur: only a backtracking matcher can run it (search.ts) */
  backrefs: boolean;
  /** dfa.c's warnings, each as grep prints it after "grep: " */
  warnings: string[];
}

/** RE_DUP_MAX: the largest count an interval may give */
const RE_DUP_MAX = 0x7fff;

type Token =
  | { t: 'char'; test: CharTest }
  | { t: 'anchor'; anchor: Anchor }
  | { t: 'backref'; n: number }
  | { t: 'repeat'; min: number; max: number; op: string }
  | { t: 'or' | 'lparen' | 'rparen' | 'end' };

const EMPTY: Node = { kind: 'cat', items: [] };
const ANY: CharTest = () => true;
const SETS: Readonly<Record<string, CharTest>> = {
  w: isWordChar,
  W: (c) => !isWordChar(c),
  s: isSpace,
  S: (c) => !isSpace(c),
};
const WORD_ANCHORS: Readonly<Record<string, Anchor>> = { '<': 'wordstart', '>': 'wordend', b: 'word', B: 'notword', '`': 'bol', "'": 'eol' };

/** Parses one pattern (a line of grep's patterns). Throws RegexError. */
export function parseRegex(pattern: string, extended: boolean, ignoreCase: boolean): Parsed {
  return new Parser(pattern, extended, ignoreCase).parse();
}

class Parser {
  private pos = 0;
  private tok: Token = { t: 'end' };
  private lastTok: Token['t'] | 'start' = 'start';
  /** dfa.c's laststart: an operator here has nothing before it */
  private lastStart = true;
  private parens = 0;
  private groups = 0;
  private readonly completed = new Set<number>();
  private backrefs = false;
  private readonly warnings: string[] = [];
  /** dfa.c's own error, reported only if regcomp accepts the whole pattern */
  private dfaError: string | null = null;

  constructor(
    private readonly p: string,
    private readonly ere: boolean,
    private readonly icase: boolean,
  ) {}

  parse(): Parsed {
    this.next();
    const node = this.regexp();
    if (this.dfaError) throw new RegexError(this.dfaError);
    return { node, backrefs: this.backrefs, warnings: this.warnings };
  }

  // --- grammar (dfa.c: regexp, branch, closure, atom) ---------------------------

  private regexp(): Node {
    const alts = [this.branch()];
    while (this.tok.t === 'or') {
      this.next();
      alts.push(this.branch());
    }
    return alts.length === 1 ? alts[0]! : { kind: 'alt', items: alts };
  }

  private branch(): Node {
    const items = [this.closure()];
    while (this.tok.t !== 'or' && this.tok.t !== 'rparen' && this.tok.t !== 'end') items.push(this.closure());
    return items.length === 1 ? items[0]! : { kind: 'cat', items };
  }

  private closure(): Node {
    let node = this.atom();
    for (let tok = this.tok; tok.t === 'repeat'; tok = this.tok) {
      node = { kind: 'repeat', body: node, min: tok.min, max: tok.max };
      this.next();
    }
    return node;
  }

  private atom(): Node {
    const tok = this.tok;
    if (tok.t === 'char') return this.advance({ kind: 'char', test: tok.test });
    if (tok.t === 'anchor') return this.advance({ kind: 'assert', anchor: tok.anchor });
    if (tok.t === 'backref') {
      // regcomp: the group must be closed already
      if (!this.completed.has(tok.n)) throw new RegexError('Invalid back reference');
      this.backrefs = true;
      return this.advance({ kind: 'backref', index: tok.n });
    }
    if (tok.t !== 'lparen') return EMPTY; // an operator with nothing before it repeats the empty string
    const index = ++this.groups;
    this.next();
    const body = this.regexp();
    if (this.tok.t !== 'rparen') throw new RegexError('Unmatched ( or \\(');
    this.completed.add(index);
    return this.advance({ kind: 'group', index, body });
  }

  private advance(node: Node): Node {
    this.next();
    return node;
  }

  // --- tokens (dfa.c lex) --------------------------------------------------------

  private next(): void {
    this.tok = this.lex();
    this.lastTok = this.tok.t;
  }

  private lex(): Token {
    const p = this.p;
    if (this.pos >= p.length) return { t: 'end' };
    let c = p[this.pos++]!;
    let bs = false;
    if (c === '\\') {
      if (this.pos >= p.length) throw new RegexError('Trailing backslash');
      bs = true;
      c = p[this.pos++]!;
    }
    const ere = this.ere;
    // Is this the operator's spelling in this syntax (BRE: \( \| \{ \+ \?; ERE: bare)?
    const op = bs !== ere;
    switch (c) {
      case '\\':
      case '.':
        if (bs) return this.literal(c);
        this.lastStart = false;
        return { t: 'char', test: ANY };
      case '[':
        if (bs) return this.literal(c);
        return this.bracketToken();
      case '^':
        if (!bs && (ere || this.lastTok === 'start' || this.lastTok === 'lparen' || this.lastTok === 'or')) return { t: 'anchor', anchor: 'bol' };
        return this.literal(c);
      case '$':
        if (!bs && (ere || this.atEndOfBranch())) return { t: 'anchor', anchor: 'eol' };
        return this.literal(c);
      case '*':
        if (bs) return this.literal(c);
        if (this.lastStart) {
          if (!ere) return this.literal(c);
          this.warnings.push('warning: * at start of expression');
        }
        return { t: 'repeat', min: 0, max: Infinity, op: c };
      case '+':
      case '?':
        if (!op) return this.literal(c);
        if (this.lastStart) {
          if (!ere) return this.stray(c);
          this.warnings.push(`warning: ${c} at start of expression`);
        }
        return { t: 'repeat', min: c === '+' ? 1 : 0, max: c === '+' ? Infinity : 1, op: c };
      case '{':
        if (!op) return this.literal(c);
        return this.interval();
      case '|':
        if (!op) return this.literal(c);
        this.lastStart = true;
        return { t: 'or' };
      case '(':
        if (!op) return this.literal(c);
        this.parens++;
        this.lastStart = true;
        return { t: 'lparen' };
      case ')':
        if (!op) return this.literal(c);
        if (this.parens === 0) {
          // RE_UNMATCHED_RIGHT_PAREN_ORD: egrep takes a lone ")" as itself; grep refuses "\)".
          if (ere) return this.literal(c);
          throw new RegexError('Unmatched ) or \\)');
        }
        this.parens--;
        this.lastStart = false;
        return { t: 'rparen' };
      case ']':
      case '}':
        return this.literal(c);
    }
    if (!bs) return this.literal(c);
    if (c >= '1' && c <= '9') {
      this.lastStart = false;
      return { t: 'backref', n: Number(c) };
    }
    if (Object.hasOwn(WORD_ANCHORS, c)) return { t: 'anchor', anchor: WORD_ANCHORS[c]! };
    if (Object.hasOwn(SETS, c)) {
      this.lastStart = false;
      return { t: 'char', test: SETS[c]! };
    }
    return this.stray(c);
  }

  /** An ordinary character (both cases of a letter with -i). */
  private literal(c: string): Token {
    this.lastStart = false;
    const code = c.charCodeAt(0);
    const test: CharTest = (x) => x === code;
    return { t: 'char', test: this.icase ? foldCase(test) : test };
  }

  /**
   * A backslash that means nothing before this character: the character.
   * (Upstream grep 3.8 warns "stray \\ before d"; Debian 12's grep 3.8 does
   * not, checked on the real machine, so neither does this one.)
   */
  private stray(c: string): Token {
    return this.literal(c);
  }

  /** `$` is an anchor in a basic expression only at the end of it, of a group, or of an alternative. */
  private atEndOfBranch(): boolean {
    const rest = this.p.slice(this.pos, this.pos + 2);
    return rest === '' || rest === '\\)' || rest === '\\|';
  }

  private bracketToken(): Token {
    const b = bracket(this.p, this.pos - 1);
    this.pos = b.next;
    if (b.confusing) this.dfaError ??= 'character class syntax is [[:space:]], not [:space:]';
    this.lastStart = false;
    return { t: 'char', test: this.icase ? foldCase(b.test) : b.test };
  }

  /**
   * {m,n} (ERE) or \{m,n\} (BRE), also {m}, {m,} and {,n}. regcomp's
   * parse_dup_op() decides what is an error; an interval egrep cannot read
   * is the character "{" (RE_INVALID_INTERVAL_ORD). At the start of an
   * expression grep takes \{ as a stray "{", and egrep repeats nothing.
   */
  private interval(): Token {
    const start = this.pos;
    const close = this.ere ? '}' : '\\}';
    const r = readInterval(this.p, start, close);
    if (this.lastStart) {
      if (!this.ere) return this.stray('{');
      if (typeof r === 'string' || r.min > r.max || !r.closed) return this.literal('{');
      this.warnings.push('warning: {...} at start of expression');
      if (r.max !== Infinity && r.max > RE_DUP_MAX) this.dfaError ??= 'regular expression too big';
      this.pos = r.next;
      return { t: 'repeat', min: r.min, max: r.max, op: '{' };
    }
    if (typeof r === 'string') {
      if (this.ere && r !== 'empty') return this.literal('{');
      throw new RegexError(r === 'unclosed' ? 'Unmatched \\{' : 'Invalid content of \\{\\}');
    }
    if (r.min > r.max || !r.closed) throw new RegexError('Invalid content of \\{\\}');
    if ((r.max === Infinity ? r.min : r.max) > RE_DUP_MAX) throw new RegexError('Regular expression too big');
    this.pos = r.next;
    this.lastStart = false;
    return { t: 'repeat', min: r.min, max: r.max, op: '{' };
  }
}

type Interval = { min: number; max: number; closed: boolean; next: number } | 'unclosed' | 'unreadable' | 'empty';

/**
 * regcomp's reading of an interval's counts (fetch_number): digits up to a
 * comma or the closing brace; anything else makes the count unreadable;
 * the end of the pattern leaves it unclosed.
 */
function readInterval(p: string, at: number, close: string): Interval {
  let i = at;
  const number = (): { n: number; stop: 'comma' | 'close' | 'end' } => {
    let n = -1;
    for (;;) {
      if (i >= p.length) return { n: -2, stop: 'end' };
      if (p.startsWith(close, i)) {
        i += close.length;
        return { n, stop: 'close' };
      }
      const c = p[i]!;
      i += c === '\\' && i + 1 < p.length ? 2 : 1;
      if (c === ',') return { n, stop: 'comma' };
      n = c < '0' || c > '9' || n === -2 ? -2 : n === -1 ? Number(c) : Math.min(RE_DUP_MAX + 1, n * 10 + Number(c));
    }
  };
  const first = number();
  let min = first.n;
  if (min === -1) {
    if (first.stop !== 'comma') return 'empty';
    min = 0;
  }
  if (min === -2) return first.stop === 'end' ? 'unclosed' : 'unreadable';
  if (first.stop === 'close') return { min, max: min, closed: true, next: i };
  const second = number();
  if (second.n === -2) return second.stop === 'end' ? 'unclosed' : 'unreadable';
  return { min, max: second.n === -1 ? Infinity : second.n, closed: second.stop === 'close', next: i };
}
