/**
 * A `{ log }` claim in the kernel's own words: the step printed this entry
 * of the words catalogue (src/kernel/words), with these arguments. A literal
 * `{ log: '…' }` still works (any line containing it); this one cannot drift
 * from what the engine prints.
 */
import { line, type ArgsRest, type Word } from '../kernel/words';
import type { Claim } from './types';

export function said<A extends string>(w: Word<A>, ...args: ArgsRest<A>): Claim {
  // Printed when a check first reads it, not as the scenario loads: the page loads every scenario
  // and checks no claim (formatting them all took a cold page ~30 ms of a task).
  let text: string | undefined;
  return {
    get log() {
      return (text ??= line(w, ...args));
    },
  };
}
