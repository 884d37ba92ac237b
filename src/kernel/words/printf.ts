/**
 * The part of the kernel's vsnprintf() (lib/vsprintf.c) the catalogue's
 * formats use, so that an entry can hold its format exactly as the kernel
 * source writes it: flags `-0+ #`, width and precision (digits or `*`),
 * length modifiers (which change nothing here), conversions `d i u x X o c
 * s p %`. A `%p` with its extension letters (`%pS`, `%pBb`, `%px`, `%pGg`)
 * takes a string the caller has already formatted the way that extension
 * prints (a symbol+offset, a hashed or raw address, GFP flag names).
 */
export type Arg = string | number | bigint;

interface Spec {
  flags: string;
  width: number | '*' | null;
  precision: number | '*' | null;
  conv: string;
  /** the literal text before this conversion */
  before: string;
}

const SPEC = /%([-0+ #]*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|z|t|j|L)?([diuxXocsp%])([A-Za-z]*)/g;

/** Splits a format into literal text and conversions (the trailing text is the last `before`). */
export function parseFormat(fmt: string): { specs: Spec[]; tail: string } {
  const specs: Spec[] = [];
  let at = 0;
  SPEC.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SPEC.exec(fmt)) !== null) {
    const [whole, flags = '', width, precision, , conv = '', ext = ''] = m;
    // Only %p takes extension letters; after any other conversion they are text.
    if (conv !== 'p' && ext) SPEC.lastIndex -= ext.length;
    specs.push({
      flags,
      width: width === undefined ? null : width === '*' ? '*' : Number(width),
      precision: precision === undefined ? null : precision === '*' ? '*' : Number(precision || '0'),
      conv,
      before: fmt.slice(at, m.index),
    });
    at = m.index + whole.length - (conv !== 'p' ? ext.length : 0);
  }
  return { specs, tail: fmt.slice(at) };
}

/** How many arguments a format consumes (a `*` width or precision takes one of its own). */
export function argCount(fmt: string): number {
  return parseFormat(fmt).specs.reduce((n, s) => n + (s.conv === '%' ? 0 : 1 + +(s.width === '*') + +(s.precision === '*')), 0);
}

/** Formats `fmt` with `values`, consumed in order as C's varargs are. */
export function kprintf(fmt: string, values: readonly Arg[]): string {
  const { specs, tail } = parseFormat(fmt);
  let i = 0;
  const next = (): Arg => {
    if (i >= values.length) throw new Error(`format "${fmt}" wants more than ${values.length} arguments`);
    return values[i++]!;
  };
  let out = '';
  for (const s of specs) {
    out += s.before;
    if (s.conv === '%') {
      out += '%';
      continue;
    }
    const width = s.width === '*' ? Number(next()) : s.width;
    const precision = s.precision === '*' ? Number(next()) : s.precision;
    out += pad(convert(s, next(), precision, fmt), width, s.flags, s.conv);
  }
  if (i !== values.length) throw new Error(`format "${fmt}" takes ${i} arguments, got ${values.length}`);
  return out + tail;
}

function convert(s: Spec, v: Arg, precision: number | null, fmt: string): string {
  switch (s.conv) {
    case 's':
    case 'p':
      if (typeof v !== 'string') throw new Error(`%${s.conv} in "${fmt}" wants a string, got ${typeof v}`);
      return s.conv === 's' && precision !== null ? v.slice(0, Math.max(0, precision)) : v;
    case 'c':
      return typeof v === 'number' ? String.fromCharCode(v) : String(v).slice(0, 1);
    default: {
      if (typeof v === 'string') throw new Error(`%${s.conv} in "${fmt}" wants a number, got "${v}"`);
      const n = BigInt(v);
      const neg = n < 0n && (s.conv === 'd' || s.conv === 'i');
      const abs = neg ? -n : n;
      const radix = s.conv === 'x' || s.conv === 'X' ? 16 : s.conv === 'o' ? 8 : 10;
      let digits = abs.toString(radix);
      if (s.conv === 'X') digits = digits.toUpperCase();
      if (precision !== null) digits = digits.padStart(precision, '0');
      const alt = s.flags.includes('#') && abs !== 0n ? (radix === 16 ? (s.conv === 'X' ? '0X' : '0x') : radix === 8 ? '0' : '') : '';
      const sign = neg ? '-' : (s.conv === 'd' || s.conv === 'i') && s.flags.includes('+') ? '+' : (s.conv === 'd' || s.conv === 'i') && s.flags.includes(' ') ? ' ' : '';
      return sign + alt + digits;
    }
  }
}

function pad(text: string, width: number | null, flags: string, conv: string): string {
  if (width === null || text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (flags.includes('0') && conv !== 's' && conv !== 'c' && conv !== 'p') {
    const m = /^([-+ ]?(?:0[xX])?)(.*)$/.exec(text)!;
    return m[1]! + m[2]!.padStart(width - m[1]!.length, '0');
  }
  return text.padStart(width);
}
