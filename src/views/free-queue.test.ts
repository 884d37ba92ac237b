import { describe, expect, it } from 'vitest';
import {
  compactKobjs,
  compactSteps,
  formatDue,
  formatSeconds,
  FREE_MAX_LEVEL,
  freeQueueFit,
  freeQueueModel,
  kobjTree,
  moduleRows,
  patchFree,
  relatedTo,
  workRows,
} from './free-queue';
import { SEC, freeing, func, inTransition, kview, module, obj, patch, work } from './fixtures';

const A = 'test_klp_livepatch';
const R = 'test_klp_atomic_replace';
const LIVE = `/sys/kernel/livepatch/${A}`;

const statuses = (v: ReturnType<typeof patchFree>[number] | undefined) => v?.steps.map((s) => [s.id, s.status]);

describe('kobjTree', () => {
  it('lists patch → objects → functions with refs and sysfs directories', () => {
    const rows = kobjTree(patch(A), undefined);
    expect(rows.map((r) => [r.depth, r.name, r.path, r.refs, r.sysfs, r.gone, r.changed])).toEqual([
      [0, A, LIVE, 1, true, false, false],
      [1, 'vmlinux', `${LIVE}/vmlinux`, 1, true, false, false],
      [2, 'cmdline_proc_show,1', `${LIVE}/vmlinux/cmdline_proc_show,1`, 1, true, false, false],
    ]);
  });

  it('keeps, as gone, what klp_free_patch_start() put since the step before', () => {
    const rows = kobjTree(freeing(A), patch(A));
    expect(rows.map((r) => [r.name, r.refs, r.sysfs, r.gone, r.changed])).toEqual([
      [A, 1, true, false, false],
      ['vmlinux', 0, false, true, true],
      ['cmdline_proc_show,1', 0, false, true, true],
    ]);
  });

  it('shows the nops discarded from a replace patch', () => {
    const during = patch(R, {
      objects: [obj('vmlinux', [func('meminfo_proc_show', 'livepatch_meminfo_proc_show'), func('cmdline_proc_show', null)])],
    });
    const after = patch(R, { objects: [obj('vmlinux', [func('meminfo_proc_show', 'livepatch_meminfo_proc_show')])] });
    const rows = kobjTree(after, during);
    expect(rows.filter((r) => r.gone).map((r) => r.name)).toEqual(['cmdline_proc_show,1']);
  });
});

describe('patchFree', () => {
  it('an enabled patch waits: nothing of the free path ran', () => {
    const [p] = patchFree(kview({ patches: [patch(A)] }), null);
    expect(p?.phase).toBe('in-use');
    expect(p?.steps.every((s) => s.status === 'waiting')).toBe(true);
    expect(p?.changed).toBe(false);
  });

  it('an unpatching patch has klp_free_patch_start() next', () => {
    const v = inTransition(A, 0, { patches: [patch(A, { state: 'unpatching', enabled: false, transition: true })] });
    const [p] = patchFree(v, null);
    expect(p?.phase).toBe('unpatching');
    expect(p?.steps[0]).toMatchObject({ call: 'klp_free_patch_start()', status: 'next' });
  });

  it('with free_work queued, kobject_put(&patch->kobj) is next', () => {
    const [p] = patchFree(kview({ patches: [freeing(A)] }), kview({ patches: [patch(A)] }));
    expect(p?.phase).toBe('queued');
    expect(p?.changed).toBe(true);
    expect(statuses(p)).toEqual([
      ['start', 'done'],
      ['queue', 'done'],
      ['put', 'next'],
      ['release', 'waiting'],
      ['complete', 'waiting'],
      ['module_put', 'waiting'],
    ]);
    expect(p?.steps.map((s) => s.call)).toEqual([
      'klp_free_patch_start()',
      'schedule_work(&patch->free_work)',
      'kobject_put(&patch->kobj)',
      'klp_kobj_release_patch()',
      'complete(&patch->finish)',
      'module_put(patch->mod)',
    ]);
  });

  it('a patch gone since the step before was freed by klp_free_patch_finish()', () => {
    const [p] = patchFree(kview(), kview({ patches: [freeing(A)] }));
    expect(p?.name).toBe(A);
    expect(p?.phase).toBe('freed');
    expect(p?.steps.every((s) => s.status === 'done')).toBe(true);
    expect(p?.kobjs).toEqual([{ depth: 0, name: A, path: LIVE, refs: 0, sysfs: false, gone: true, changed: true }]);
  });

  it('highlights the kobjects of a patch new since the step before, not without one', () => {
    const [fresh] = patchFree(kview({ patches: [patch(A)] }), kview());
    expect(fresh?.kobjs.every((k) => k.changed && !k.gone)).toBe(true);
    expect(fresh?.changed).toBe(true);
    const [first] = patchFree(kview({ patches: [patch(A)] }), null);
    expect(first?.kobjs.some((k) => k.changed)).toBe(false);
  });

  it('skips module_put() for a forced patch', () => {
    const [p] = patchFree(kview(), kview({ patches: [freeing(A, { forced: true })] }));
    expect(p?.forced).toBe(true);
    expect(p?.steps.at(-1)).toMatchObject({ id: 'module_put', status: 'skipped' });
    expect(p?.steps.at(-1)?.text).toContain('forced');
  });
});

describe('workRows', () => {
  it('shows free_work and the transition retry, due relative to now, and drops other events', () => {
    const v = inTransition('test_klp_state', 1, {
      time: 3 * SEC,
      work: [
        work('klp_transition_work_fn', 4 * SEC, 'klp-retry'),
        work('do_idle: swapper/1', 3 * SEC + 50, 'task'),
        work(`klp_free_patch_work_fn: ${A}`, 3 * SEC + 50),
      ],
    });
    const rows = workRows(v);
    expect(rows.map((r) => [r.kind, r.patch, r.dueIn, r.dueText])).toEqual([
      ['free', A, 0.00005, 'in 0.00005 s'],
      ['transition', 'test_klp_state', 1, 'in 1 s'],
    ]);
    expect(rows[0]?.caption).toContain('klp_free_patch_finish()');
    expect(rows[1]?.caption).toContain('klp_try_complete_transition()');
    expect(rows[1]?.caption).not.toContain('klp_send_signals');
  });

  it('says when the retry also sends fake signals', () => {
    const v = inTransition(A, 1, { time: 14 * SEC, work: [work('klp_transition_work_fn', 15 * SEC, 'klp-retry')] });
    expect(workRows(v)[0]?.caption).toContain('klp_send_signals()');
  });

  it('formats seconds', () => {
    expect(formatSeconds(0.00005)).toBe('0.00005');
    expect(formatSeconds(14.5)).toBe('14.5');
    expect(formatDue(5, 5)).toBe('due now');
    expect(formatDue(2 * SEC, 0)).toBe('in 2 s');
  });
});

describe('moduleRows', () => {
  it('shows refcnt going 1 → 0 and always offers rmmod', () => {
    const before = kview({ modules: [module(A)] });
    const after = kview({ modules: [module(A, { refcnt: 0, patch: null })] });
    const [m] = moduleRows(after, before);
    expect(m).toMatchObject({
      refcnt: 0,
      refText: '1 → 0',
      command: `rmmod ${A}`,
      ariaLabel: `Remove ${A}`,
      changed: true,
      gone: false,
    });
    expect(m?.note).toContain('rmmod can unload it');
  });

  it('explains who holds a module in use', () => {
    const [m] = moduleRows(kview({ modules: [module(A)] }), null);
    expect(m?.refText).toBe('1');
    expect(m?.note).toContain('try_module_get()');
    expect(m?.command).toBe(`rmmod ${A}`);
  });

  it('marks a module pinned forever by a forced patch', () => {
    const [m] = moduleRows(kview({ modules: [module(A, { patch: null, pinnedForever: true })] }), null);
    expect(m?.pinnedForever).toBe(true);
    expect(m?.note).toBe('forced: its code may still run, the reference is kept forever');
  });

  it('ignores ordinary modules and shows one unloaded since the step before', () => {
    const before = kview({ modules: [module(A, { refcnt: 0, patch: null }), module('test_klp_callbacks_mod', { livepatch: false })] });
    const rows = moduleRows(kview({ modules: [before.modules[1]!] }), before);
    expect(rows.map((r) => [r.name, r.state, r.gone])).toEqual([[A, 'unloaded', true]]);
  });
});

describe('freeQueueModel', () => {
  it('puts the three parts together', () => {
    const m = freeQueueModel(
      kview({ patches: [freeing(A)], modules: [module(A)], work: [work(`klp_free_patch_work_fn: ${A}`, 50)] }),
      null,
    );
    expect(m.patches.map((p) => p.phase)).toEqual(['queued']);
    expect(m.work.map((w) => w.patch)).toEqual([A]);
    expect(m.modules.map((x) => x.name)).toEqual([A]);
  });
});

describe('fitted to a box', () => {
  const S = 'test_klp_syscall';
  // the step after atomic replace: R in use, A and S off the list with free_work queued
  const before = kview({ patches: [patch(R), patch(A), patch(S)] });
  const after = kview({ patches: [patch(R), freeing(A), freeing(S)], modules: [module(R), module(A), module(S)] });

  it('says in a few words where each patch is', () => {
    const briefs = patchFree(after, before).map((p) => [p.name, p.brief]);
    expect(briefs).toEqual([
      [R, 'in use, on klp_patches'],
      [A, 'off klp_patches, free_work queued'],
      [S, 'off klp_patches, free_work queued'],
    ]);
    const [forced] = patchFree(kview(), kview({ patches: [freeing(A, { forced: true })] }));
    expect(forced?.brief).toBe('freed: directory gone; module_put() skipped (forced)');
  });

  it('collapses the free path to the steps done, the current one and the next', () => {
    const [queued] = patchFree(kview({ patches: [freeing(A)] }), null);
    const c = compactSteps(queued!.steps);
    expect(c.done.map((s) => s.id)).toEqual(['start', 'queue']);
    expect(c.current?.id).toBe('put');
    expect(c.next?.id).toBe('release');
    expect(c.later).toBe(2);
  });

  it('shows a freed patch by its last step, done or skipped; an unused one by nothing', () => {
    const [freed] = patchFree(kview(), kview({ patches: [freeing(A)] }));
    expect(compactSteps(freed!.steps)).toMatchObject({ current: { id: 'module_put', status: 'done' }, next: null });
    const [forced] = patchFree(kview(), kview({ patches: [freeing(A, { forced: true })] }));
    expect(compactSteps(forced!.steps).current).toMatchObject({ id: 'module_put', status: 'skipped' });
    const [used] = patchFree(kview({ patches: [patch(A)] }), null);
    expect(compactSteps(used!.steps).current).toBeNull();
  });

  it('puts the removed kobjects on one line, but keeps a focused one on its own', () => {
    const rows = kobjTree(freeing(A), patch(A));
    const c = compactKobjs(rows);
    expect(c.rows.map((r) => r.name)).toEqual([A]);
    expect(c.removed.map((r) => r.name)).toEqual(['vmlinux', 'cmdline_proc_show,1']);
    expect(c.released).toBe(true);
    expect(compactKobjs(rows, [`${A}/vmlinux`]).rows.map((r) => r.name)).toEqual([A, 'vmlinux']);
  });

  it('relates a card to its patch, its module and its kobjects', () => {
    expect(relatedTo(A, [{ patch: A }])).toBe(true);
    expect(relatedTo(A, [{ module: A }])).toBe(true);
    expect(relatedTo(A, [{ kobject: `${A}/vmlinux` }])).toBe(true);
    expect(relatedTo(A, [{ kobject: `${A}x` }, { patch: S }])).toBe(false);
    expect(relatedTo(A, [{ module: A }], false)).toBe(false);
  });

  it('draws the cards the step is about first and, level by level, less of the rest', () => {
    const m = freeQueueModel(after, before);
    const focus = [{ patch: S }];
    const forms = (level: number) => freeQueueFit(m, focus, level).cards.map((c) => [c.p.name, c.form]);
    expect(forms(0)).toEqual([[S, 'full'], [R, 'full'], [A, 'full']]);
    expect(forms(1)).toEqual([[S, 'compact'], [R, 'line'], [A, 'line']]);
    expect(freeQueueFit(m, focus, 1)).toMatchObject({ summaries: true, workCaptions: true, moduleNotes: true });
    expect(freeQueueFit(m, focus, 2)).toMatchObject({ summaries: false, workCaptions: false, moduleNotes: false, lede: false });
    expect(forms(FREE_MAX_LEVEL)).toEqual([[S, 'line'], [R, 'line'], [A, 'line']]);
    // about a module only: its card first, as a line (the module's row is the picture)
    const byModule = freeQueueFit(m, [{ module: A }], 1).cards.map((c) => [c.p.name, c.form, c.related]);
    expect(byModule).toEqual([[A, 'line', true], [R, 'line', false], [S, 'line', false]]);
  });
});
