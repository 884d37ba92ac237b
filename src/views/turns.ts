/**
 * The page draws in turns, one view per task of the page's thread: built
 * all at once, the first screen and the views below it took 200–400 ms in
 * one task (issue 10: no task over 50 ms), and the caption and the shell
 * waited for all of it. A view asks for a turn; turns are given one per
 * macrotask, the first screen's (priority 0) before the ones below the fold,
 * so the browser can paint and answer keys in between.
 *
 * Turns also leave room for the frames: what a turn draws is laid out and
 * painted at the next rendering update, and turns that ran back to back
 * were all laid out in one (a cold load's first screen: 45–65 ms). Turns
 * follow each other at once only while FRAME_BUDGET_MS have not passed
 * since the last frame; the next then waits for a frame to be rendered.
 */
import { unlessGone } from './unless-gone';
export const FIRST_SCREEN = 0;
export const BELOW_FOLD = 1;

interface Waiter {
  priority: number;
  /** order of asking, to keep turns first come first served within a priority */
  seq: number;
  go: () => void;
}

const waiting: Waiter[] = [];
let seq = 0;
let scheduled = false;

/** Resolves in a task of its own, after every turn asked for earlier at this priority or a lower one. */
export function nextTurn(priority = BELOW_FOLD): Promise<void> {
  return new Promise((go) => {
    waiting.push({ priority, seq: seq++, go });
    schedule();
  });
}

function schedule(): void {
  if (scheduled || waiting.length === 0) return;
  scheduled = true;
  // A message to ourselves: a new task at once (setTimeout nests into 4 ms steps after a few).
  post();
}

let channel: MessageChannel | null = null;
function post(): void {
  if (typeof MessageChannel === 'undefined') {
    setTimeout(turn, 0);
    return;
  }
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = turn;
  }
  channel.port2.postMessage(null);
}

/** ms of the page's thread turns may use between two frames, leaving each frame's rendering its share */
export const FRAME_BUDGET_MS = 12;
/** when the first turn since the last frame began, ms (-1: none has yet) */
let since = -1;
let ticking = false;

/** Notes each frame while turns are given: the budget starts again after it. */
function tick(): void {
  if (ticking || typeof requestAnimationFrame === 'undefined') return;
  ticking = true;
  requestAnimationFrame(() => {
    ticking = false;
    since = -1;
  });
}

/** The budget is spent: this turn waits for the next frame (not in a hidden page, which renders nothing). */
function overBudget(): boolean {
  const now = performance.now();
  if (since < 0) since = now;
  if (typeof requestAnimationFrame === 'undefined' || (typeof document !== 'undefined' && document.visibilityState === 'hidden')) return false;
  return now - since > FRAME_BUDGET_MS;
}

function turn(): void {
  if (overBudget()) {
    // Posted from the frame's callback, the message comes once the frame has been laid out and painted.
    requestAnimationFrame(() => {
      since = -1;
      post();
    });
    return;
  }
  scheduled = false;
  let best = 0;
  for (let i = 1; i < waiting.length; i++) {
    const w = waiting[i]!;
    const b = waiting[best]!;
    if (w.priority < b.priority || (w.priority === b.priority && w.seq < b.seq)) best = i;
  }
  const [w] = waiting.splice(best, 1);
  w?.go();
  schedule();
  tick();
}

/**
 * For an effect: `fn` at its turn, unless the effect has run again or gone
 * by then (return what this returns).
 */
export function onTurn(priority: number, fn: () => void): () => void {
  return unlessGone(nextTurn(priority), fn);
}
