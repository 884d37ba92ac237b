/**
 * Parser for the subset of bash that klpscope's simulated shell understands:
 * lists (`;` `&&` `||` `&`), pipelines, simple commands with redirections,
 * groups (`{ list; }` and the subshell `( list )`, with redirections),
 * quoting, parameter and `$(...)` command substitution, leading assignments
 * and comments. It only builds an AST; expansion and execution belong to the
 * executor. Error messages copy bash's so the terminal feels real.
 *
 * One left-to-right pass with a single token of lookahead keeps the parser
 * linear; recursion grows only with `$(...)` nesting, which is capped.
 */

export type WordPart =
  // quoted: text came from '...', "..." or a backslash escape, so the executor
  // must not glob or field-split it.
  | { kind: 'literal'; text: string; quoted: boolean }
  // $X, ${X}, $?, $$, $!, and also $0-$9, $#, $@, $*, $- (name is what follows `$`).
  | { kind: 'param'; name: string; quoted: boolean }
  // ${#X}: the length of parameter X (${#} alone is the parameter #).
  | { kind: 'length'; name: string; quoted: boolean }
  // $(...), parsed into a full AST.
  | { kind: 'command'; list: CommandList; quoted: boolean };

/** raw is the exact source text of the word. */
export interface Word {
  parts: WordPart[];
  raw: string;
}

/**
 * `2>&1` is {fd: 2, op: '>&', target: 1}. `&> f` (and `>& f`, which bash
 * treats the same) is {fd: 1, op: '&>'}: stdout and stderr both go to f.
 * `n>&word` with a non-numeric word (e.g. `2>&$FD`, or `>&-`, which closes
 * the fd) keeps op '>&' and the Word, so the executor resolves it after
 * expansion, as bash does.
 */
export interface Redirect {
  fd: number;
  op: '>' | '>>' | '<' | '>&' | '&>';
  target: Word | number;
}

export interface SimpleCommand {
  assignments: { name: string; value: Word }[];
  words: Word[];
  redirects: Redirect[];
}

/** `{ list; }` runs the list in this shell; `( list )` in a subshell, whose variables and directory stay its own. */
export interface GroupCommand {
  subshell: boolean;
  body: CommandList;
  redirects: Redirect[];
}

export type CommandNode = SimpleCommand | GroupCommand;

export const isGroup = (c: CommandNode): c is GroupCommand => 'body' in c;

export interface Pipeline {
  commands: CommandNode[];
}

/** `a && b || c &`: background applies to the whole and-or list, as in bash. */
export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
  background: boolean;
}

export interface CommandList {
  items: AndOr[];
}

export class ShellSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}

/** Parses one command line (or script). Throws only ShellSyntaxError. */
export function parse(input: string): CommandList {
  try {
    return new Parser(String(input)).parseList('eof');
  } catch (e) {
    if (e instanceof ShellSyntaxError) throw e;
    // Callers rely on a single error type; a bug here must not crash the terminal.
    throw new ShellSyntaxError(`bash: internal parser error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const MAX_DEPTH = 64;

type Op = '&&' | '||' | '|' | ';' | ';;' | '&' | '\n' | '(' | ')' | 'eof';
type Token =
  | { kind: 'word'; word: Word }
  | { kind: 'redir'; fd: number | null; op: Redirect['op']; text: string }
  | { kind: 'op'; op: Op };

// Operator tokens carry no position, so they can be shared.
const OPS = Object.fromEntries(
  (['&&', '||', '|', ';', ';;', '&', '\n', '(', ')', 'eof'] as const).map((op) => [op, { kind: 'op', op }]),
) as Record<Op, Token>;
const EOF = OPS.eof;

// Sticky regexes consume runs of ordinary characters in one step.
const PLAIN = /[^ \t\n;&|<>()'"\\$`]+/y;
const DQ_PLAIN = /[^"\\$`]+/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
// bash only treats digits as an fd when they touch the operator and fit an int.
const IO_NUMBER = /[0-9]{1,9}(?=[<>])/y;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const BRACED_PARAM = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$!#@*-])$/;
const SPECIAL_PARAM = '?$!#@*-0123456789';

const syntaxError = (message: string) => new ShellSyntaxError(`bash: ${message}`);
const unexpectedEof = () => syntaxError('syntax error: unexpected end of file');
const unmatched = (c: string) => syntaxError(`unexpected EOF while looking for matching \`${c}'`);
const unsupported = (what: string) => syntaxError(`\`${what}' is not supported by this shell`);

class Parser {
  private pos = 0;
  private depth = 0;
  private tok: Token | null = null;

  constructor(private readonly src: string) {}

  // ---- grammar -------------------------------------------------------------

  /**
   * Items separated by `;`, `&` or newline, up to `end`: the end of input,
   * or the `)` of a `$(...)` or subshell, or the `}` of a group (eaten).
   * A group's body may not be empty; a `$(...)`'s may.
   */
  parseList(end: 'eof' | ')' | '}', group = false): CommandList {
    const items: AndOr[] = [];
    const closes = (t: Token) => (end === '}' ? isCloseBrace(t) : end === ')' && t.kind === 'op' && t.op === ')');
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (t.kind === 'op' && t.op === 'eof') {
        if (end !== 'eof') throw unexpectedEof();
        return { items };
      }
      if (closes(t)) {
        if (group && items.length === 0) throw this.unexpected(t);
        this.tok = null;
        return { items };
      }
      const item = this.parseAndOr();
      items.push(item);
      const sep = this.peek();
      if (sep.kind === 'op' && (sep.op === ';' || sep.op === '&' || sep.op === '\n')) {
        this.tok = null;
        item.background = sep.op === '&';
      } else if (end === '}' && isCloseBrace(sep) && endsWithGroup(item)) {
        // `{ { a; } }`: after a group, `}` is a reserved word again and needs no `;` before it
        this.tok = null;
        return { items };
      } else if (!(sep.kind === 'op' && (sep.op === 'eof' || (end === ')' && sep.op === ')')))) {
        throw this.unexpected(sep);
      }
    }
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr['rest'] = [];
    for (let t = this.peek(); t.kind === 'op' && (t.op === '&&' || t.op === '||'); t = this.peek()) {
      this.tok = null;
      this.skipNewlines(); // bash lets the right-hand side start on the next line
      rest.push({ op: t.op, pipeline: this.parsePipeline() });
    }
    return { first, rest, background: false };
  }

  private parsePipeline(): Pipeline {
    const commands = [this.parseCommand()];
    for (let t = this.peek(); t.kind === 'op' && t.op === '|'; t = this.peek()) {
      this.tok = null;
      this.skipNewlines();
      commands.push(this.parseCommand());
    }
    return { commands };
  }

  private parseCommand(): CommandNode {
    const t = this.peek();
    if (t.kind === 'op' && t.op === '(') return this.parseGroup(true);
    if (isOpenBrace(t)) return this.parseGroup(false);
    return this.parseSimple();
  }

  /** `( list )` or `{ list; }`, and the redirections after it. */
  private parseGroup(subshell: boolean): GroupCommand {
    // `((` is bash's arithmetic command, not two subshells
    if (subshell && this.src[this.pos] === '(') throw unsupported('((');
    if (this.depth >= MAX_DEPTH) throw syntaxError('groups nested too deeply');
    this.tok = null;
    this.depth++;
    const body = this.parseList(subshell ? ')' : '}', true);
    this.depth--;
    const redirects: Redirect[] = [];
    for (let t = this.peek(); t.kind === 'redir'; t = this.peek()) {
      this.tok = null;
      redirects.push(this.parseRedirect(t));
    }
    return { subshell, body, redirects };
  }

  private parseSimple(): SimpleCommand {
    const cmd: SimpleCommand = { assignments: [], words: [], redirects: [] };
    for (;;) {
      const t = this.peek();
      if (t.kind === 'word') {
        this.tok = null;
        if (isEmpty(cmd)) checkReservedWord(t.word);
        // NAME=value is an assignment only before the command word.
        const a = cmd.words.length === 0 ? asAssignment(t.word) : null;
        if (a) cmd.assignments.push(a);
        else cmd.words.push(t.word);
      } else if (t.kind === 'redir') {
        this.tok = null;
        cmd.redirects.push(this.parseRedirect(t));
      } else break;
    }
    if (isEmpty(cmd)) throw this.unexpected(this.peek());
    return cmd;
  }

  private parseRedirect(r: Extract<Token, { kind: 'redir' }>): Redirect {
    // Lex directly: in `2>&1>f` the `1` is the target, not another fd prefix.
    const t = this.lex(false);
    if (t.kind !== 'word') throw this.unexpected(t, true);
    const fd = r.fd ?? (r.op === '<' ? 0 : 1);
    if (r.op === '>&') {
      const n = fdNumber(t.word);
      if (n !== null) return { fd, op: '>&', target: n };
      // bash: `>&file` means `&>file`, but `>&-` closes stdout.
      if (r.fd === null && t.word.raw !== '-') return { fd: 1, op: '&>', target: t.word };
    }
    return { fd, op: r.op, target: t.word };
  }

  private skipNewlines(): void {
    for (let t = this.peek(); t.kind === 'op' && t.op === '\n'; t = this.peek()) this.tok = null;
  }

  /** bash reports end of input as `newline' when a word was required. */
  private unexpected(t: Token, eofIsNewline = false): ShellSyntaxError {
    if (t.kind === 'op' && t.op === 'eof' && !eofIsNewline) return unexpectedEof();
    const text =
      t.kind === 'word' ? t.word.raw
      : t.kind === 'redir' ? t.text
      : t.op === '\n' || t.op === 'eof' ? 'newline'
      : t.op;
    return syntaxError(`syntax error near unexpected token \`${text}'`);
  }

  // ---- lexer ---------------------------------------------------------------

  private peek(): Token {
    return (this.tok ??= this.lex(true));
  }

  private op(op: Op): Token {
    this.pos += op.length;
    return OPS[op];
  }

  private lex(allowIoNumber: boolean): Token {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && s[this.pos + 1] === '\n') this.pos += 2; // line continuation
      else if (c === '#') {
        const nl = s.indexOf('\n', this.pos); // comment: keep the newline, it separates
        this.pos = nl < 0 ? s.length : nl;
      } else break;
    }
    const start = this.pos;
    const c: string | undefined = s[start];
    const d = s[start + 1];
    switch (c) {
      case undefined: return EOF;
      case '\n': case '(': case ')': return this.op(c);
      case ';': return this.op(d === ';' ? ';;' : ';');
      case '|': return this.op(d === '|' ? '||' : '|');
      case '&':
        if (d === '&') return this.op('&&');
        if (d !== '>') return this.op('&');
        if (s[start + 2] === '>') throw unsupported('&>>');
        this.pos += 2;
        return { kind: 'redir', fd: null, op: '&>', text: '&>' };
    }
    let fd: number | null = null;
    if (allowIoNumber) {
      IO_NUMBER.lastIndex = start;
      if (IO_NUMBER.test(s)) {
        fd = Number(s.slice(start, IO_NUMBER.lastIndex));
        this.pos = IO_NUMBER.lastIndex;
      }
    }
    const r = s[this.pos];
    const next = s[this.pos + 1];
    if (r === '>') {
      // `>|` only overrides noclobber, which the simulation does not have.
      const rop = next === '>' ? '>>' : next === '&' ? '>&' : '>';
      this.pos += next === '>' || next === '&' || next === '|' ? 2 : 1;
      return { kind: 'redir', fd, op: rop, text: s.slice(start, this.pos) };
    }
    if (r === '<') {
      if (next === '<' || next === '&' || next === '>') throw unsupported(`<${next}`);
      this.pos += 1;
      return { kind: 'redir', fd, op: '<', text: s.slice(start, this.pos) };
    }
    return { kind: 'word', word: this.readWord() };
  }

  /** Reads adjacent quoted/unquoted/expansion parts up to a blank or operator. */
  private readWord(): Word {
    const s = this.src;
    const start = this.pos;
    const parts: WordPart[] = [];
    for (;;) {
      PLAIN.lastIndex = this.pos;
      if (PLAIN.test(s)) {
        pushLiteral(parts, s.slice(this.pos, PLAIN.lastIndex), false);
        this.pos = PLAIN.lastIndex;
      }
      const c = s[this.pos];
      if (c === "'") {
        const end = s.indexOf("'", this.pos + 1);
        if (end < 0) throw unmatched("'");
        pushLiteral(parts, s.slice(this.pos + 1, end), true);
        this.pos = end + 1;
      } else if (c === '"') {
        this.readDoubleQuoted(parts);
      } else if (c === '\\') {
        const n = s.codePointAt(this.pos + 1);
        if (n === 10) {
          this.pos += 2; // line continuation vanishes, even mid-word
        } else {
          // A trailing backslash stays literal, as in `bash -c 'echo \'`.
          const ch = n === undefined ? '\\' : String.fromCodePoint(n);
          pushLiteral(parts, ch, true);
          this.pos += n === undefined ? 1 : 1 + ch.length;
        }
      } else if (c === '$') {
        this.readDollar(parts, false);
      } else if (c === '`') {
        throw unsupported('`');
      } else {
        break;
      }
    }
    // A plain word's text is its source; reuse it rather than keep a second copy.
    const only = parts.length === 1 ? parts[0] : undefined;
    const plain = only?.kind === 'literal' && !only.quoted && only.text.length === this.pos - start;
    return { parts, raw: plain ? only.text : s.slice(start, this.pos) };
  }

  private readDoubleQuoted(parts: WordPart[]): void {
    const s = this.src;
    let produced = false;
    this.pos++;
    for (;;) {
      DQ_PLAIN.lastIndex = this.pos;
      if (DQ_PLAIN.test(s)) {
        pushLiteral(parts, s.slice(this.pos, DQ_PLAIN.lastIndex), true);
        this.pos = DQ_PLAIN.lastIndex;
        produced = true;
      }
      const c = s[this.pos];
      if (c === undefined) throw unmatched('"');
      if (c === '"') break;
      if (c === '\\') {
        // Inside "..." a backslash only escapes $ ` " \ and newline; else it stays.
        const n = s[this.pos + 1];
        if (n === '\n') {
          this.pos += 2;
          continue;
        }
        const escaped = n === '"' || n === '\\' || n === '$' || n === '`';
        pushLiteral(parts, escaped ? n : '\\', true);
        this.pos += escaped ? 2 : 1;
      } else if (c === '$') {
        this.readDollar(parts, true);
      } else {
        throw unsupported('`');
      }
      produced = true;
    }
    this.pos++;
    // `""` must still yield an (empty) argument.
    if (!produced) pushLiteral(parts, '', true);
  }

  /** At a `$`: parameter, command substitution, or just a literal dollar sign. */
  private readDollar(parts: WordPart[], quoted: boolean): void {
    const s = this.src;
    const p = this.pos;
    const c = s[p + 1];
    if (c === '(') {
      if (s[p + 2] === '(') throw unsupported('$((');
      if (this.depth >= MAX_DEPTH) throw syntaxError('command substitution nested too deeply');
      this.pos = p + 2;
      this.depth++;
      const list = this.parseList(')');
      this.depth--;
      parts.push({ kind: 'command', list, quoted });
      return;
    }
    if (c === '"' && !quoted) {
      this.pos = p + 1; // bash's locale-translated $"..." is plain "..." in the C locale
      return;
    }
    if (c === "'" && !quoted) throw unsupported("$'");
    if (c === '{') {
      const end = s.indexOf('}', p + 2);
      if (end < 0) throw unmatched('}');
      const name = s.slice(p + 2, end);
      // ${#NAME} with any name ${NAME} takes: ${##}, ${#-}, ${#?}, ${#@} too are lengths in bash
      // (parameter_brace_expand); any other operator after the name stays unsupported.
      if (name.length > 1 && name[0] === '#' && BRACED_PARAM.test(name.slice(1))) parts.push({ kind: 'length', name: name.slice(1), quoted });
      else if (!BRACED_PARAM.test(name)) throw syntaxError(`\${${name}}: bad substitution`);
      else parts.push({ kind: 'param', name, quoted });
      this.pos = end + 1;
      return;
    }
    NAME.lastIndex = p + 1;
    const name = NAME.test(s) ? s.slice(p + 1, NAME.lastIndex) : c !== undefined && SPECIAL_PARAM.includes(c) ? c : null;
    if (name === null) {
      pushLiteral(parts, '$', quoted); // `$` before anything else is just a dollar sign
      this.pos = p + 1;
    } else {
      parts.push({ kind: 'param', name, quoted });
      this.pos = p + 1 + name.length;
    }
  }
}

const isEmpty = (c: SimpleCommand) => !c.assignments.length && !c.words.length && !c.redirects.length;

// Compound commands other than groups are not supported; reject their reserved words
// rather than run e.g. `if` as a command. Only an unquoted word at command start is reserved.
const OPENERS = new Set(['!', '[[', 'if', 'for', 'while', 'until', 'case', 'select', 'function']);
const CLOSERS = new Set(['}', 'then', 'else', 'elif', 'fi', 'do', 'done', 'esac']);

/** The reserved word `{` or `}`: unquoted, alone. */
const isBrace = (t: Token, brace: '{' | '}') => t.kind === 'word' && t.word.raw === brace && t.word.parts.length === 1;
const isOpenBrace = (t: Token) => isBrace(t, '{');
const isCloseBrace = (t: Token) => isBrace(t, '}');

const endsWithGroup = (item: AndOr) => {
  const last = item.rest.length ? item.rest[item.rest.length - 1]!.pipeline : item.first;
  return isGroup(last.commands[last.commands.length - 1]!);
};

function checkReservedWord(word: Word): void {
  if (OPENERS.has(word.raw)) throw unsupported(word.raw);
  if (CLOSERS.has(word.raw)) throw syntaxError(`syntax error near unexpected token \`${word.raw}'`);
}

/** Appends text, merging with a preceding literal of the same quotedness. */
function pushLiteral(parts: WordPart[], text: string, quoted: boolean): void {
  // Bounds check first: reading parts[-1] is a slow path in V8.
  const last = parts.length > 0 ? parts[parts.length - 1] : undefined;
  if (last && last.kind === 'literal' && last.quoted === quoted) last.text += text;
  else parts.push({ kind: 'literal', text, quoted });
}

function asAssignment(word: Word): { name: string; value: Word } | null {
  const first = word.parts[0];
  // An escaped or quoted `=` or name (e.g. `X\=1`, `"X"=1`) is not an assignment.
  if (!first || first.kind !== 'literal' || first.quoted) return null;
  const m = ASSIGNMENT.exec(first.text);
  if (!m) return null;
  const rest = first.text.slice(m[0].length);
  const tail = word.parts.slice(1);
  return {
    name: m[1]!,
    value: {
      parts: rest ? [{ kind: 'literal', text: rest, quoted: false }, ...tail] : tail,
      raw: word.raw.slice(word.raw.indexOf('=') + 1),
    },
  };
}

/** `1` in `2>&1`: an unquoted, plain run of digits. */
function fdNumber(word: Word): number | null {
  const [only, ...more] = word.parts;
  if (!only || more.length || only.kind !== 'literal' || only.quoted) return null;
  return /^[0-9]{1,9}$/.test(only.text) ? Number(only.text) : null;
}
