/**
 * For the tests: reads an XML document strictly (the subset an exported SVG
 * uses: a declaration, elements, attributes in double quotes, text, the five
 * entities and numeric ones) into a tree, or throws saying where it is
 * malformed. Node has no DOMParser; the e2e tests parse exports with the
 * browser's own.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

const NAME = /^[A-Za-z_][\w:.-]*/;
const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, at: number): string {
  return s.replace(/&([^;]*);|&/g, (m, e: string | undefined) => {
    if (e === undefined) throw new Error(`a bare & at ${at}`);
    if (e in ENTITY) return ENTITY[e]!;
    const n = /^#(\d+)$/.exec(e) ?? /^#x([0-9a-f]+)$/i.exec(e);
    if (!n) throw new Error(`an unknown entity &${e}; at ${at}`);
    return String.fromCodePoint(parseInt(n[1]!, e[1] === 'x' ? 16 : 10));
  });
}

export function readXml(text: string): XmlElement {
  let i = 0;
  const src = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const chunk = lt < 0 ? src.slice(i) : src.slice(i, lt);
    if (chunk) {
      if (stack.length === 0) {
        if (chunk.trim()) throw new Error(`text outside the root at ${i}`);
      } else stack[stack.length - 1]!.children.push(decode(chunk, i));
    }
    if (lt < 0) break;
    i = lt;
    if (src.startsWith('</', i)) {
      const m = NAME.exec(src.slice(i + 2));
      const top = stack.pop();
      if (!m || !top || top.name !== m[0]) throw new Error(`</${m?.[0]}> closes <${top?.name}> at ${i}`);
      i += 2 + m[0].length;
      if (src[i] !== '>') throw new Error(`a malformed end tag at ${i}`);
      i++;
      continue;
    }
    const m = NAME.exec(src.slice(i + 1));
    if (!m) throw new Error(`a < that starts no element at ${i}`);
    const node: XmlElement = { name: m[0], attrs: {}, children: [] };
    i += 1 + m[0].length;
    for (;;) {
      const ws = /^\s*/.exec(src.slice(i))![0];
      i += ws.length;
      if (src.startsWith('/>', i) || src[i] === '>') break;
      if (!ws) throw new Error(`attributes run together at ${i}`);
      const a = /^([A-Za-z_][\w:.-]*)="([^"<]*)"/.exec(src.slice(i));
      if (!a) throw new Error(`a malformed attribute at ${i}`);
      if (a[1]! in node.attrs) throw new Error(`the attribute ${a[1]} twice at ${i}`);
      node.attrs[a[1]!] = decode(a[2]!, i);
      i += a[0].length;
    }
    if (stack.length) stack[stack.length - 1]!.children.push(node);
    else if (root) throw new Error(`a second root at ${i}`);
    else root = node;
    if (src.startsWith('/>', i)) i += 2;
    else {
      i++;
      stack.push(node);
    }
  }
  if (stack.length || !root) throw new Error(stack.length ? `<${stack[stack.length - 1]!.name}> is never closed` : 'no root element');
  return root;
}

/** Every text inside an element, in order, joined by spaces. */
export function textOf(e: XmlElement): string {
  return e.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join(' ');
}

export function elements(e: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (n: XmlElement) => {
    if (n.name === name) out.push(n);
    for (const c of n.children) if (typeof c !== 'string') walk(c);
  };
  walk(e);
  return out;
}
