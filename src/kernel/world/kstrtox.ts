/** lib/kstrtox.c: how the kernel reads a number or a boolean that userspace wrote. */

/** kstrtoint(s, 0): decimal, 0x hex or 0 octal, with an optional sign. */
export function kstrtoint(s: string): number | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\n?$/.exec(s);
  if (!m) return null;
  const body = m[2]!;
  const n = body.startsWith('0x') || body.startsWith('0X') ? parseInt(body, 16) : body.length > 1 && body[0] === '0' ? parseInt(body, 8) : parseInt(body, 10);
  const v = m[1] === '-' ? -n : n;
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}

/** kstrtobool(): what the kernel accepts as a boolean. */
export function kstrtobool(buf: string): boolean | null {
  const s = buf.replace(/\n$/, '');
  const c0 = s[0];
  if (c0 === undefined) return null;
  if ('yY1tT'.includes(c0)) return true;
  if ('nN0fF'.includes(c0)) return false;
  if (c0 === 'o' || c0 === 'O') {
    const c1 = s[1];
    if (c1 === 'n' || c1 === 'N') return true;
    if (c1 === 'f' || c1 === 'F') return false;
  }
  return null;
}
