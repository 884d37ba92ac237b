/**
 * Every narrated scenario replays on the engine, and after each step what
 * its caption claims holds.
 */
import { describe, expect, it } from 'vitest';
import { Timeline } from '../app/timeline';
import { Shell } from '../kernel/shell/shell';
import { SCENARIOS } from './index';
import { playStep } from './run';
import { failedClaims, isPictureClaim } from './claims';
import { focusProblems } from './focus-check';
import { SCENARIO_LIST } from './catalog';
import type { Claim, PictureClaim, TimelineScenario } from './types';

const timeline = (id: string): TimelineScenario => {
  const s = SCENARIOS.find((x) => x.id === id);
  if (s?.kind !== 'timeline') throw new Error(`no timeline scenario ${id}`);
  return s;
};

/** A timeline played to step n of a scenario. */
function playedTo(id: string, n: number): { t: Timeline; rec: ReturnType<typeof playStep> } {
  const s = timeline(id);
  const t = new Timeline(s.setup, (k) => new Shell(k));
  let rec!: ReturnType<typeof playStep>;
  for (const st of s.steps.slice(0, n)) rec = playStep(t, st);
  return { t, rec };
}

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

  it('a picture claim that does not hold is reported, each kind', () => {
    // stalled-transition at its step 5: the 15th retry has signalled fio, which has not switched yet.
    const { t, rec } = playedTo('stalled-transition', 5);
    const wrong: PictureClaim[] = [
      { mark: 'fio', in: 'patched' },
      { mark: 'nosuchtask', in: 'none' },
      { switched: 49, of: 50 },
      { pendingShown: ['kworker/0:1'] },
      { oldCode: 'kworker/0:1', is: 'busymod_work_func' },
      { blocker: 'kworker/0:1', is: 'sleeping', on: 'cmdline_proc_show' },
      { inStack: 'fio', fn: 'busymod_work_func' },
      { signalled: 'fio', is: false },
      { card: 'test_klp_callbacks_demo', tone: 'enabled' },
      { card: 'test_klp_callbacks_demo', on: 'offList' },
      { card: 'test_klp_callbacks_demo', forced: true },
      { object: 'test_klp_callbacks_demo/test_klp_callbacks_busy', loaded: false },
      { funcStack: 'busymod_work_func', is: [] },
      { funcStack: 'busymod_work_func', is: ['test_klp_callbacks_demo'], transition: false },
      { freeWork: ['test_klp_callbacks_demo'] },
      { freePhase: 'test_klp_callbacks_demo', is: 'queued' },
      { moduleRef: 'test_klp_callbacks_demo', is: 0 },
      { moduleRef: 'test_klp_callbacks_demo', is: 1, pinned: true },
      { moduleGone: 'test_klp_callbacks_busy' },
      { sysfs: '/sys/kernel/livepatch/test_klp_callbacks_demo/transition', value: '0' },
      { sysfs: '/sys/kernel/livepatch/test_klp_callbacks_demo', value: null },
      { sysfs: '/sys/kernel/livepatch/test_klp_callbacks_demo/enabled', status: 'changed' },
    ];
    for (const c of wrong) {
      expect(isPictureClaim(c)).toBe(true);
      expect(failedClaims(t, rec, [c]), JSON.stringify(c)).toHaveLength(1);
    }
    const right: PictureClaim[] = [
      { mark: 'fio', in: 'unpatched' },
      { switched: 48, of: 50 },
      { pendingShown: ['fio', 'kworker/0:1'] },
      { oldCode: 'kworker/0:1', is: null },
      { blocker: 'kworker/0:1', is: 'sleeping', on: 'busymod_work_func' },
      { inStack: 'kworker/0:1', fn: 'busymod_work_func' },
      { signalled: 'fio', is: true },
      { card: 'test_klp_callbacks_demo', on: 'stack', tone: 'patching', forced: false, top: true },
      { object: 'test_klp_callbacks_demo/test_klp_callbacks_busy', loaded: true, patched: true },
      { funcStack: 'busymod_work_func', is: ['test_klp_callbacks_demo'], transition: true },
      { freeWork: [] },
      { freePhase: 'test_klp_callbacks_demo', is: 'in-use' },
      { moduleRef: 'test_klp_callbacks_demo', is: 1, pinned: false },
      { moduleGone: 'test_klp_livepatch' },
      { sysfs: '/sys/kernel/livepatch/test_klp_callbacks_demo/transition', value: '1', status: 'same' },
      { sysfs: '/sys/kernel/livepatch/test_klp_livepatch', value: null },
    ];
    expect(failedClaims(t, rec, right)).toEqual([]);
  });

  it('catches the mismatches issue 8 found: fio switched a step early, "pending on every task" after insmod', () => {
    // The old step 5 let fio's return to user space run with the 15th retry; now it is step 6.
    const at5 = playedTo('stalled-transition', 5);
    expect(failedClaims(at5.t, at5.rec, [{ mark: 'fio', in: 'patched' }, { pendingShown: ['kworker/0:1'] }])).toHaveLength(2);
    const at6 = playedTo('stalled-transition', 6);
    expect(failedClaims(at6.t, at6.rec, [{ mark: 'fio', in: 'patched' }, { pendingShown: ['kworker/0:1'] }])).toEqual([]);
    // insmod returns after the first klp_try_complete_transition(): most tasks have switched already.
    const fl = playedTo('first-livepatch', 2);
    expect(failedClaims(fl.t, fl.rec, [{ switched: 0, of: 49 }])).toHaveLength(1);
    // force: every task counted as switched, the kworker drawn in old code.
    const forced = playedTo('stalled-transition', 7);
    expect(failedClaims(forced.t, forced.rec, [{ oldCode: 'kworker/0:1', is: null }])).toHaveLength(1);
  });

  for (const s of SCENARIOS) {
    if (s.kind !== 'timeline') continue;
    it(`${s.id}: every step has a focus its picture can show`, () => {
      const t = new Timeline(s.setup, (k) => new Shell(k));
      expect(focusProblems(s.introFocus, t.k, t.view(), null), 'intro').toEqual([]);
      s.steps.forEach((step, i) => {
        playStep(t, step);
        const prev = t.cachedView(t.position - 1);
        expect(focusProblems(step.focus, t.k, t.view(), prev), `step ${i + 1}: ${step.caption.slice(0, 60)}…`).toEqual([]);
      });
    });

    it(`${s.id}: captions are short and name at most two kernel functions`, () => {
      for (const [i, step] of s.steps.entries()) {
        const fns = new Set([...step.caption.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\(\)/g)].map((m) => m[1]));
        expect(fns.size, `step ${i + 1}: ${[...fns].join(', ')}`).toBeLessThanOrEqual(2);
        expect(step.caption.length, `step ${i + 1}`).toBeLessThanOrEqual(330);
      }
    });

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
