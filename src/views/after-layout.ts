/**
 * Resolves once the browser has laid the page out, before it paints. Sizes
 * read then cost nothing; read right after a change, they make the browser
 * lay the whole page out there and then, in the task that made the change
 * (the task migration view's fit did: 30–50 ms of a step's task). A new
 * ResizeObserver reports its element once, at the next layout.
 */
import { unlessGone } from './unless-gone';
export function afterLayout(el: Element): Promise<void> {
  if (typeof ResizeObserver === 'undefined') return Promise.resolve();
  return new Promise((resolve) => {
    const ro = new ResizeObserver(() => {
      ro.disconnect();
      resolve();
    });
    ro.observe(el);
  });
}

/**
 * For an effect: `fn` once the browser has laid the page out, unless the
 * effect has run again or gone by then (return what this returns).
 */
export function onLaidOut(el: Element, fn: () => void): () => void {
  return unlessGone(afterLayout(el), fn);
}
