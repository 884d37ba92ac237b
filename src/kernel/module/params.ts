/**
 * Module parameters (kernel/params.c): parsing a value for its type, and how
 * /sys/module/<mod>/parameters/<name> prints it.
 */
import type { ParamSpec, ParamValue } from '../catalog/types';
import { kstrtobool } from '../livepatch/core';

/** kstrtoint(s, 0): decimal, 0x hex or 0 octal, with an optional sign. */
export function kstrtoint(s: string): number | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\n?$/.exec(s);
  if (!m) return null;
  const body = m[2]!;
  const n = body.startsWith('0x') || body.startsWith('0X') ? parseInt(body, 16) : body.length > 1 && body[0] === '0' ? parseInt(body, 8) : parseInt(body, 10);
  const v = m[1] === '-' ? -n : n;
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}

/** param_set_*(): the parsed value, or null when the kernel says -EINVAL. */
export function parseParam(spec: ParamSpec, raw: string): ParamValue | null {
  const s = raw.replace(/\n$/, '');
  switch (spec.type) {
    case 'int':
      return kstrtoint(s);
    case 'bool':
      // param_set_bool: an empty value means true ("No equals means "set"...")
      return s === '' ? true : kstrtobool(s);
    case 'intarray': {
      const parts = s.split(',');
      const out: number[] = [];
      for (const p of parts) {
        const v = kstrtoint(p);
        if (v === null) return null;
        out.push(v);
      }
      return out;
    }
    case 'charp':
      return s;
  }
}

/** param_get_*(): the text of the sysfs file. */
export function formatParam(spec: ParamSpec, value: ParamValue): string {
  switch (spec.type) {
    case 'bool':
      return value ? 'Y\n' : 'N\n';
    case 'intarray':
      return `${(value as number[]).join(',')}\n`;
    default:
      return `${value}\n`;
  }
}
