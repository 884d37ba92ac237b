/**
 * Every kernel release a caption, story or note names comes from the table
 * of release facts (src/kernel/release/facts.ts): a release number typed
 * into a caption by hand, which is how "5.1 to 5.16" went wrong (issue 9),
 * fails here unless the table has a fact that begins or ends there.
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from './index';
import { FACTS, type ReleaseFact } from '../kernel/release/facts';
import { DIAL_RELEASES, previousRelease } from '../kernel/release/releases';
import { storySteps } from '../stories/workqueue/model';
import { API_LABEL, LEDE, STEP_COUNT, STORY_STEPS as api51Steps, storyState, usePlayed } from '../stories/api51/model';
import { playBoth } from '../stories/api51/engine';
/** The workqueue story's captions (it simulates them when first asked). */
const workqueueSteps = storySteps();
/** The api51 story's notes come from its two kernels. */
usePlayed(playBoth());

/** "5.18", "v5.1", "4.12" (not "7.1.0", a version with a patch level, nor "0.5") */
const RELEASE = /\bv?([3-7]\.\d{1,2})(?![.\d])/g;

function boundaries(): Set<string> {
  // the releases the dial simulates (the api51 story's two kernels are two of them), and where a fact begins or ends
  const out = new Set<string>(DIAL_RELEASES);
  for (const f of Object.values(FACTS) as ReleaseFact[]) {
    out.add(f.since);
    if (f.until) out.add(f.until).add(previousRelease(f.until));
  }
  return out;
}

function texts(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const s of SCENARIOS) {
    out.push({ where: `${s.id} summary`, text: s.summary });
    if (s.kind !== 'timeline') continue;
    out.push({ where: `${s.id} intro`, text: s.intro });
    s.steps.forEach((x, i) => out.push({ where: `${s.id} step ${i + 1}`, text: x.caption }));
  }
  workqueueSteps.forEach((x, i) => out.push({ where: `free-work step ${i}`, text: x.caption }));
  api51Steps.forEach((x, i) => out.push({ where: `api51 step ${i}`, text: x.caption }));
  out.push({ where: 'api51 lede', text: LEDE }, ...Object.values(API_LABEL).map((text) => ({ where: 'api51 column', text })));
  for (let n = 0; n < STEP_COUNT; n++)
    for (const side of [storyState(n).old, storyState(n).new])
      for (const c of side.calls) if (c.note) out.push({ where: `api51 step ${n} ${c.fn}`, text: c.note });
  return out;
}

describe('release numbers in words', () => {
  it('finds the releases the captions name (the check is not empty)', () => {
    const named = texts().flatMap((t) => [...t.text.matchAll(RELEASE)].map((m) => m[1]));
    expect(named).toContain('5.18');
    expect(named).toContain('5.1');
  });

  it('every release a caption or note names begins or ends a fact of the table', () => {
    const known = boundaries();
    const stray = texts().flatMap((t) => [...t.text.matchAll(RELEASE)].filter((m) => !known.has(m[1]!)).map((m) => `${t.where}: ${m[1]} in "${t.text.slice(0, 70)}…"`));
    expect(stray).toEqual([]);
  });
});
