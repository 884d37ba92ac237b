/**
 * Settling, as ../shared/conformance/README.md defines it: after a command,
 * run the work that is ready and let virtual time pass only while that brings
 * progress. A transition retry that would find every pending task where it is
 * stops it: a stalled transition stays stalled, and no later timer fires on
 * its own.
 */
import type { Kernel } from './kernel';
import type { KernelEvent } from './world/events';
import { klpRetryWouldProgress } from './livepatch/transition';

/** Events one settle may run before it gives up (only a bug could need more). */
const MAX_EVENTS = 1_000_000;

/**
 * Is the next event something settling should run? A watchdog's check
 * (khungtaskd) only reports what is stuck: waiting for it is not progress.
 */
export function nextEventMakesProgress(k: Kernel, ev: KernelEvent): boolean {
  if (ev.kind === 'watchdog') return false;
  return ev.kind !== 'klp-retry' || klpRetryWouldProgress(k);
}

export function settle(k: Kernel): number {
  let n = 0;
  for (; n < MAX_EVENTS; n++) {
    const ev = k.queue.peek();
    if (!ev || !nextEventMakesProgress(k, ev)) return n;
    k.step();
  }
  throw new Error(`settle: more than ${MAX_EVENTS} events without reaching quiescence`);
}
