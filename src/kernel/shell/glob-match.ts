/**
 * Pathname pattern matching (* and ?) in time proportional to the name
 * times the pattern at worst: the classic two-pointer match, which on a
 * mismatch goes back only to the last star (a star after it makes any
 * earlier choice irrelevant), never trying the exponentially many ways
 * a backtracking regular expression would.
 */

/** A wildcard, or a character that stands for itself (it was quoted, or is no wildcard). */
export type GlobChar = '*' | '?' | { literal: string };

/** Does the name match? Steps: characters compared, for the work budget. */
export function globMatch(pattern: readonly GlobChar[], name: string): { matched: boolean; steps: number } {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  let steps = 0;
  while (n < name.length) {
    steps++;
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      resume = n;
    } else if (c !== undefined && (c === '?' || c.literal === name[n])) {
      p++;
      n++;
    } else if (star >= 0) {
      p = star + 1;
      n = ++resume;
    } else return { matched: false, steps };
  }
  while (pattern[p] === '*') p++;
  return { matched: p === pattern.length, steps };
}
