/**
 * Every narrated scenario replays on the engine, and after each step what
 * its caption claims holds.
 */
import { describe, expect, it } from 'vitest';
import { Timeline } from '../app/timeline';
import { Shell } from '../kernel/shell/shell';
import { SCENARIOS } from './index';
import { playStep } from './run';
import { failedClaims } from './claims';
import { SCENARIO_LIST } from './catalog';

describe('narrated scenarios', () => {
  it('are ten, listed in the picker in the same order, with the same names', async () => {
    expect(SCENARIOS).toHaveLength(10);
    expect(SCENARIO_LIST.map((e) => [e.id, e.title])).toEqual(SCENARIOS.map((s) => [s.id, s.title]));
    for (const e of SCENARIO_LIST) expect((await e.load()).id).toBe(e.id);
  });

  for (const s of SCENARIOS) {
    if (s.kind !== 'story') continue;
    it(`${s.id}: the story loads its picture and one caption per step, each naming a kernel function`, async () => {
      const m = await s.load();
      expect(m.steps.length).toBeGreaterThan(3);
      for (const st of m.steps) {
        expect(st.caption.length).toBeGreaterThan(10);
        if (st.fn) expect(st.fn).toMatch(/^[a-z_][a-z0-9_]*$/);
      }
    });
  }

  it('have unique ids that links can carry', () => {
    const ids = SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]{1,40}$/);
  });

  it('a claim that does not hold is reported', () => {
    const t = new Timeline(SCENARIOS[0]!.kind === 'timeline' ? SCENARIOS[0]!.setup : undefined, (k) => new Shell(k));
    const rec = t.command('cat /proc/cmdline');
    expect(
      failedClaims(t, rec, [
        { log: 'never printed' },
        { term: 'not there' },
        { file: '/proc/cmdline', equals: 'x' },
        { exists: '/sys/kernel/livepatch/nope', is: true },
        { pending: 3 },
        { transitionPatch: 'p' },
        { refcnt: 'm', is: 1 },
      ]),
    ).toHaveLength(7);
    expect(failedClaims(t, rec, [{ term: 'BOOT_IMAGE' }, { exists: '/sys/kernel/livepatch', is: true }, { pending: 0 }])).toEqual([]);
  });

  for (const s of SCENARIOS) {
    if (s.kind !== 'timeline') continue;
    it(`${s.id}: every step does what its caption says`, () => {
      const t = new Timeline(s.setup, (k) => new Shell(k));
      s.steps.forEach((step, i) => {
        const rec = playStep(t, step);
        expect(failedClaims(t, rec, step.claims), `step ${i + 1}: ${step.caption.slice(0, 60)}…`).toEqual([]);
        if (step.fn) expect(step.fn).toMatch(/^[a-z_][a-z0-9_]*$/);
      });
      expect(t.position).toBe(s.steps.length);
    });
  }
});
