/**
 * Word expansion as bash does it, for the subset the parser accepts:
 * parameters, command substitution, field splitting of unquoted results,
 * and pathname globbing against the simulated file system.
 */
import { lookup } from '../fs/vfs';
import { normalizePath } from '../fs/node';
import type { Word } from './parse';
import type { Shell } from './shell';

interface Piece {
  text: string;
  quoted: boolean;
}

function param(sh: Shell, name: string): string {
  if (name === '?') return String(sh.status);
  if (name === '$') return String(sh.task.pid);
  if (name === '!') return sh.lastBackground ? String(sh.lastBackground) : '';
  return sh.vars.get(name) ?? '';
}

function pieces(sh: Shell, word: Word, errs: string[]): Piece[] {
  return word.parts.map((p) => {
    if (p.kind === 'literal') return { text: p.text, quoted: p.quoted };
    if (p.kind === 'param') return { text: param(sh, p.name), quoted: p.quoted };
    return { text: sh.substitute(p.list, errs), quoted: p.quoted };
  });
}

/** One word, no splitting or globbing (redirection targets, assignments). */
export function expandWord(sh: Shell, word: Word, errs: string[]): string {
  return pieces(sh, word, errs)
    .map((p) => p.text)
    .join('');
}

/** Pathname expansion supports * and ? (bracket classes stay literal here). */
const GLOB = /[*?]/;

/** Words to argv: unquoted expansions split on blanks, unquoted globs match paths. */
export function expandWords(sh: Shell, words: Word[], errs: string[]): string[] {
  const argv: string[] = [];
  for (const word of words) {
    const ps = pieces(sh, word, errs);
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
      argv.push(...(matches.length ? matches : [text]));
    }
  }
  return argv;
}

function globRegex(f: Piece[]): RegExp {
  let re = '';
  for (const p of f) {
    for (const c of p.text) {
      if (!p.quoted && c === '*') re += '[^/]*';
      else if (!p.quoted && c === '?') re += '[^/]';
      else re += c.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

/** Matches the pattern one path component at a time; hidden names need an explicit dot. */
function glob(sh: Shell, f: Piece[]): string[] {
  const text = f.map((p) => p.text).join('');
  const abs = text.startsWith('/');
  const comps = text.split('/').filter(Boolean);
  const full = globRegex(f);
  let paths = [abs ? '/' : ''];
  for (let i = 0; i < comps.length; i++) {
    const comp = comps[i]!;
    const next: string[] = [];
    for (const base of paths) {
      if (!GLOB.test(comp)) {
        next.push(join(base, comp));
        continue;
      }
      const dir = lookup(sh.k, base || '.', sh.cwd);
      if (!dir || dir.kind !== 'dir') continue;
      const re = new RegExp(`^${comp.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      for (const name of dir.list()) if (re.test(name) && !name.startsWith('.')) next.push(join(base, name));
    }
    paths = next;
  }
  return paths
    .filter((p) => lookup(sh.k, p, sh.cwd) !== null && full.test(p))
    .sort();
}

function join(base: string, name: string): string {
  if (base === '') return name;
  return base.endsWith('/') ? base + name : `${base}/${name}`;
}

export { normalizePath };
