/** What the regular-expression modules share: a character test, and how compiling or matching fails. */

/** Does the character (a UTF-16 code unit) belong? */
export type CharTest = (c: number) => boolean;

/** A pattern grep cannot compile; the message is what grep prints after "grep: " (exit status 2). */
export class RegexError extends Error {}

/**
 * glibc's re_search() gave up (it returns -2 when it runs out of memory):
 * grep then calls xalloc_die(), "grep: memory exhausted", status 2
 * (dfasearch.c EGexecute). The simulation's back-reference matcher gives up
 * the same way past a fixed number of steps.
 */
export class RegexExhausted extends Error {
  constructor() {
    super('memory exhausted');
  }
}
