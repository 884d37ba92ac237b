/**
 * Bounds on the simulated shell's own work, so that no line a link brings or
 * a user types can run long or grow memory without end, and what that work
 * costs in the kernel's one work budget (Kernel.charge, whose unit is about
 * one task visit: 20,000 to 40,000 a millisecond). All counted from sizes
 * and steps, never from clocks, so a replay charges exactly the same.
 */
import type { Kernel } from '../kernel';

/**
 * A step of grep's matcher (one live thread at one position of a line):
 * measured at 10,000 (cold) to 100,000 (warm) a millisecond, so about a
 * task visit or less.
 */
export const WORK_PER_REGEX_STEP = 1;

/**
 * A byte an expansion builds (a word, a variable, a $(...) result): about a
 * task visit's cost, copying included.
 */
export const WORK_PER_BYTE_EXPANDED = 1;

/**
 * A byte a command reads and looks at (wc counting it): measured at about
 * 300,000 a millisecond (2 MiB in 7 ms, warm), so well under a task visit,
 * but charged as one like a byte expanded: a file named again and again on
 * one line is paid for each time.
 */
export const WORK_PER_BYTE_READ = 1;

/**
 * A byte a command line writes (to the terminal, a pipe, a file or a
 * $(...)). Producing it costs the engine little; drawing it in the page's
 * terminal costs far more, and that is what a link must not ask for without
 * limit: at two units a byte, a link's budget covers about 25 MB of output
 * (`ps -e` at 20,000 tasks writes about 700 KB).
 */
export const WORK_PER_BYTE_WRITTEN = 2;

/**
 * The longest word an expansion may build (a word, a variable's value, a
 * $(...) result): 4 MiB; and what one simple command's words and
 * assignments may hold together: 16 MiB. Past either the shell fails as
 * bash does when xmalloc() finds no memory (expand.ts).
 */
export const WORD_MAX = 4 * 1024 * 1024;
export const COMMAND_WORDS_MAX = 4 * WORD_MAX;

/**
 * The most one command line may write in all (every command's output to
 * the terminal, pipes, files and $(...)): 16 MiB, far beyond any real use
 * here, whatever budget the line runs under (a typed line may have none).
 */
export const LINE_OUTPUT_MAX = 16 * 1024 * 1024;

/**
 * A pass over the kernel's task list that only compares a field (a pid, a
 * CPU): a find() or filter() over 20,000 tasks takes about 20 µs, some 500
 * units, so a task costs about 1/32 of a unit here, where a transition's
 * visit of a task costs one.
 */
export function taskListScan(k: Kernel): number {
  return Math.ceil(k.tasks.length / 32);
}

/** "4 MiB": the limits as the shell's notes name them. */
export function mebibytes(bytes: number): string {
  return `${bytes / (1024 * 1024)} MiB`;
}

/**
 * xmalloc() found no memory for an expansion. Bash's words (xmalloc.c
 * allocerr(), checked with Debian 12's bash 5.2 under `ulimit -v`:
 * "bash: xmalloc: cannot allocate 16777217 bytes", the string's length and
 * its NUL), then fatal_error() ends that shell with status 2: the login
 * shell, or only the subshell of a pipeline element or a $(...).
 */
export class ExpansionTooLarge extends Error {
  constructor(readonly bytes: number) {
    super(`xmalloc: cannot allocate ${bytes} bytes`);
  }
}
