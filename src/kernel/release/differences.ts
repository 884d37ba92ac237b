/**
 * What changes at a release against mainline: every release fact that holds
 * in one and not the other, with the range it holds in and the commit that
 * made it. The app's "what changes at this release" panel lists these.
 */
import { FACTS, holdsIn, range, type FactId, type ReleaseFact } from './facts';
import { compareReleases, MAINLINE, type Release } from './releases';

export interface Difference {
  id: FactId;
  fact: ReleaseFact;
  /** true: the release has it and mainline does not; false: mainline has it, the release not yet or no longer */
  here: boolean;
  /** "4.12–5.0", "since 5.5" */
  range: string;
}

export function differencesFrom(release: Release, base: Release = MAINLINE): Difference[] {
  const out: Difference[] = [];
  for (const [id, fact] of Object.entries(FACTS) as [FactId, ReleaseFact][]) {
    if (fact.harness) continue;
    const here = holdsIn(fact, release);
    if (here !== holdsIn(fact, base)) out.push({ id, fact, here, range: range(fact) });
  }
  // oldest first: the order the kernel changed in
  return out.sort((a, b) => compareReleases(a.fact.since, b.fact.since));
}
