/**
 * Kernel release numbers ("5.18") and their order. The last minor of each
 * major line is what the kernel shipped before the next major (3.19, 4.20,
 * 5.19), so "the release before 5.0" is 4.20 and before 6.0 is 5.19.
 */
export type Release = `${number}.${number}`;

/** The newest release, the one the engine simulates (uname -r is this with .0). */
export const MAINLINE: Release = '7.1';

const LAST_MINOR: Readonly<Record<number, number>> = { 2: 39, 3: 19, 4: 20, 5: 19 };

function parts(r: Release): [number, number] {
  const [major, minor] = r.split('.').map(Number);
  return [major!, minor!];
}

/** negative when a is older than b, 0 when equal, positive when newer */
export function compareReleases(a: Release, b: Release): number {
  const [am, an] = parts(a);
  const [bm, bn] = parts(b);
  return am - bm || an - bn;
}

/** The release before r: 5.17 before 5.18, 4.20 before 5.0. */
export function previousRelease(r: Release): Release {
  const [major, minor] = parts(r);
  if (minor > 0) return `${major}.${minor - 1}`;
  const last = LAST_MINOR[major - 1];
  if (last === undefined) throw new Error(`no release is known before ${r}`);
  return `${major - 1}.${last}`;
}

/** The releases the dial offers, oldest first: one per era the oracle covers, then mainline. */
export const DIAL_RELEASES: readonly Release[] = ['4.19', '5.10', '6.1', '6.4', '6.12', MAINLINE];

/** "4.19", "v4.19", "4.19.71": the release a user or a transcript names; null when it is none. */
export function parseRelease(text: string): Release | null {
  const m = /^v?(\d{1,2})\.(\d{1,2})(?:\.\d+)?(?:-\S*)?$/.exec(text.trim());
  return m ? (`${Number(m[1])}.${Number(m[2])}` as Release) : null;
}
