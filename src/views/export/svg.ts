/**
 * Writing SVG as text, for pictures that leave the page (export, print):
 * elements with escaped attributes and text, and text wrapped to a width
 * by an estimate of its characters' width (an exported picture has no
 * layout engine to ask).
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an element or a quoted attribute. */
export function esc(s: string): string {
  // Control characters are not allowed in XML 1.0: they would make the file unreadable.
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\uFFFD');
}

type Attr = string | number | undefined | null | false;

/** `<tag a="1">…</tag>`; attributes that are undefined, null or false are left out. */
export function el(tag: string, attrs: Record<string, Attr>, ...children: string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined && v !== null && v !== false)
    .map(([k, v]) => ` ${k}="${esc(typeof v === 'number' ? fmt(v) : String(v))}"`)
    .join('');
  return children.length ? `<${tag}${a}>${children.join('')}</${tag}>` : `<${tag}${a}/>`;
}

/** A number as SVG wants it: at most two decimals. */
export function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** `text` in lines of at most `width` px, at `charPx` px a character; words longer than a line are cut. */
export function wrap(text: string, width: number, charPx: number): string[] {
  const max = Math.max(8, Math.floor(width / charPx));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    while (w.length > max) {
      if (line) lines.push(line), (line = '');
      lines.push(w.slice(0, max));
      w = w.slice(max);
    }
    if (!line) line = w;
    else if (line.length + 1 + w.length <= max) line += ` ${w}`;
    else lines.push(line), (line = w);
  }
  if (line) lines.push(line);
  return lines;
}

/** A terminal's line in pieces of at most `width` px (monospace, spaces kept): as a terminal wraps it. */
export function cut(line: string, width: number, charPx: number): string[] {
  const max = Math.max(8, Math.floor(width / charPx));
  if (line.length <= max) return [line];
  const out: string[] = [];
  for (let i = 0; i < line.length; i += max) out.push(line.slice(i, i + max));
  return out;
}
