/**
 * Which views below the fold the user collapsed. Kept in localStorage, so a
 * view you have no use for stays out of the way on your next visit.
 */
import { SvelteSet } from 'svelte/reactivity';
import type { KernelViewId } from '../../views/focus';

const KEY = 'klpscope:collapsed';

function load(): KernelViewId[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is KernelViewId => typeof x === 'string') : [];
  } catch {
    // no storage (Node; a sandboxed frame; a frame on another site where third-party
    // storage is blocked, where even `typeof localStorage` throws) or a damaged entry
    return [];
  }
}

class Collapsed {
  private readonly ids = new SvelteSet<KernelViewId>(load());

  has(id: KernelViewId): boolean {
    return this.ids.has(id);
  }

  toggle(id: KernelViewId): void {
    if (this.ids.has(id)) this.ids.delete(id);
    else this.ids.add(id);
    try {
      localStorage.setItem(KEY, JSON.stringify([...this.ids]));
    } catch {
      // no storage: it holds for this visit only
    }
  }
}

export const collapsed = new Collapsed();
