import { describe, expect, it } from 'vitest';
import { kernelProfile } from '../kernel/release/profile';
import { kernelState, kernelStateFit, kernelStateRows, klpStateName, leftOut, rowActors, rowFocus, shadowGroups, STATE_MAX_LEVEL, type StateRow } from './kernel-state';
import { func, funcStack, kernelView, object, patch, patchingView, task } from './state-fixtures';
import type { KernelView } from '../kernel/view/types';

/** The one row with this subject and name. */
function find(rows: StateRow[], name: string, subject = ''): StateRow {
  const hits = rows.filter((r) => r.name === name && r.subject === subject);
  expect(hits, `${subject} ${name}`).toHaveLength(1);
  return hits[0]!;
}

const value = (rows: StateRow[], name: string, subject = '') => find(rows, name, subject).value;

describe('globals', () => {
  it('an idle machine: NULL, KLP_TRANSITION_IDLE, no signals, no patches', () => {
    const rows = kernelStateRows(kernelView(), null);
    expect(value(rows, 'klp_transition_patch')).toBe('NULL');
    expect(value(rows, 'klp_target_state')).toBe('KLP_TRANSITION_IDLE (-1)');
    expect(value(rows, 'klp_signals_cnt')).toBe('0');
    expect(value(rows, 'klp_patches')).toBe('(empty)');
    expect(rows.filter((r) => r.scope === 'global').every((r) => r.subject === '')).toBe(true);
  });

  it('4.15–5.0: one global klp_forced, no klp_signals_cnt, no patch->forced, replace or func->nop', () => {
    const base = patchingView();
    const v = { ...base, kernel: { ...base.kernel, registerApi: true, autoSignals: false, klpForced: true } };
    const rows = kernelStateRows(v, null);
    expect(value(rows, 'klp_forced')).toBe('true');
    for (const name of ['klp_signals_cnt', 'patch->forced', 'patch->replace', 'func->nop']) expect(rows.some((r) => r.name === name), name).toBe(false);
    expect(kernelStateRows(base, null).some((r) => r.name === 'klp_forced')).toBe(false);
  });

  it('a running transition names its patch and target', () => {
    const rows = kernelStateRows(patchingView(), null);
    expect(value(rows, 'klp_transition_patch')).toBe('livepatch_sample');
    expect(value(rows, 'klp_target_state')).toBe('KLP_TRANSITION_PATCHED (1)');
    expect(value(rows, 'klp_signals_cnt')).toBe('2');
    expect(value(rows, 'klp_patches')).toBe('livepatch_sample');
  });

  it('klp_patches lists only patches still on the list, in order', () => {
    const v = kernelView({
      patches: [patch({ name: 'a' }), patch({ name: 'b' }), patch({ name: 'gone', listed: false, state: 'disabled', enabled: false })],
    });
    expect(value(kernelStateRows(v, null), 'klp_patches')).toBe('a → b');
  });

  it('spells the KLP_* constants as the release does: KLP_TRANSITION_* since 6.10, KLP_* before', () => {
    for (const [release, names] of [
      ['7.1', ['KLP_TRANSITION_IDLE', 'KLP_TRANSITION_UNPATCHED', 'KLP_TRANSITION_PATCHED']],
      ['6.4', ['KLP_UNDEFINED', 'KLP_UNPATCHED', 'KLP_PATCHED']],
    ] as const) {
      const v = kernelView({ transition: { ...kernelView().transition, names: kernelProfile(release).stateNames } });
      expect([-1, 0, 1].map((s) => klpStateName(s, v.transition.names))).toEqual(names);
      expect(value(kernelStateRows(v, null), 'klp_target_state')).toBe(`${names[0]} (-1)`);
    }
  });
});

describe('per patch, object and function', () => {
  const v = kernelView({
    patches: [
      patch({
        name: 'p1',
        replace: true,
        forced: true,
        objects: [
          object({ name: 'vmlinux', patched: true, funcs: [func({ patched: true, transition: true })] }),
          object({ name: 'mod_a', loaded: false, patched: false, funcs: [func({ oldName: 'a_fn', sympos: 2, nop: true, newName: null })] }),
        ],
      }),
    ],
  });
  const rows = kernelStateRows(v, null);

  it('patch->enabled, forced, replace', () => {
    expect(value(rows, 'patch->enabled', 'p1')).toBe('true');
    expect(value(rows, 'patch->forced', 'p1')).toBe('true');
    expect(value(rows, 'patch->replace', 'p1')).toBe('true');
  });

  it('obj->patched and whether the object is loaded', () => {
    expect(value(rows, 'obj->patched', 'p1/vmlinux')).toBe('true');
    expect(value(rows, 'klp_is_object_loaded()', 'p1/vmlinux')).toBe('true');
    expect(value(rows, 'obj->patched', 'p1/mod_a')).toBe('false');
    expect(value(rows, 'klp_is_object_loaded()', 'p1/mod_a')).toBe('false');
  });

  it('func->transition, patched and nop, named like their sysfs directory', () => {
    expect(value(rows, 'func->transition', 'p1/vmlinux/cmdline_proc_show,1')).toBe('true');
    expect(value(rows, 'func->patched', 'p1/vmlinux/cmdline_proc_show,1')).toBe('true');
    expect(value(rows, 'func->nop', 'p1/vmlinux/cmdline_proc_show,1')).toBe('false');
    expect(value(rows, 'func->nop', 'p1/mod_a/a_fn,2')).toBe('true');
  });

  it('func_stack of each old function, top first', () => {
    const w = kernelView({
      funcStacks: [
        funcStack({
          entries: [
            { patch: 'p2', newFunc: 'cmdline_proc_show', nop: true, transition: true },
            { patch: 'p1', newFunc: 'livepatch_cmdline_proc_show', nop: false, transition: false },
          ],
        }),
      ],
    });
    expect(value(kernelStateRows(w, null), 'ops->func_stack', 'vmlinux:cmdline_proc_show')).toBe(
      '[p2:cmdline_proc_show (nop), p1:livepatch_cmdline_proc_show]',
    );
  });

  it('keys are unique', () => {
    const all = kernelStateRows(patchingView(), null, 0, { maxTasks: 100 });
    expect(new Set(all.map((r) => r.key)).size).toBe(all.length);
  });
});

describe('tasks', () => {
  it('counts per patch_state and pending, always all three states', () => {
    const rows = kernelStateRows(patchingView(), null);
    expect(value(rows, 'patch_state == KLP_TRANSITION_IDLE', 'all tasks')).toBe('0');
    expect(value(rows, 'patch_state == KLP_TRANSITION_UNPATCHED', 'all tasks')).toBe('2');
    expect(value(rows, 'patch_state == KLP_TRANSITION_PATCHED', 'all tasks')).toBe('2');
    expect(value(rows, 'TIF_PATCH_PENDING set', 'all tasks')).toBe('2');
  });

  it('shows the pending tasks, idle tasks named comm:0', () => {
    const rows = kernelStateRows(patchingView(), null);
    expect(value(rows, 'task->patch_state', 'swapper/1:0')).toBe('KLP_TRANSITION_UNPATCHED');
    expect(value(rows, 'TIF_PATCH_PENDING', 'swapper/1:0')).toBe('1');
    expect(value(rows, 'TIF_PATCH_PENDING', 'bash:100')).toBe('1');
    // not pending, not selected, nothing changed: left out
    expect(rows.some((r) => r.subject === 'systemd:1')).toBe(false);
  });

  it('the selected task comes first, marked, even when not pending', () => {
    const s = kernelState(patchingView(), null, 1);
    const taskRows = s.sections.find((x) => x.scope === 'task')!.rows.filter((r) => r.subject !== 'all tasks');
    expect(taskRows[0]).toMatchObject({ subject: 'systemd:1', name: 'task->patch_state', value: 'KLP_TRANSITION_PATCHED', selected: true });
    expect(taskRows[1]).toMatchObject({ subject: 'systemd:1', name: 'TIF_PATCH_PENDING', value: '0', selected: true });
    expect(taskRows.slice(2).every((r) => !r.selected)).toBe(true);
  });

  it('caps the list of thousands with "… and N more"', () => {
    const v = patchingView();
    v.tasks = Array.from({ length: 3000 }, (_, i) => task({ pid: 1000 + i, comm: `worker${i}`, patchState: 0, pending: true }));
    const s = kernelState(v, null, 1500, { maxTasks: 5 });
    const shown = new Set(s.rows.filter((r) => r.scope === 'task' && r.subject !== 'all tasks').map((r) => r.subject));
    expect(shown.size).toBe(6); // the selected one and five pending
    expect(shown.has('worker500:1500')).toBe(true);
    expect(s.moreTasks).toBe(3000 - 1 - 5);
    expect(s.sections.find((x) => x.scope === 'task')!.more).toBe(s.moreTasks);
    expect(s.taskTotal).toBe(3000);
    expect(value(s.rows, 'TIF_PATCH_PENDING set', 'all tasks')).toBe('3000');
  });

  it('a task that just switched is shown (changed) although no longer pending', () => {
    const before = patchingView();
    const after = patchingView();
    after.tasks = after.tasks.map((t) => (t.pid === 100 ? { ...t, patchState: 1, pending: false } : t));
    const rows = kernelStateRows(after, before);
    expect(find(rows, 'task->patch_state', 'bash:100')).toMatchObject({ value: 'KLP_TRANSITION_PATCHED', changed: true, was: 'KLP_TRANSITION_UNPATCHED' });
    expect(find(rows, 'TIF_PATCH_PENDING', 'bash:100')).toMatchObject({ value: '0', changed: true, was: '1' });
    expect(find(rows, 'patch_state == KLP_TRANSITION_PATCHED', 'all tasks')).toMatchObject({ value: '3', changed: true, was: '2' });
  });

  it('selecting pid 0 shows every idle task (they all have pid 0)', () => {
    const rows = kernelStateRows(patchingView(), null, 0);
    expect(rows.filter((r) => r.selected).map((r) => r.subject)).toEqual(['swapper/0:0', 'swapper/0:0', 'swapper/1:0', 'swapper/1:0']);
  });
});

describe('changed', () => {
  it('with no step before, nothing is highlighted', () => {
    expect(kernelStateRows(patchingView(), null).every((r) => !r.changed && r.was === null)).toBe(true);
  });

  it('the same view twice: nothing changed', () => {
    expect(kernelStateRows(patchingView(), patchingView(), 100).some((r) => r.changed)).toBe(false);
  });

  it('marks exactly the values that differ when the transition completes', () => {
    const before = patchingView();
    const after: KernelView = {
      ...patchingView(),
      transition: { state: 'idle', patch: null, target: -1, signals: 0, nextRetryAt: null, nextSignalAt: null, names: ['KLP_TRANSITION_IDLE', 'KLP_TRANSITION_UNPATCHED', 'KLP_TRANSITION_PATCHED'] },
      patches: [patch()],
      funcStacks: [funcStack()],
    };
    after.tasks = after.tasks.map((t) => ({ ...t, patchState: -1, pending: false }));
    const rows = kernelStateRows(after, before);
    const changed = rows.filter((r) => r.changed).map((r) => `${r.subject}|${r.name}`);
    expect(changed).toEqual([
      '|klp_transition_patch',
      '|klp_target_state',
      '|klp_signals_cnt',
      'all tasks|patch_state == KLP_TRANSITION_IDLE',
      'all tasks|patch_state == KLP_TRANSITION_UNPATCHED',
      'all tasks|patch_state == KLP_TRANSITION_PATCHED',
      'all tasks|TIF_PATCH_PENDING set',
      'swapper/0:0|task->patch_state',
      'swapper/1:0|task->patch_state',
      'swapper/1:0|TIF_PATCH_PENDING',
      'systemd:1|task->patch_state',
      'bash:100|task->patch_state',
      'bash:100|TIF_PATCH_PENDING',
      'livepatch_sample/vmlinux/cmdline_proc_show,1|func->transition',
      // the func_stack entry's transition flag is not part of the value
    ]);
    expect(find(rows, 'klp_transition_patch')).toMatchObject({ value: 'NULL', was: 'livepatch_sample' });
    expect(find(rows, 'klp_target_state').was).toBe('KLP_TRANSITION_PATCHED (1)');
  });

  it('rows of a patch that just appeared are all changed, with nothing it was', () => {
    const before = kernelView();
    const after = kernelView({ patches: [patch({ name: 'new' })] });
    const rows = kernelStateRows(after, before).filter((r) => r.scope === 'patch' || r.scope === 'object' || r.scope === 'func');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.changed && r.was === null)).toBe(true);
    expect(find(kernelStateRows(after, before), 'klp_patches')).toMatchObject({ changed: true, was: '(empty)' });
  });

  it('a forced patch: only patch->forced changes', () => {
    const before = kernelView({ patches: [patch()] });
    const after = kernelView({ patches: [patch({ forced: true })] });
    const changed = kernelStateRows(after, before).filter((r) => r.changed);
    expect(changed).toEqual([expect.objectContaining({ subject: 'livepatch_sample', name: 'patch->forced', value: 'true', was: 'false' })]);
  });

  it('a task compares with the same task, not with whatever row was shown', () => {
    // bash was not on screen before (not pending) but is selected now: no change
    const before = kernelView();
    const rows = kernelStateRows(kernelView(), before, 100);
    expect(find(rows, 'task->patch_state', 'bash:100').changed).toBe(false);
  });

  it('idle tasks are told apart by CPU, not by their shared pid 0', () => {
    const before = patchingView();
    const after = patchingView();
    after.tasks = after.tasks.map((t) => (t.comm === 'swapper/1' ? { ...t, patchState: 1, pending: false } : t));
    const rows = kernelStateRows(after, before, 0);
    expect(find(rows, 'task->patch_state', 'swapper/0:0').changed).toBe(false);
    expect(find(rows, 'task->patch_state', 'swapper/1:0').changed).toBe(true);
  });
});

describe('sections', () => {
  it('come in a fixed order and hold every row once', () => {
    const s = kernelState(patchingView(), null, null);
    expect(s.sections.map((x) => x.scope)).toEqual(['global', 'task', 'patch', 'object', 'func', 'func_stack']);
    expect(s.sections.flatMap((x) => x.rows)).toEqual(s.rows);
    for (const x of s.sections) expect(x.rows.every((r) => r.scope === x.scope)).toBe(true);
  });
});

describe('focus', () => {
  const rows = () => kernelStateRows(patchingView(), null);

  it('names what each row shows: globals, tasks by comm, kobjects by path, functions by symbol', () => {
    const r = rows();
    expect(rowActors(find(r, 'klp_transition_patch'))).toEqual([['state', 'klp_transition_patch']]);
    expect(rowActors(find(r, 'task->patch_state', 'bash:100'))).toEqual([['task', 'bash']]);
    expect(rowActors(find(r, 'TIF_PATCH_PENDING set', 'all tasks'))).toEqual([]);
    expect(rowActors(find(r, 'patch->enabled', 'livepatch_sample'))).toEqual([['patch', 'livepatch_sample']]);
    expect(rowActors(find(r, 'obj->patched', 'livepatch_sample/vmlinux'))).toEqual([['kobject', 'livepatch_sample/vmlinux']]);
    expect(rowActors(find(r, 'func->transition', 'livepatch_sample/vmlinux/cmdline_proc_show,1'))).toEqual([
      ['func', 'cmdline_proc_show'],
      ['kobject', 'livepatch_sample/vmlinux/cmdline_proc_show,1'],
    ]);
    expect(rowActors(find(r, 'ops->func_stack', 'vmlinux:cmdline_proc_show'))).toEqual([['func', 'cmdline_proc_show']]);
  });

  it('marks the rows of focused actors with their key, a task with a colon in its comm too', () => {
    const r = rows();
    const focus = [{ func: 'cmdline_proc_show' }, { task: 'kworker/0:1' }, { state: 'klp_signals_cnt' }];
    expect(rowFocus(find(r, 'ops->func_stack', 'vmlinux:cmdline_proc_show'), focus)).toBe('func:cmdline_proc_show');
    expect(rowFocus(find(r, 'klp_signals_cnt'), focus)).toBe('state:klp_signals_cnt');
    expect(rowFocus(find(r, 'klp_target_state'), focus)).toBeUndefined();
    expect(rowFocus({ scope: 'task', subject: 'kworker/0:1:8', name: 'TIF_PATCH_PENDING' }, focus)).toBe('task:kworker/0:1');
  });

  it('always shows a focused task, right after the selected one, even when nothing of it changed', () => {
    const v = patchingView();
    const shown = (focusTasks: string[]) =>
      kernelState(v, v, 100, { maxTasks: 0, focusTasks }).sections.find((s) => s.scope === 'task')!.rows.map((r) => r.subject);
    expect(shown([])).not.toContain('systemd:1');
    expect([...new Set(shown(['systemd']))]).toEqual(['all tasks', 'bash:100', 'systemd:1']);
  });
});

describe('kernelStateFit', () => {
  const ks = kernelState(patchingView(), null, null);
  const focus = [{ state: 'klp_signals_cnt' }];

  it('draws every row at level 0', () => {
    const f = kernelStateFit(ks, focus, 0);
    expect(f.sections.map((s) => s.rows.length)).toEqual(ks.sections.map((s) => s.rows.length));
    expect(f.sections.every((s) => !s.folded && s.hidden === 0)).toBe(true);
    expect(f.sources).toBe(true);
  });

  it('from level 1 keeps only the rows the step is about, and folds the other sections', () => {
    const f = kernelStateFit(ks, focus, 1);
    const globals = f.sections.find((s) => s.scope === 'global')!;
    expect(globals.rows.map((r) => r.name)).toEqual(['klp_signals_cnt']);
    expect(globals.hidden).toBe(3);
    expect(leftOut(globals)).toBe('3 rows');
    expect(f.sections.filter((s) => s.scope !== 'global').every((s) => s.folded || s.rows.length + s.hidden + s.more === 0)).toBe(true);
    expect(kernelStateFit(ks, focus, 2)).toMatchObject({ sources: false, leftOut: true });
    expect(kernelStateFit(ks, focus, STATE_MAX_LEVEL)).toMatchObject({ sources: false, leftOut: false });
  });

  it('says what a section leaves out', () => {
    expect(leftOut({ hidden: 1, more: 0 })).toBe('1 row');
    expect(leftOut({ hidden: 4, more: 40 })).toBe('4 rows and 40 more tasks');
    expect(leftOut({ hidden: 0, more: 0 })).toBe('');
  });
});

describe('shadow variables', () => {
  const sv = (obj: number, id: number, owner: string, objFreed = false) => ({ obj, id, data: obj + 8, owner, objFreed });

  it('are counted per id, with those on freed objects and who allocated them', () => {
    const v = kernelView({ shadow: [sv(1, 2, 'fix2'), sv(1, 1, 'fix1'), sv(2, 1, 'fix1', true), sv(3, 2, 'fix2', true)] });
    expect(shadowGroups(v)).toEqual([
      { id: 1, count: 2, onFreed: 1, owners: ['fix1'] },
      { id: 2, count: 2, onFreed: 1, owners: ['fix2'] },
    ]);
    const rows = kernelStateRows(v, null);
    expect(value(rows, '<obj, id> pairs', 'id 1')).toBe('2');
    expect(value(rows, 'on freed objects', 'id 2')).toBe('1');
    expect(rowActors(find(rows, 'allocated by', 'id 2'))).toEqual([['shadow', '2']]);
  });

  it('the section shows while klp_shadow_hash holds some, and the step it lost its last', () => {
    const none = kernelView();
    const some = kernelView({ shadow: [sv(1, 1, 'fix1')] });
    const titles = (v: KernelView, prev: KernelView | null) => kernelState(v, prev, null).sections.map((s) => s.scope);
    expect(titles(none, null)).not.toContain('shadow');
    expect(titles(some, none)).toContain('shadow');
    // the step it lost its last, the id stays at 0, marked changed
    const emptied = kernelState(none, some, null).sections.find((s) => s.scope === 'shadow');
    expect(emptied?.rows.map((r) => [r.name, r.value, r.was])).toEqual([
      ['<obj, id> pairs', '0', '1'],
      ['on freed objects', '0', null],
      ['allocated by', '—', 'fix1'],
    ]);
    expect(kernelState(none, none, null).sections.find((s) => s.scope === 'shadow')).toBeUndefined();
    expect(kernelState(some, none, null).rows.filter((r) => r.scope === 'shadow').every((r) => r.changed)).toBe(true);
  });
});
