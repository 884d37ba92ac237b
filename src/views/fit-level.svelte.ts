/**
 * The detail level of a fitted view (fit.ts, "detail levels"): after each
 * render the view's scroll box is measured, and while the step's focus does
 * not fit, the level goes up by one and the view draws again; once it fits
 * (or the view has no level left) the focus is scrolled into view inside the
 * box. A new step, new focus or a new box size starts again from level 0.
 * All of it happens before the browser paints: a step never shows its
 * picture at a level it then leaves. The first measure waits for the
 * browser's own layout of the step (afterLayout), the next ones see only
 * this view change.
 */
import { tick, untrack } from 'svelte';
import { afterLayout } from './after-layout';
import { measureFit, needsLess, revealIn } from './fit';

export interface FitLevelOptions {
  /** the view is fitted to a box (its `fit` prop) */
  fit: () => boolean;
  /** the view's scroll box */
  box: () => HTMLElement | null | undefined;
  /** the most compact level the view draws */
  max: number;
  /** what, when it changes, starts again from level 0: the step's model, the focus, the view's outer size */
  reset: () => unknown;
}

export class FitLevel {
  /** the level the view draws at: 0 is its full picture */
  level = $state(0);

  constructor(o: FitLevelOptions) {
    // Before the DOM updates: a new picture is drawn first at full detail.
    $effect.pre(() => {
      void o.reset();
      void o.fit();
      untrack(() => (this.level = 0));
    });
    $effect(() => {
      const fit = o.fit();
      const level = this.level;
      void o.reset();
      if (!fit) return;
      const first = level === 0 ? o.box() : null;
      void (first ? afterLayout(first) : tick()).then(() => {
        const box = o.box();
        if (!box || level !== this.level) return;
        if (needsLess(level, o.max, measureFit(box))) this.level = level + 1;
        else revealIn(box);
      });
    });
  }
}
