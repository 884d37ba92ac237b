/**
 * A `{ log }` claim in the kernel's own words: the step printed this entry
 * of the words catalogue (src/kernel/words), with these arguments. A literal
 * `{ log: '…' }` still works (any line containing it); this one cannot drift
 * from what the engine prints.
 */
import { line, type ArgsRest, type Word } from '../kernel/words';
import type { Claim } from './types';

export const said = <A extends string>(w: Word<A>, ...args: ArgsRest<A>): Claim => ({ log: line(w, ...args) });
