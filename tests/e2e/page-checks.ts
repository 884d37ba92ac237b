/**
 * What the stage checks measure on the page, run inside it: visible text
 * too small to read, focus outside the first screen, and scrolling. Each
 * returns a list of problems in words (empty: all is well).
 */
import type { Page } from '@playwright/test';

export interface PageReport {
  /** the page scrolls: its size beyond the window, px */
  scrollX: number;
  scrollY: number;
  /** visible text under the minimum: "12.0px 'klp_signals_cnt' in .summary" */
  small: string[];
  /** [data-focus] elements */
  focus: number;
  /** [data-focus] elements not wholly on the first screen (or clipped by a scroll box) */
  offscreen: string[];
}

/**
 * Measures the page as it is now. `minText` is in CSS px as rendered: a
 * talk-mode stage scales its text by its `data-scale`, and an SVG by its
 * viewBox, and both count.
 */
export function report(page: Page, minText: number): Promise<PageReport> {
  return page.evaluate((min) => {
    const vw = innerWidth;
    const vh = innerHeight;
    const doc = document.documentElement;

    /** The part of `el`'s box that is not cut away by a scroll box or hidden container around it. */
    function shown(el: Element, r: DOMRect): { x0: number; y0: number; x1: number; y1: number } | null {
      let box = { x0: r.left, y0: r.top, x1: r.right, y1: r.bottom };
      for (let a: Element | null = el; a && a !== doc; a = a.parentElement) {
        const cs = getComputedStyle(a);
        if (cs.visibility === 'hidden' || cs.display === 'none' || Number(cs.opacity) === 0) return null;
        if (a !== el && cs.overflow !== 'visible') {
          const c = a.getBoundingClientRect();
          box = { x0: Math.max(box.x0, c.left), y0: Math.max(box.y0, c.top), x1: Math.min(box.x1, c.right), y1: Math.min(box.y1, c.bottom) };
        }
      }
      box = { x0: Math.max(box.x0, 0), y0: Math.max(box.y0, 0), x1: Math.min(box.x1, vw), y1: Math.min(box.y1, vh) };
      return box.x1 - box.x0 > 0.5 && box.y1 - box.y0 > 0.5 ? box : null;
    }

    const stage = document.querySelector<HTMLElement>('[data-scale]');
    const stageScale = stage ? Number(stage.dataset.scale) : 1;

    /** The rendered font size of a text's element, px. */
    function rendered(el: Element): number {
      const size = parseFloat(getComputedStyle(el).fontSize);
      const svg = el.closest('svg');
      if (svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width > 0) {
        const r = svg.getBoundingClientRect();
        const vb = svg.viewBox.baseVal;
        return size * Math.min(r.width / vb.width, r.height / vb.height);
      }
      return size * stageScale;
    }

    const small: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    // No minimum (min 0): nothing to report, and the walk is the costly part.
    for (let n = min > 0 ? walker.nextNode() : null; n; n = walker.nextNode()) {
      const text = n.textContent?.trim() ?? '';
      const el = n.parentElement;
      if (!text || !el || el.closest('.sr-only, script, style, title, option')) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
      if (!rects.some((r) => shown(el, r))) continue;
      const px = rendered(el);
      if (px < min - 0.05) small.push(`${px.toFixed(1)}px '${text.slice(0, 30)}' in ${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
    }

    const offscreen: string[] = [];
    const focused = [...document.querySelectorAll('[data-focus]')];
    for (const el of focused) {
      const r = el.getBoundingClientRect();
      const s = shown(el, r);
      const whole = s && s.x0 <= r.left + 1 && s.y0 <= r.top + 1 && s.x1 >= r.right - 1 && s.y1 >= r.bottom - 1;
      if (!whole) offscreen.push(`${el.getAttribute('data-focus')} at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`);
    }

    return {
      scrollX: Math.max(0, doc.scrollWidth - vw),
      scrollY: Math.max(0, doc.scrollHeight - vh),
      small: [...new Set(small)].slice(0, 12),
      focus: focused.length,
      offscreen,
    };
  }, minText);
}
