/**
 * Module parameters (kernel/params.c): parsing a value for its type, and how
 * /sys/module/<mod>/parameters/<name> prints it.
 */
import type { ParamSpec, ParamValue } from '../catalog/types';
import { kstrtobool, kstrtoint } from '../world/kstrtox';

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
