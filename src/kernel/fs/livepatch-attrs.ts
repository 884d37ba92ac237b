/**
 * The attribute files of /sys/kernel/livepatch: what each one's
 * kobj_attribute methods are, whether they take klp_mutex (which decides
 * whether a reader can join a deadlock with a writer that holds it while it
 * removes the file), and the release range it exists in (release/facts.ts).
 * The engine lists the files mainline has; stories ask for other releases.
 */
import { FACTS, holdsIn, type ReleaseFact } from '../release/facts';
import { MAINLINE, type Release } from '../release/releases';

export interface LivepatchAttr {
  /** the directory holding it: the patch's, or each object's (<object>/) */
  dir: 'patch' | 'object';
  name: string;
  show?: string;
  store?: string;
  takesKlpMutex: boolean;
  /** when it exists */
  fact: ReleaseFact;
}

// In the order kernel/livepatch/core.c lists them (klp_patch_attrs[], klp_object_attrs[]).
export const LIVEPATCH_ATTRS: readonly LivepatchAttr[] = [
  { dir: 'patch', name: 'enabled', show: 'enabled_show', store: 'enabled_store', takesKlpMutex: true, fact: FACTS.livepatchCore },
  { dir: 'patch', name: 'transition', show: 'transition_show', takesKlpMutex: false, fact: FACTS.consistencyModel },
  { dir: 'patch', name: 'signal', store: 'signal_store', takesKlpMutex: true, fact: FACTS.signalFile },
  { dir: 'patch', name: 'force', store: 'force_store', takesKlpMutex: true, fact: FACTS.forceFile },
  { dir: 'patch', name: 'replace', show: 'replace_show', takesKlpMutex: false, fact: FACTS.replaceFile },
  { dir: 'patch', name: 'stack_order', show: 'stack_order_show', takesKlpMutex: true, fact: FACTS.stackOrderFile },
  // Function directories hold no files.
  { dir: 'object', name: 'patched', show: 'patched_show', takesKlpMutex: false, fact: FACTS.objectPatchedFile },
];

/** The attributes of one directory kind in a release, in the kernel's order. */
export function attrsIn(dir: LivepatchAttr['dir'], release: Release = MAINLINE): LivepatchAttr[] {
  return LIVEPATCH_ATTRS.filter((a) => a.dir === dir && holdsIn(a.fact, release));
}

export const attrNames = (dir: LivepatchAttr['dir'], release?: Release): string[] => attrsIn(dir, release).map((a) => a.name);
