/**
 * Every narrated scenario replays on the engine, and after each step what
 * its caption claims holds.
 */
import { describe, expect, it } from 'vitest';
import { Timeline } from '../session/timeline';
import { Shell } from '../kernel/shell/shell';
import { SCENARIOS } from './index';
import { playStep } from './run';
import { failedClaims, isPictureClaim } from './claims';
import { focusProblems } from './focus-check';
import { SCENARIO_LIST } from './catalog';
import { SOURCE_FILES } from './sources';
import { GONE_FUNCTIONS } from './gone-functions';
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
  it('are eighteen, listed in the picker in the same order, with the same names', async () => {
    expect(SCENARIOS).toHaveLength(18);
    expect(SCENARIO_LIST.map((e) => [e.id, e.title])).toEqual(SCENARIOS.map((s) => [s.id, s.title]));
    for (const e of SCENARIO_LIST) expect((await e.load()).id).toBe(e.id);
  });

  for (const s of SCENARIOS) {
    if (s.kind !== 'story') continue;
    it(`${s.id}: the story loads its picture and one caption per step, each naming a kernel function`, async () => {
      const m = await s.load();
      expect(m.steps().length).toBeGreaterThan(3);
      for (const st of m.steps()) {
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
        { termLine: 'BOOT_IMAGE' },
        { file: '/proc/cmdline', equals: 'x' },
        { exists: '/sys/kernel/livepatch/nope', is: true },
        { pending: 3 },
        { transitionPatch: 'p' },
        { refcnt: 'm', is: 1 },
      ]),
    ).toHaveLength(8);
    expect(failedClaims(t, rec, [{ term: 'BOOT_IMAGE' }, { termLine: rec.term.find((l) => l.kind === 'out')!.text }, { exists: '/sys/kernel/livepatch', is: true }, { pending: 0 }])).toEqual([]);
  });

  it('a picture claim that does not hold is reported, each kind', () => {
    // stalled-transition at its step 5: the 15th retry has signalled logger, which has not switched yet.
    const { t, rec } = playedTo('stalled-transition', 5);
    const wrong: PictureClaim[] = [
      { mark: 'logger', in: 'patched' },
      { mark: 'nosuchtask', in: 'none' },
      { switched: 49, of: 50 },
      { pendingShown: ['kworker/0:1'] },
      { oldCode: 'kworker/0:1', is: 'busymod_work_func' },
      { blocker: 'kworker/0:1', is: 'sleeping', on: 'cmdline_proc_show' },
      { inStack: 'logger', fn: 'busymod_work_func' },
      { signalled: 'logger', is: false },
      { tries: 15 },
      { tries: 16, nextTryIn: 2 },
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
      { mark: 'logger', in: 'unpatched' },
      { switched: 48, of: 50 },
      { pendingShown: ['logger', 'kworker/0:1'] },
      { oldCode: 'kworker/0:1', is: null },
      { blocker: 'kworker/0:1', is: 'sleeping', on: 'busymod_work_func' },
      { inStack: 'kworker/0:1', fn: 'busymod_work_func' },
      { signalled: 'logger', is: true },
      { tries: 16, nextTryIn: 1 },
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

  it('catches the mismatches issue 8 found: the user task switched a step early, "pending on every task" after insmod', () => {
    // The old step 5 let the user task's return to user space run with the 15th retry; now it is step 6.
    const at5 = playedTo('stalled-transition', 5);
    expect(failedClaims(at5.t, at5.rec, [{ mark: 'logger', in: 'patched' }, { pendingShown: ['kworker/0:1'] }])).toHaveLength(2);
    const at6 = playedTo('stalled-transition', 6);
    expect(failedClaims(at6.t, at6.rec, [{ mark: 'logger', in: 'patched' }, { pendingShown: ['kworker/0:1'] }])).toEqual([]);
    // insmod returns after the first klp_try_complete_transition(): most tasks have switched already.
    const fl = playedTo('first-livepatch', 2);
    expect(failedClaims(fl.t, fl.rec, [{ switched: 0, of: 49 }])).toHaveLength(1);
    // force: every task counted as switched, the kworker drawn in old code.
    const forced = playedTo('stalled-transition', 7);
    expect(failedClaims(forced.t, forced.rec, [{ oldCode: 'kworker/0:1', is: null }])).toHaveLength(1);
  });

  it('name each function where mainline defines it: a step\'s file agrees with the one table', () => {
    for (const s of SCENARIOS) {
      if (s.kind !== 'timeline') continue;
      s.steps.forEach((step, i) => {
        if (!step.fn) return;
        const where = `${s.id} step ${i + 1}: ${step.fn}`;
        const file = SOURCE_FILES[step.fn] ?? GONE_FUNCTIONS[step.fn]?.file;
        expect(file, where).toBeDefined();
        if (step.file) expect(step.file, where).toBe(file);
      });
    }
  });

  /** Words issue 9 found wrong or misleading, and why: no intro or caption may say them again. */
  const WRONG_WORDS: { scenario: string; re: RegExp; why: string }[] = [
    { scenario: 'stalled-transition', re: /5\.16/, why: 'force marked every patch in 5.1–5.17; 2957308343fa narrowed it for 5.18' },
    { scenario: 'stalled-transition', re: /exit_to_user_mode\(\)/, why: 'klp_update_patch_state() is called from exit_to_user_mode_loop()' },
    { scenario: 'stalled-transition', re: /\bfio\b|filemap_read|page cache/, why: 'a read waiting on the page cache sleeps in D state, which the fake signal does not wake' },
    { scenario: 'stalled-transition', re: /simply waits/, why: 'the transition is tried again every second' },
    { scenario: 'stalled-transition', re: /15th retry/, why: 'the picture counts tries, the first included: the signalling try is the 16th' },
    { scenario: 'stalled-transition', re: /pinned/, why: 'nothing on screen shows "pinned": say what it means' },
    { scenario: 'stalled-transition', re: /looks for demo's replacement/, why: 'reads backwards: it looks for the code being replaced' },
    { scenario: 'stalled-transition', re: /directory goes/, why: 'no sysfs view is in that step\'s focus' },
    { scenario: 'modules-coming-going', re: /patches vmlinux and two modules|here only vmlinux\./, why: "the demo's vmlinux object has no functions: no ftrace handler for it" },
    { scenario: 'stacked-patches', re: /middle of the func_stack/, why: "the sample's entry is at the bottom of the func_stack" },
    { scenario: '*', re: /\bKLP_(UN)?PATCHED\b|\bKLP_UNDEFINED\b/, why: 'mainline spells them KLP_TRANSITION_* (since 6.10)' },
    { scenario: 'system-state', re: /disabled silently and freed/, why: 'the replaced patch is disabled and unpatched before post_patch runs; only its free comes after' },
  ];

  it('no caption says again what issue 9 found wrong', () => {
    for (const w of WRONG_WORDS) {
      const hits = SCENARIOS.filter((s): s is TimelineScenario => s.kind === 'timeline' && (w.scenario === '*' || s.id === w.scenario)).flatMap((s) =>
        [s.intro, s.summary, ...s.steps.map((x) => x.caption)].filter((text) => w.re.test(text)).map((text) => `${s.id}: ${text.slice(0, 80)}…`),
      );
      expect(hits, w.why).toEqual([]);
    }
  });

  it('every step claims something that did not hold before it', () => {
    for (const s of SCENARIOS) {
      if (s.kind !== 'timeline') continue;
      const t = new Timeline(s.setup, (k) => new Shell(k));
      let prev: ReturnType<typeof playStep> = { input: { kind: 'event' }, event: null, term: [], log: [], time: 0 };
      s.steps.forEach((step, i) => {
        const before = failedClaims(t, prev, step.claims);
        expect(before.length, `${s.id} step ${i + 1}: every claim already held before it: ${step.caption.slice(0, 60)}…`).toBeGreaterThan(0);
        prev = playStep(t, step);
      });
    }
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
