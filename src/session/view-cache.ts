/**
 * The views of steps already seen, so going back and forth over them needs
 * no replay, within a fixed memory budget: a view costs about its number of
 * tasks (a task's row is most of it), and past the budget the least recently
 * used views go. Without the bound, playing a stalled transition at 20,000
 * tasks kept 1.2 MB for every step and crashed the tab (issue 10).
 */
import type { KernelView } from '../kernel/view/types';

/** Task rows all cached views may hold together: about 25 MB at 10,000 tasks a view. */
export const VIEW_CACHE_TASKS = 200_000;
/** However small the views, no more than this many. */
export const VIEW_CACHE_MAX = 512;

export class ViewCache {
  private readonly views = new Map<number, KernelView>();
  private cost = 0;

  constructor(private readonly budget = VIEW_CACHE_TASKS) {}

  get size(): number {
    return this.views.size;
  }

  /** The view of step n, now the most recently used; null if it is not kept. */
  get(n: number): KernelView | null {
    const v = this.views.get(n);
    if (!v) return null;
    this.views.delete(n);
    this.views.set(n, v);
    return v;
  }

  /**
   * Keeps the view of step n. The views of `current` and the step before it
   * (what the page shows as "what changed") are never the ones evicted.
   */
  set(n: number, v: KernelView, current: number): void {
    this.delete(n);
    this.views.set(n, v);
    this.cost += weight(v);
    for (const [key, old] of this.views) {
      if (this.cost <= this.budget && this.views.size <= VIEW_CACHE_MAX) break;
      if (key === current || key === current - 1) continue;
      this.views.delete(key);
      this.cost -= weight(old);
    }
  }

  /** Acting in the past drops the future: its views go too. */
  dropAfter(n: number): void {
    for (const key of [...this.views.keys()]) if (key > n) this.delete(key);
  }

  private delete(n: number): void {
    const v = this.views.get(n);
    if (v) this.cost -= weight(v);
    this.views.delete(n);
  }
}

/** What a view costs in the budget: its task rows, and at least one. */
const weight = (v: KernelView): number => Math.max(1, v.tasks.length);
