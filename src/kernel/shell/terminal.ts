/**
 * What the shell's terminal shows, in the order it was written: each
 * command's output as it ends, and a background job's output when the job
 * runs, which may be while a later command sleeps, or between command lines
 * while the kernel's events run (a step of the page). The page's timeline
 * and `klp sh` take it after each input (Shell.takeTerminal()).
 */
export interface TermChunk {
  /** written to stderr (bash's messages, errors) rather than stdout */
  err: boolean;
  text: string;
}

/** Output that has not reached the terminal (a pipe, a $(...), a redirected group's). */
export interface Output {
  stdout: string;
  stderr: string;
}

/** Chunks kept for a reader that never takes them (tests, selftest replays): older ones go. */
export const TERMINAL_KEPT = 1000;

/** The chunks of one stream, joined. */
export function joined(chunks: readonly TermChunk[], err: boolean): string {
  let s = '';
  for (const c of chunks) if (c.err === err) s += c.text;
  return s;
}
