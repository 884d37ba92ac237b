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
    return []; // no storage (a sandboxed frame) or a damaged entry: nothing collapsed
  }
}

class Collapsed {
  private readonly ids = new SvelteSet<KernelViewId>(typeof localStorage === 'undefined' ? [] : load());

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
