/**
 * A claim in the kernel's own words: the step printed this entry of the
 * words catalogue (src/kernel/words), with these arguments. It names the
 * entry by its id (`file:key`), so a scenario file can say it too, and it
 * cannot drift from what the engine prints. A literal `{ log: '…' }` still
 * works (any line containing it).
 */
import type { ArgsRest, Word } from '../kernel/words';
import type { Claim } from './types';

export function said<A extends string>(w: Word<A>, ...[args, opts]: ArgsRest<A>): Claim {
  return {
    said: w.id,
    ...(args && Object.keys(args).length ? { with: args as Record<string, string | number> } : {}),
    ...(opts?.modname ? { modname: opts.modname } : {}),
  };
}
