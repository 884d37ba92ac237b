import { describe, expect, it } from 'vitest';
import { actorsText, deleteStep, loadDraft, moveStep, newDraft, parseActors, sameRun, saveDraft, splitStep, stepAction, withNewSteps, type Said } from './draft';
import { findScenario } from '../../scenarios/index';
import { readScenario } from '../../scenarios/format';
import type { TimelineScenario } from '../../scenarios/types';
import { DEFAULT_SETUP } from '../../session/situation';

const said: Said = { caption: 'The page says so.', fn: 'klp_enable_patch', focus: { views: ['patches'] } };
const FIRST = findScenario('first-livepatch') as TimelineScenario;

describe('a draft scenario', () => {
  it('starts from a step of a scenario with its captions, and is a scenario the format reads', () => {
    const d = newDraft({ setup: FIRST.setup, steps: FIRST.steps.slice(0, 3).map((s) => s.do), from: FIRST, scenarioSteps: 3, said: () => said });
    expect(d.steps.map((s) => s.caption)).toEqual(FIRST.steps.slice(0, 3).map((s) => s.caption));
    expect(readScenario(d).steps).toHaveLength(3);
  });

  it("narrates steps past the scenario's own as the page does", () => {
    const d = newDraft({ setup: DEFAULT_SETUP, steps: [{ command: 'ls' }, { settle: true }], from: FIRST, scenarioSteps: 1, said: () => said });
    expect(d.steps[1]).toEqual({ do: { settle: true }, caption: said.caption, fn: said.fn, focus: said.focus });
  });

  it('grows only by steps taken at its end, on its own set-up', () => {
    const d = newDraft({ setup: DEFAULT_SETUP, steps: [{ command: 'ls' }], from: null, scenarioSteps: 0, said: () => said });
    const grown = withNewSteps(d, DEFAULT_SETUP, [{ command: 'ls' }, { event: true }], () => said);
    expect(grown?.steps.map((s) => s.do)).toEqual([{ command: 'ls' }, { event: true }]);
    // Acted in its past (the first step differs), on another set-up, or a Ctrl-C: unchanged.
    expect(withNewSteps(d, DEFAULT_SETUP, [{ command: 'pwd' }, { event: true }], () => said)).toBeNull();
    expect(withNewSteps(d, { ...DEFAULT_SETUP, lines: ['ls'] }, [{ command: 'ls' }, { event: true }], () => said)).toBeNull();
    expect(withNewSteps(d, DEFAULT_SETUP, [{ command: 'ls' }, null], () => said)).toBeNull();
    expect(withNewSteps(d, DEFAULT_SETUP, [{ command: 'ls' }], () => said)).toBeNull();
  });

  it('moves and deletes steps; a text edit needs no replay, a move does', () => {
    const d = newDraft({ setup: DEFAULT_SETUP, steps: [{ command: 'a' }, { command: 'b' }, { command: 'c' }], from: null, scenarioSteps: 0, said: () => said });
    expect(moveStep(d, 2, -1).steps.map((s) => s.do)).toEqual([{ command: 'a' }, { command: 'c' }, { command: 'b' }]);
    expect(moveStep(d, 0, -1)).toBe(d);
    expect(deleteStep(d, 1).steps.map((s) => s.do)).toEqual([{ command: 'a' }, { command: 'c' }]);
    expect(sameRun(d, { ...d, steps: d.steps.map((s) => ({ ...s, caption: 'other' })) })).toBe(true);
    expect(sameRun(d, moveStep(d, 0, 1))).toBe(false);
  });

  it('splits the first event off a run-to-settled step, and nothing else', () => {
    const d = newDraft({ setup: DEFAULT_SETUP, steps: [{ command: 'a' }, { settle: true }], from: null, scenarioSteps: 0, said: () => said });
    expect(splitStep(d, 1)?.steps.map((s) => s.do)).toEqual([{ command: 'a' }, { event: true }, { settle: true }]);
    expect(splitStep(d, 0)).toBeNull();
    expect(splitStep(d, 5)).toBeNull();
  });

  it('writes inputs as the format does; Ctrl-C and an unknown pid are no step', () => {
    expect(stepAction({ kind: 'wake', pid: 7 }, (p) => (p === 7 ? 'fio' : null))).toEqual({ wake: 'fio' });
    expect(stepAction({ kind: 'wake', pid: 8 }, () => null)).toBeNull();
    expect(stepAction({ kind: 'interrupt' }, () => null)).toBeNull();
    expect(stepAction({ kind: 'advance', seconds: 3 }, () => null)).toEqual({ advance: 3 });
  });

  it('reads names as the author types them', () => {
    expect(parseActors('task:kworker/0:1, patch:p ,kworker/1:2, , func:cmdline_proc_show')).toEqual([{ task: 'kworker/0:1' }, { patch: 'p' }, { task: 'kworker/1:2' }, { func: 'cmdline_proc_show' }]);
    expect(actorsText({ views: ['tasks'], actors: [{ task: 'a' }, { patch: 'b' }] })).toBe('task:a, patch:b');
  });

  it('is kept in storage, and a damaged one is set aside with a word', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
    const d = newDraft({ setup: DEFAULT_SETUP, steps: [{ command: 'ls' }], from: null, scenarioSteps: 0, said: () => said });
    expect(saveDraft(storage, d)).toBe(true);
    expect(loadDraft(storage)).toEqual({ draft: d, error: null });
    store.set('klpscope:draft', '{"steps": 3');
    expect(loadDraft(storage)).toEqual({ draft: null, error: expect.stringMatching(/could not be read/) });
    expect(saveDraft({ setItem: () => { throw new Error('quota'); }, removeItem: () => {} }, d)).toBe(false);
  });
});
