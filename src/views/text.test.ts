import { describe, expect, it } from 'vitest';
import { count, middle } from './text';

describe('middle', () => {
  it('keeps a name that fits', () => {
    expect(middle('vmlinux', 7)).toBe('vmlinux');
  });
  it('keeps both ends, so names that differ at the end still differ', () => {
    const a = middle('test_klp_callbacks_demo', 15);
    const b = middle('test_klp_callbacks_demo2', 15);
    expect(a).toHaveLength(15);
    expect(b).toHaveLength(15);
    expect(a).not.toBe(b);
    expect(a.startsWith('test_kl')).toBe(true);
    expect(b.endsWith('demo2')).toBe(true);
  });
});

describe('count', () => {
  it('writes whole counts as toLocaleString("en") does, without Intl', () => {
    for (const n of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 86_400, 123_456_789, -4_321, 2 ** 53 - 1]) expect(count(n)).toBe(n.toLocaleString('en'));
  });
});
