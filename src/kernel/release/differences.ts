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

/**
 * What the sources read here did not settle, said rather than guessed: the
 * dial shows these beside the differences.
 */
export const UNSETTLED: readonly string[] = [
  "the first release of test_klp_syscall.ko: the 6.12 tree has it, but where between 5.1 and 6.12 it began was not read, so the dial offers it with the other test modules",
  'the commit that made CONFIG_PREEMPT_DYNAMIC the x86-64 default: dated by its release (5.12) only',
  "other distributions' kernel configs: only Debian 12's 6.1 was read (its linux-image package)",
  "the callback order of the first 5.1-era selftests (module first, then vmlinux): a copy the sources could not date, so no release on the dial has it",
];

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
