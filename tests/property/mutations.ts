/**
 * Mutations of a link, the ways a link gets damaged on its way to someone:
 * characters deleted, inserted or replaced, the end cut off, parts doubled
 * or swapped, %-escapes spelled out, decoded, or broken.
 */
import fc from 'fast-check';
import { codeUnit, tricky } from './arbitraries';

type Op =
  | 'delete'
  | 'insert'
  | 'replace'
  | 'truncate'
  | 'dupSegment'
  | 'dupRange'
  | 'swapSegments'
  | 'dropSegment'
  | 'percentEncode'
  | 'percentDecode'
  | 'percentBreak'
  | 'flipCase'
  | 'number';

export interface Mutation {
  op: Op;
  at: number;
  other: number;
  len: number;
  text: string;
}

/** Pieces of the link grammar, so insertions often make something that parses. */
const grammar = fc.constantFrom(
  ';', '$', '@event', '@event=3', '@settle', '@advance=1', '@wake=45', 'step=', 'step=1', 'cpus=2', 'seed=-1', 'extraTasks=9', 'selftest=0', 'reliableStacks=0',
  'forceMarksEveryPatch=1', 'task=a,user,,', 'task=k,kthread,DU,0,meminfo_proc_show', 'setup=lsmod', 'talk', 'embed', 'speed=4', 'theme=dark', '?', '&', '/', '=', ',',
  '#/x/', '#/z/', '#/s/', '%', '%25', '%3B', '%20', '$insmod%20test_modules/test_klp_livepatch.ko', '$echo%200%20%3E%20/sys/kernel/livepatch/test_klp_livepatch/enabled',
);

/** Numbers at and around every limit a link has. */
const NUMBERS = ['0', '-0', '1', '-1', '2', '7', '00', '0.5', '1e-7', '1e309', '4', '255', '256', '257', '500', '501', '5000', '5001', '19999', '20000', '20001', '86400', '86401',
  '4194304', '4194305', '100000', '100001', '9007199254740991', '9007199254740993', '99999999999999999', 'NaN', 'Infinity', '0x10', '+1', ''];

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom<Op>('delete', 'insert', 'replace', 'truncate', 'dupSegment', 'dupRange', 'swapSegments', 'dropSegment', 'percentEncode', 'percentDecode', 'percentBreak', 'flipCase', 'number'),
  at: fc.nat(),
  other: fc.nat(),
  len: fc.integer({ min: 1, max: 12 }),
  text: fc.oneof(grammar, tricky, fc.string({ unit: codeUnit, minLength: 1, maxLength: 4 }), fc.constantFrom(...NUMBERS)),
});

const SEPARATORS = /([;&/?])/;

/** Applies one mutation; positions wrap around the string. */
export function mutate(s: string, m: Mutation): string {
  const p = m.at % (s.length + 1);
  const q = m.other % (s.length + 1);
  switch (m.op) {
    case 'delete':
      return s.slice(0, p) + s.slice(p + m.len);
    case 'insert':
      return s.slice(0, p) + m.text + s.slice(p);
    case 'replace':
      return s.slice(0, p) + m.text + s.slice(p + 1);
    case 'truncate':
      return s.slice(0, p);
    case 'dupRange': {
      const piece = s.slice(p, p + m.len * 4);
      return s.slice(0, q) + piece + s.slice(q);
    }
    case 'dupSegment':
    case 'swapSegments':
    case 'dropSegment': {
      // segments with their separators kept apart: [seg, sep, seg, sep, …]
      const parts = s.split(SEPARATORS);
      const segs = parts.filter((_, i) => i % 2 === 0);
      const seps = parts.filter((_, i) => i % 2 === 1);
      const a = m.at % segs.length;
      const b = m.other % segs.length;
      if (m.op === 'dupSegment') segs.splice(b, 0, segs[a]!), seps.splice(b, 0, seps[a] ?? ';');
      else if (m.op === 'dropSegment') segs.splice(a, 1), seps.splice(Math.max(0, a - 1), 1);
      else [segs[a], segs[b]] = [segs[b]!, segs[a]!];
      return segs.map((x, i) => x + (seps[i] ?? '')).join('');
    }
    case 'percentEncode': {
      // spell a character out as %XX (or %uXXXX-like garbage for one outside Latin-1)
      const c = s.charCodeAt(p);
      if (Number.isNaN(c)) return s;
      const hex = c.toString(16).toUpperCase().padStart(2, '0');
      return `${s.slice(0, p)}%${m.len % 2 ? hex : hex.toLowerCase()}${s.slice(p + 1)}`;
    }
    case 'percentDecode': {
      const i = s.indexOf('%', p);
      if (i < 0) return s;
      const hex = s.slice(i + 1, i + 3);
      return /^[0-9A-Fa-f]{2}$/.test(hex) ? s.slice(0, i) + String.fromCharCode(parseInt(hex, 16)) + s.slice(i + 3) : s;
    }
    case 'percentBreak': {
      const i = s.indexOf('%', p);
      const at = i < 0 ? p : i;
      const breaks = ['%', '%G', '%%', '%2', '%E0%A4', '%ED%A0%80', '%C0%AF', '%FF', '%00', '%0A'];
      return s.slice(0, at) + breaks[m.len % breaks.length]! + s.slice(i < 0 ? at : at + 3);
    }
    case 'flipCase': {
      const c = s[p];
      if (c === undefined) return s;
      return s.slice(0, p) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + s.slice(p + 1);
    }
    case 'number': {
      // replace the run of digits at or after p by a number near a limit
      const re = /-?\d+(\.\d+)?(e-?\d+)?/g;
      re.lastIndex = p;
      const found = re.exec(s) ?? /-?\d+/.exec(s);
      if (!found) return s;
      const n = NUMBERS[(m.len + m.other) % NUMBERS.length]!;
      return s.slice(0, found.index) + n + s.slice(found.index + found[0].length);
    }
  }
}

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

export const applyAll = (s: string, ms: readonly Mutation[]): string => ms.reduce(mutate, s);
