/**
 * The little arithmetic the first-paint views need: linear interpolation and
 * a band layout. d3-interpolate's packaged file runs colour code at load time
 * and d3-scale is a single file, so importing either here would put about
 * 10 KB gzip of unused code into the first paint; the views loaded later
 * (statecharts, the large-system canvas) use D3's scales and shapes.
 * Easing comes from d3-ease.
 */
export const lerp = (a: number, b: number) => (t: number) => a + (b - a) * t;

/** Interpolates two arrays of positions into one reused buffer. */
export function lerpArray(from: Float64Array, to: Float64Array): (t: number) => Float64Array {
  const out = new Float64Array(to.length);
  return (t) => {
    for (let i = 0; i < to.length; i++) {
      const a = i < from.length ? from[i]! : to[i]!;
      out[i] = a + (to[i]! - a) * t;
    }
    return out;
  };
}

/** A band scale: each key gets a slot of equal size, with inner padding between slots. */
export function band(keys: readonly string[], extent: number, paddingInner: number) {
  const n = keys.length;
  const step = n === 0 ? 0 : extent / Math.max(1, n - paddingInner);
  const bandwidth = step * (1 - paddingInner);
  const index = new Map(keys.map((k, i) => [k, i]));
  const at = (key: string): number | undefined => {
    const i = index.get(key);
    return i === undefined ? undefined : i * step;
  };
  return Object.assign(at, { bandwidth: () => bandwidth, step: () => step });
}
