/**
 * Virtual time and the one queue every kernel event waits on, ordered by
 * (time, sequence number). Nothing here reads a real clock.
 */
export type EventKind =
  /** A work item on a workqueue (free_work, a module's work). */
  | 'work'
  /** The livepatch transition's delayed work (klp_transition_work). */
  | 'klp-retry'
  /** A task doing something on its own: returning to user space, waking up. */
  | 'task'
  /** A watchdog's periodic check (khungtaskd): it reports, it moves nothing on. */
  | 'watchdog'
  /**
   * A module's delayed work whose timer expires (schedule_delayed_work()),
   * often re-arming itself: a module's own clockwork, not the livepatch core's.
   */
  | 'delayed-work'
  /**
   * A user process's timer that expires (hrtimer_wakeup() ends the
   * nanosleep of `sleep N &`): it happens when time passes anyway, never a
   * reason to let time pass.
   */
  | 'timer';

/**
 * What an event runs: a module-level function and its arguments, never a
 * closure, so a copy of the kernel (session/fork.ts, a checkpoint) copies the
 * arguments with everything else and the function is shared.
 */
// `any`: naming the Kernel here would make the event queue import the kernel.
export type EventFn<A extends unknown[] = any[]> = (k: any, ...args: A) => void;

export interface KernelEvent {
  at: number;
  seq: number;
  kind: EventKind;
  /** What happens, in the kernel's words (the function that runs). */
  label: string;
  fn: EventFn;
  args: unknown[];
  cancelled?: boolean;
}

/** Microseconds per virtual second. */
export const USEC_PER_SEC = 1_000_000;

export class EventQueue {
  now = 0;
  private seqNo = 0;
  private heap: KernelEvent[] = [];

  schedule<A extends unknown[]>(at: number, kind: EventKind, label: string, fn: EventFn<A>, args: A): KernelEvent {
    const ev: KernelEvent = { at: Math.max(at, this.now), seq: this.seqNo++, kind, label, fn: fn as EventFn, args };
    this.push(ev);
    return ev;
  }

  cancel(ev: KernelEvent): void {
    ev.cancelled = true;
  }

  /** The next live event, without removing it. */
  peek(): KernelEvent | undefined {
    while (this.heap.length && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  /** Removes the next live event and moves the clock to its time. */
  take(): KernelEvent | undefined {
    const ev = this.peek();
    if (!ev) return undefined;
    this.pop();
    this.now = ev.at;
    return ev;
  }

  get size(): number {
    return this.heap.filter((e) => !e.cancelled).length;
  }

  pending(): KernelEvent[] {
    return this.heap.filter((e) => !e.cancelled).sort(byTime);
  }

  private push(ev: KernelEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (byTime(h[p]!, h[i]!) <= 0) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && byTime(h[l]!, h[m]!) < 0) m = l;
      if (r < h.length && byTime(h[r]!, h[m]!) < 0) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
}

function byTime(a: KernelEvent, b: KernelEvent): number {
  return a.at - b.at || a.seq - b.seq;
}
