/**
 * Word expansion as bash does it, for the subset the parser accepts:
 * parameters, command substitution, field splitting of unquoted results,
 * and pathname globbing against the simulated file system. What one simple
 * command expands is bounded (limits.ts) and charged to the work budget.
 */
import { countedLookup } from './lookup';
import { normalizePath } from '../fs/node';
import type { Word } from './parse';
import type { Shell } from './shell';
import { COMMAND_WORDS_MAX, ExpansionTooLarge, WORD_MAX, WORK_PER_BYTE_EXPANDED } from './limits';
import { globMatch, type GlobChar } from './glob-match';

interface Piece {
  text: string;
  quoted: boolean;
}

/** The positional parameters: the login shell has none, and there is no `set --`. */
const POSITIONAL: readonly string[] = [];

/** h: hashall, i: interactive, m: job control, B: brace expansion, H: history, s: commands from stdin */
const INTERACTIVE_FLAGS = 'himBHs';

function param(sh: Shell, name: string): string {
  if (name === '#') return String(POSITIONAL.length);
  if (name === '@' || name === '*') return POSITIONAL.join(' ');
  if (/^[0-9]+$/.test(name) && Number(name) > 0) return POSITIONAL[Number(name) - 1] ?? '';
  if (name === '?') return String(sh.status);
  if (name === '$') return String(sh.k.loginShell.pid); // a subshell's $$ is still bash's
  if (name === '!') return sh.lastBackground ? String(sh.lastBackground) : '';
  // The shell's name, and its options as an interactive bash on a terminal prints them (`echo $-`).
  if (name === '0') return 'bash';
  if (name === '-') return INTERACTIVE_FLAGS;
  return sh.vars.get(name) ?? '';
}

/**
 * ${#NAME}: the characters of the value, in a UTF-8 locale (mbstrlen(), so
 * é counts one); of `@` and `*`, the number of positional parameters.
 */
function paramLength(sh: Shell, name: string): number {
  if (name === '@' || name === '*') return POSITIONAL.length;
  let n = 0;
  for (const _ of param(sh, name)) n++;
  return n;
}

/** The bytes one simple command's expansions have built so far (limits.ts COMMAND_WORDS_MAX). */
export class ExpansionRoom {
  used = 0;
}

function pieces(sh: Shell, word: Word, errs: string[], room: ExpansionRoom): Piece[] {
  const ps = word.parts.map((p) => {
    if (p.kind === 'literal') return { text: p.text, quoted: p.quoted };
    if (p.kind === 'param') return { text: param(sh, p.name), quoted: p.quoted };
    if (p.kind === 'length') return { text: String(paramLength(sh, p.name)), quoted: p.quoted };
    return { text: sh.substitute(p.list, errs), quoted: p.quoted };
  });
  // Measured before the pieces are joined: the string past the limit is never built.
  const bytes = ps.reduce((n, p) => n + p.text.length, 0);
  room.used += bytes;
  if (bytes > WORD_MAX || room.used > COMMAND_WORDS_MAX) throw new ExpansionTooLarge(bytes + 1);
  sh.k.charge(bytes * WORK_PER_BYTE_EXPANDED);
  return ps;
}

/** One word, no splitting or globbing (redirection targets, assignments). */
export function expandWord(sh: Shell, word: Word, errs: string[], room: ExpansionRoom): string {
  return pieces(sh, word, errs, room)
    .map((p) => p.text)
    .join('');
}

/** Pathname expansion supports * and ? (bracket classes stay literal here). */
const GLOB = /[*?]/;

/** Words to argv: unquoted expansions split on blanks, unquoted globs match paths. */
export function expandWords(sh: Shell, words: Word[], errs: string[], room: ExpansionRoom): string[] {
  const argv: string[] = [];
  for (const word of words) {
    const ps = pieces(sh, word, errs, room);
    const fields: Piece[][] = [[]];
    for (const p of ps) {
      const fromExpansion = !p.quoted && word.parts[ps.indexOf(p)]?.kind !== 'literal';
      if (!fromExpansion) {
        fields[fields.length - 1]!.push(p);
        continue;
      }
      const split = p.text.split(/[ \t\n]+/);
      split.forEach((s, i) => {
        if (i > 0) fields.push([]);
        if (s) fields[fields.length - 1]!.push({ text: s, quoted: false });
      });
    }
    const nonEmpty = word.parts.some((p) => p.kind === 'literal' && p.quoted);
    for (const f of fields) {
      if (f.length === 0 && !nonEmpty) continue;
      const text = f.map((p) => p.text).join('');
      const pattern = f.some((p) => !p.quoted && GLOB.test(p.text));
      const matches = pattern ? glob(sh, f) : [];
      if (matches.length === 0) argv.push(text);
      else for (const m of matches) argv.push(m); // not push(...matches): /proc/*/* has more names than a call takes arguments
    }
  }
  return argv;
}

/** The field as glob characters: an unquoted * or ? is a wildcard, anything quoted is itself. */
function globChars(f: Piece[]): GlobChar[] {
  return f.flatMap((p) => [...p.text].map((c): GlobChar => (!p.quoted && (c === '*' || c === '?') ? c : { literal: c })));
}

/** Matches the pattern one path component at a time; hidden names need an explicit dot. */
function glob(sh: Shell, f: Piece[]): string[] {
  const chars = globChars(f);
  const comps: GlobChar[][] = [[]];
  for (const c of chars) {
    if (typeof c !== 'string' && c.literal === '/') comps.push([]);
    else comps[comps.length - 1]!.push(c);
  }
  const abs = comps[0]!.length === 0 && chars.length > 0;
  const parts = comps.filter((c) => c.length > 0);
  let paths = [abs ? '/' : ''];
  let steps = 0;
  for (const comp of parts) {
    const next: string[] = [];
    const wild = comp.some((c) => typeof c === 'string');
    const name = comp.map((c) => (typeof c === 'string' ? c : c.literal)).join('');
    for (const base of paths) {
      if (!wild) {
        next.push(join(base, name));
        continue;
      }
      const dir = countedLookup(sh.k, base || '.', sh.cwd);
      if (!dir || dir.kind !== 'dir') continue;
      for (const entry of dir.list()) {
        const m = globMatch(comp, entry);
        steps += m.steps;
        if (m.matched && !entry.startsWith('.')) next.push(join(base, entry));
      }
    }
    paths = next;
    sh.k.charge(steps + paths.length);
    steps = 0;
  }
  return paths.filter((p) => countedLookup(sh.k, p, sh.cwd) !== null).sort();
}

function join(base: string, name: string): string {
  if (base === '') return name;
  return base.endsWith('/') ? base + name : `${base}/${name}`;
}

export { normalizePath };
