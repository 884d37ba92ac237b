/**
 * `use:size={(w, h) => …}`: an element's clientWidth and clientHeight, as
 * they change. Like Svelte's bind:clientWidth, without its first reading
 * while the page is being built: each of those forced a layout of the whole
 * page in the middle of the first draw (a dozen of them took ~150 ms). The
 * ResizeObserver reports every element's size once laid out, before the
 * first paint, and again whenever it changes; reading it there is free.
 */
type Listener = (width: number, height: number) => void;

const listeners = new WeakMap<Element, Listener>();
let observer: ResizeObserver | null = null;

function report(entries: ResizeObserverEntry[]): void {
  for (const e of entries) {
    const el = e.target as HTMLElement;
    listeners.get(el)?.(el.clientWidth, el.clientHeight);
  }
}

export function size(node: HTMLElement, listener: Listener) {
  if (typeof ResizeObserver === 'undefined') {
    listener(node.clientWidth, node.clientHeight);
    return {};
  }
  observer ??= new ResizeObserver(report);
  listeners.set(node, listener);
  observer.observe(node);
  return {
    update(next: Listener) {
      listeners.set(node, next);
    },
    destroy() {
      listeners.delete(node);
      observer?.unobserve(node);
    },
  };
}
