/**
 * A copy of the simulated machine (the kernel and its login shell) that runs
 * on independently of the original: what a checkpoint keeps. The catalogue
 * of modules is shared (nothing writes it), everything else is copied.
 */
import type { Kernel } from '../kernel/kernel';
import type { Shell } from '../kernel/shell/shell';
import { CATALOG } from '../kernel/catalog';
import { deepCopy, reachable } from './deep-copy';

export interface Machine {
  k: Kernel;
  shell: Shell | null;
}

let statics: WeakSet<object> | null = null;

export function fork<M extends Machine>(m: M): M {
  statics ??= reachable(CATALOG);
  const onProgress = m.k.onProgress;
  const copy = deepCopy(m, statics);
  // Who watches the work is the session's business, not the machine's.
  copy.k.onProgress = onProgress;
  // An invariant watch (tests) follows the kernel it was started on; a copy is unwatched.
  copy.k.klpObserver = null;
  copy.k.fgraph = null;
  return copy;
}
