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

/** Does this event, run now, move anything on (the livepatch core, a task, a work item)? */
function movesOn(k: Kernel, ev: KernelEvent): boolean {
  if (ev.kind === 'watchdog' || ev.kind === 'delayed-work' || ev.kind === 'timer') return false;
  return ev.kind !== 'klp-retry' || klpRetryWouldProgress(k);
}

/**
 * Is the next event something settling should run? A watchdog's check
 * (khungtaskd) only reports what is stuck: waiting for it is not progress.
 * A module's delayed work (a timer that re-arms itself every second) never
 * stops coming, and a background sleep's timer may be a day away: they run
 * only when time passes anyway, on the way to an event that moves
 * something on.
 */
export function nextEventMakesProgress(k: Kernel, ev: KernelEvent): boolean {
  if (ev.kind === 'delayed-work' || ev.kind === 'timer') return k.queue.pending().some((e) => movesOn(k, e));
  return movesOn(k, ev);
}

/** Why settling stops at this event, in words for the CLI's `.pending`. */
export function whySettlingStops(ev: KernelEvent): string {
  if (ev.kind === 'watchdog') return 'a watchdog only reports';
  if (ev.kind === 'delayed-work') return "a module's own timer, and nothing after it moves on";
  if (ev.kind === 'timer') return "a process's timer, and nothing after it moves on";
  return 'it would find the same tasks blocked';
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
