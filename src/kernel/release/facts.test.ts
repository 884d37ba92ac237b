import { describe, expect, it } from 'vitest';
import { FACTS, holdsIn, range, type ReleaseFact } from './facts';
import { compareReleases, previousRelease } from './releases';
import { attrNames } from '../fs/livepatch-attrs';

describe('kernel releases', () => {
  it('knows which release comes before another, across major numbers', () => {
    expect(previousRelease('5.18')).toBe('5.17');
    expect(previousRelease('5.0')).toBe('4.20');
    expect(previousRelease('6.0')).toBe('5.19');
    expect(previousRelease('4.0')).toBe('3.19');
    expect(compareReleases('5.10', '5.9')).toBeGreaterThan(0);
    expect(compareReleases('4.20', '5.0')).toBeLessThan(0);
  });
});

describe('the table of release facts', () => {
  const facts = Object.entries(FACTS) as [string, ReleaseFact][];

  it('gives each fact a subject, a range that is not empty, and commits as 12 hex digits', () => {
    for (const [id, f] of facts) {
      expect(f.subject, id).not.toBe('');
      if (f.until) expect(compareReleases(f.since, f.until), id).toBeLessThan(0);
      if (f.commit) expect(f.commit, id).toMatch(/^[0-9a-f]{12}$/);
    }
  });

  it('says a range the way captions do', () => {
    expect(range(FACTS.forceMarksEveryPatch)).toBe('5.1–5.17');
    expect(range(FACTS.forceMarksRemoved)).toBe('since 5.18');
    expect(holdsIn(FACTS.forceMarksEveryPatch, '5.17')).toBe(true);
    expect(holdsIn(FACTS.forceMarksEveryPatch, '5.18')).toBe(false);
  });

  it('hands over without a gap where one behaviour replaced another', () => {
    const pairs: [ReleaseFact, ReleaseFact][] = [
      [FACTS.forceMarksEveryPatch, FACTS.forceMarksRemoved],
      [FACTS.moduleRefInInitEarly, FACTS.moduleRefAtEnable],
      [FACTS.registerThenEnable, FACTS.simplifiedApi],
    ];
    for (const [before, after] of pairs) expect(before.until).toBe(after.since);
  });
});

describe('the sysfs files by release', () => {
  it('mainline: enabled, transition, force, replace, stack_order; patched in each object', () => {
    expect(attrNames('patch')).toEqual(['enabled', 'transition', 'force', 'replace', 'stack_order']);
    expect(attrNames('object')).toEqual(['patched']);
  });

  it('5.0 still had signal and no per-object file; 6.1 added patched, 6.11 replace, 6.14 stack_order', () => {
    expect(attrNames('patch', '5.0')).toEqual(['enabled', 'transition', 'signal', 'force']);
    expect(attrNames('object', '6.0')).toEqual([]);
    expect(attrNames('object', '6.1')).toEqual(['patched']);
    expect(attrNames('patch', '6.10')).toEqual(['enabled', 'transition', 'force']);
    expect(attrNames('patch', '6.13')).toEqual(['enabled', 'transition', 'force', 'replace']);
  });
});
