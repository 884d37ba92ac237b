/**
 * Finds kernel messages written outside the catalogue, in one source file's
 * text: a call of a log writer with a string in its arguments, a log record
 * made directly (only say() makes them), or a piece of a catalogue format in
 * a string. Comments may quote the kernel; strings may not. Used by
 * ./no-stray-words.test.ts over every file under src/.
 */
import { parseFormat } from './printf';
import type { Word } from './word';

export interface Stray {
  line: number;
  why: string;
}

interface Literal {
  /** the string's text; a template's ${…} parts read as NUL */
  text: string;
  line: number;
  /** the characters just before it, to tell a claim's `log:` value */
  before: string;
}

/**
 * What gives a kernel message away: each format as a whole (its conversions
 * match anything, a template's ${…} included), and each piece of its literal
 * text long enough to be the kernel's own words.
 */
export interface Fragments {
  pieces: string[];
  formats: RegExp[];
}

export function fragments(words: Iterable<Word>, minPiece = 16, minFormat = 12): Fragments {
  const pieces = new Set<string>();
  const formats: RegExp[] = [];
  for (const w of words) {
    const { specs, tail } = parseFormat(w.fmt);
    const texts = [...specs.map((s) => s.before), tail].map((t) => t.replace(/\n/g, ''));
    for (const t of texts) if (t.trim().length >= minPiece) pieces.add(t.trim());
    if (texts.join('').trim().length >= minFormat) formats.push(new RegExp(texts.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?')));
  }
  return { pieces: [...pieces], formats };
}

/** The piece or format a text contains, if any. */
function giveaway(text: string, f: Fragments): string | null {
  const piece = f.pieces.find((p) => text.includes(p));
  if (piece) return piece;
  const format = f.formats.find((r) => r.test(text));
  return format ? format.source.replace(/\\(.)/g, '$1').replace(/\.\*\?/g, '…') : null;
}

const WRITER_CALL = /\b(pr_(?:emerg|alert|crit|err|warn|notice|info|debug|cont)(?:_once)?|printk|writeKmsg)\s*\(/g;
const RECORD_MADE = /\.log\.(printk|cont)\s*\(/g;

export interface ScanOptions {
  /** string values of `log:` / `noLog:` keys (scenario claims) may be literal */
  claimsMayBeLiteral?: boolean;
}

export function strays(source: string, frags: Fragments, opts: ScanOptions = {}): Stray[] {
  const out: Stray[] = [];
  const code = blankComments(source);
  const lineAt = (i: number) => source.slice(0, i).split('\n').length;
  for (const m of code.matchAll(RECORD_MADE)) out.push({ line: lineAt(m.index), why: `makes a log record itself (.log.${m[1]}); print with say()` });
  for (const m of code.matchAll(WRITER_CALL)) {
    const args = balanced(code, m.index + m[0].length);
    if (/['"`]/.test(args)) out.push({ line: lineAt(m.index), why: `${m[1]}() with a string: take the message from the catalogue` });
  }
  for (const lit of literals(code)) {
    if (opts.claimsMayBeLiteral && /\b(log|noLog)\s*:\s*$/.test(lit.before)) continue;
    const frag = giveaway(lit.text, frags);
    if (frag) out.push({ line: lit.line, why: `"${frag}" is a kernel message: format it from the catalogue (line(), body(), say())` });
  }
  return out;
}

const blankAll = (s: string) => s.replace(/[^\n]/g, ' ');

/** A Svelte file's markup (outside <script> and <style>): kernel text there is a stray too. */
export function markupStrays(svelte: string, frags: Fragments): Stray[] {
  const markup = blankComments(svelte.replace(/<(script|style)\b[\s\S]*?<\/\1>/g, blankAll));
  const out: Stray[] = [];
  markup.split('\n').forEach((text, i) => {
    const frag = giveaway(text, frags);
    if (frag) out.push({ line: i + 1, why: `"${frag}" is a kernel message: format it from the catalogue` });
  });
  return out;
}

/** The script blocks of a Svelte file, everything else blanked (lines kept). */
export function svelteScripts(svelte: string): string {
  let out = '';
  let at = 0;
  for (const m of svelte.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    const bodyStart = m.index + m[0].indexOf('>') + 1;
    out += blankAll(svelte.slice(at, bodyStart)) + m[1];
    at = bodyStart + m[1]!.length;
  }
  return out + blankAll(svelte.slice(at));
}

/** The text up to the parenthesis that closes the one just opened at `from`. */
function balanced(code: string, from: number): string {
  let depth = 1;
  for (let i = from; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return code.slice(from, i);
  }
  return code.slice(from);
}

/** Comments replaced by blanks (newlines kept), so that positions and lines stay. */
function blankComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      out += blankAll(src.slice(i, stop));
      i = stop;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += blankAll(src.slice(i, stop));
      i = stop;
    } else if (c === '<' && src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i);
      const stop = end < 0 ? src.length : end + 3;
      out += blankAll(src.slice(i, stop));
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      const stop = skipString(src, i);
      out += src.slice(i, stop);
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Where the string starting at `i` ends (after its closing quote); a template's ${…} may hold strings. */
function skipString(src: string, i: number): number {
  const q = src[i];
  let j = i + 1;
  while (j < src.length) {
    const c = src[j];
    if (c === '\\') j += 2;
    else if (c === q) return j + 1;
    else if (q === '`' && c === '$' && src[j + 1] === '{') j = skipBraces(src, j + 2);
    else if (q !== '`' && c === '\n') return j;
    else j++;
  }
  return j;
}

function skipBraces(src: string, j: number): number {
  let depth = 1;
  while (j < src.length && depth > 0) {
    const c = src[j]!;
    if (c === "'" || c === '"' || c === '`') j = skipString(src, j);
    else {
      if (c === '{') depth++;
      else if (c === '}') depth--;
      j++;
    }
  }
  return j;
}

/** Every string and template literal of the (comment-free) code, with what precedes it. */
function literals(code: string): Literal[] {
  const out: Literal[] = [];
  const walk = (from: number, to: number) => {
    let i = from;
    while (i < to) {
      const c = code[i]!;
      if (c !== "'" && c !== '"' && c !== '`') {
        i++;
        continue;
      }
      const end = skipString(code, i);
      let text = '';
      let j = i + 1;
      while (j < end - 1) {
        if (code[j] === '\\') {
          text += code[j + 1] === 'n' ? '\n' : (code[j + 1] ?? '');
          j += 2;
        } else if (c === '`' && code[j] === '$' && code[j + 1] === '{') {
          const close = skipBraces(code, j + 2);
          walk(j + 2, close - 1);
          text += '\0';
          j = close;
        } else text += code[j++];
      }
      out.push({ text, line: code.slice(0, i).split('\n').length, before: code.slice(Math.max(0, i - 12), i) });
      i = end;
    }
  };
  walk(0, code.length);
  return out;
}
