import { describe, expect, it } from 'vitest';
import { differencesFrom } from './differences';
import { compareReleases, MAINLINE } from './releases';

describe('what changes at a release', () => {
  it('mainline against itself: nothing', () => expect(differencesFrom(MAINLINE)).toEqual([]));

  it('4.19: the register + enable API, stacking, the signal file, the global klp_forced; no klp_state, no replace file', () => {
    const d = differencesFrom('4.19');
    const here = d.filter((x) => x.here).map((x) => x.id);
    const missing = d.filter((x) => !x.here).map((x) => x.id);
    expect(here).toEqual(expect.arrayContaining(['registerThenEnable', 'signalFile', 'forcedFlagGlobal']));
    expect(missing).toEqual(expect.arrayContaining(['simplifiedApi', 'atomicReplace', 'noStackingOrder', 'systemState', 'replaceFile', 'stackOrderFile', 'livepatchSelftests']));
    // a fact of the selftests' harness is not a rule users meet; the list runs oldest first
    expect(d.some((x) => x.id === 'ftraceEnabledFailFlag')).toBe(false);
    const since = d.map((x) => x.fact.since);
    expect(since).toEqual([...since].sort((a, b) => compareReleases(a, b)));
    expect(d.find((x) => x.id === 'registerThenEnable')!.range).toBe('4.12–5.0');
  });

  it('5.10: force marks every patch, and the files and rules that came later are missing', () => {
    const d = differencesFrom('5.10');
    expect(d.filter((x) => x.here).map((x) => x.id)).toContain('forceMarksEveryPatch');
    expect(d.some((x) => x.id === 'registerThenEnable')).toBe(false);
  });
});
