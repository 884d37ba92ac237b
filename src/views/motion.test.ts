import { describe, expect, it } from 'vitest';
import { scaleBand } from 'd3-scale';
import { band, lerp, lerpArray } from './motion';

describe('motion arithmetic', () => {
  it('lerp and lerpArray go from a to b', () => {
    expect(lerp(10, 20)(0)).toBe(10);
    expect(lerp(10, 20)(0.5)).toBe(15);
    expect(lerp(10, 20)(1)).toBe(20);
    const f = lerpArray(Float64Array.of(0, 10), Float64Array.of(10, 0));
    expect([...f(0.25)]).toEqual([2.5, 7.5]);
    expect([...f(1)]).toEqual([10, 0]);
  });

  it('band places keys exactly as d3-scale scaleBand does', () => {
    const keys = ['a', 'b', 'c', 'd'];
    const d3 = scaleBand<string>().domain(keys).range([0, 120]).paddingInner(0.2);
    const ours = band(keys, 120, 0.2);
    for (const k of keys) expect(ours(k)).toBeCloseTo(d3(k)!, 9);
    expect(ours.bandwidth()).toBeCloseTo(d3.bandwidth(), 9);
    expect(ours('zz')).toBeUndefined();
  });
});
