import { describe, expect, it } from 'vitest';
import { qrModules, qrPath } from './qr';

/** A finder pattern's 7×7 at (r, c): a dark ring, a light ring, a dark 3×3 centre. */
function isFinder(m: boolean[][], r: number, c: number): boolean {
  for (let y = 0; y < 7; y++)
    for (let x = 0; x < 7; x++) {
      const ring = Math.max(Math.abs(y - 3), Math.abs(x - 3));
      if (m[r + y]![c + x] !== (ring !== 2)) return false;
    }
  return true;
}

describe('a QR code for a link', () => {
  const link = 'https://example.org/klpscope/#/s/stalled-transition/0';
  const m = qrModules(link);

  it('is a QR symbol: a square of a version’s size, finder patterns in three corners, timing between them', () => {
    const n = m.length;
    expect((n - 17) % 4).toBe(0);
    expect(m.every((row) => row.length === n)).toBe(true);
    expect(isFinder(m, 0, 0) && isFinder(m, 0, n - 7) && isFinder(m, n - 7, 0)).toBe(true);
    expect(isFinder(m, n - 7, n - 7)).toBe(false);
    for (let i = 8; i < n - 8; i++) {
      expect(m[6]![i]).toBe(i % 2 === 0);
      expect(m[i]![6]).toBe(i % 2 === 0);
    }
  });

  it('grows with what it holds', () => {
    expect(qrModules(`${link}${'x'.repeat(200)}`).length).toBeGreaterThan(m.length);
  });

  it('draws each run of dark modules as one rectangle, and nothing for a light one', () => {
    expect(qrPath([[true, true, false, true]])).toBe('M0 0h2v1h-2zM3 0h1v1h-1z');
    expect(qrPath([[false], [true]])).toBe('M0 1h1v1h-1z');
    const area = [...qrPath(m).matchAll(/h(\d+)v1/g)].reduce((a, x) => a + Number(x[1]), 0);
    expect(area).toBe(m.flat().filter(Boolean).length);
  });
});
