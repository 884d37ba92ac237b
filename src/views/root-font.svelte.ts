/**
 * The root font size in px, reactive: SVG and canvas text derive their size
 * from it (talk mode sets a larger root). Reading rootFontPx() inside an
 * effect or $derived subscribes to changes of the root element's style,
 * class and data attributes, and to window resizes; outside a browser it is 16.
 */
import { createSubscriber } from 'svelte/reactivity';

const subscribe = createSubscriber((update) => {
  if (typeof document === 'undefined') return;
  const mo = new MutationObserver(update);
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class', 'data-talk', 'data-theme', 'data-stage'] });
  addEventListener('resize', update);
  return () => {
    mo.disconnect();
    removeEventListener('resize', update);
  };
});

export function rootFontPx(): number {
  subscribe();
  if (typeof document === 'undefined') return 16;
  return parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
}
