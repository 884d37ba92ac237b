import { describe, expect, it } from 'vitest';
import { funcColumns, funcStackLayout, funcStacksFit, funcStacksModel, rowLines, STACK_WIDTH } from './func-stacks';
import { MONO_EM } from './fit';
import { entry, inTransition, kview, patch, patching, stack } from './fixtures';

const A = 'test_klp_livepatch';
const B = 'test_klp_callbacks_demo';
const R = 'test_klp_atomic_replace';

describe('funcStackLayout', () => {
  it('lays entries out top first, the original at the bottom', () => {
    const s = stack('vmlinux', 'cmdline_proc_show', [
      entry(B, 'patched_cmdline'),
      entry(A, 'livepatch_cmdline_proc_show'),
    ]);
    const l = funcStackLayout(s, kview({ patches: [patch(A), patch(B)], funcStacks: [s] }), null);
    expect(l.rows.map((r) => [r.key, r.kind, r.top, r.badge])).toEqual([
      [B, 'entry', true, 'runs now'],
      [A, 'entry', false, null],
      ['(original)', 'original', false, null],
    ]);
    const ys = l.rows.map((r) => r.y);
    expect(ys[0]).toBe(0);
    expect(ys[1]!).toBeGreaterThan(ys[0]! + l.rows[0]!.height);
    expect(ys[2]!).toBeGreaterThan(ys[1]! + l.rows[1]!.height);
    expect(ys[2]! + l.rows[2]!.height).toBeCloseTo(l.height);
    expect(l.width).toBe(STACK_WIDTH);
    expect(l.note).toBeNull();
    expect(l.ariaLabel).toContain(`Runs now: ${B}: patched_cmdline`);
  });

  it('after rmmod -f freed the top entry\'s module, says a call faults instead of running it', () => {
    const s = stack('vmlinux', 'cmdline_proc_show', [entry(A, 'livepatch_cmdline_proc_show')]);
    const l = funcStackLayout(s, kview({ patches: [patch(A, { memoryFreed: true })], funcStacks: [s] }), null);
    expect(l.rows.map((r) => r.badge)).toEqual(['freed: a call Oopses', null]);
    expect(l.ariaLabel).toContain('Runs now: nothing: the top entry is freed memory');
  });

  it('labels a nop as the original code', () => {
    const s = stack('vmlinux', 'cmdline_proc_show', [entry(R, 'cmdline_proc_show', { nop: true })]);
    const l = funcStackLayout(s, kview(), null);
    expect(l.rows[0]?.label).toBe(`${R}: nop → original cmdline_proc_show`);
    expect(l.rows[0]?.nop).toBe(true);
  });

  it('while patching, says unmigrated tasks run the entry below', () => {
    const s = stack('vmlinux', 'cmdline_proc_show', [
      entry(R, 'cmdline_proc_show', { nop: true, transition: true }),
      entry(A, 'livepatch_cmdline_proc_show'),
    ]);
    const l = funcStackLayout(s, inTransition(R, 1, { patches: [patch(A), patching(R)] }), null);
    expect(l.note).toBe(
      `Patching: tasks still in the old universe (KLP_TRANSITION_UNPATCHED) run livepatch_cmdline_proc_show of ${A}; migrated tasks run the top entry.`,
    );
    expect(l.rows.map((r) => r.badge)).toEqual(['runs for KLP_TRANSITION_PATCHED tasks', 'runs for KLP_TRANSITION_UNPATCHED tasks', null]);
  });

  it('while unpatching the only entry, says switched tasks run the original', () => {
    const s = stack('vmlinux', 'cmdline_proc_show', [entry(A, 'livepatch_cmdline_proc_show', { transition: true })]);
    const p = patch(A, { state: 'unpatching', enabled: false, transition: true });
    const l = funcStackLayout(s, inTransition(A, 0, { patches: [p] }), null);
    expect(l.note).toContain('tasks already switched to KLP_TRANSITION_UNPATCHED run the original cmdline_proc_show');
    expect(l.rows[1]?.badge).toBe('runs for KLP_TRANSITION_UNPATCHED tasks');
  });

  it('highlights new and moved entries', () => {
    const s0 = stack('vmlinux', 'f', [entry(A, 'a')]);
    const s1 = stack('vmlinux', 'f', [entry(B, 'b', { transition: true }), entry(A, 'a')]);
    const l = funcStackLayout(s1, kview({ funcStacks: [s1] }), kview({ funcStacks: [s0] }));
    expect(l.rows.map((r) => r.changed)).toEqual([true, true, false]);
    expect(l.changed).toBe(false);
    const fresh = funcStacksModel(kview({ funcStacks: [s1] }), kview());
    expect(fresh[0]?.changed).toBe(true);
  });
});

describe('func_stack text fits its rows', () => {
  const BUSY = stack('test_klp_callbacks_busy', 'busymod_work_func', [
    entry('test_klp_callbacks_demo2', 'busymod_work_func', { nop: true, transition: true }),
    entry(B, 'patched_work_func'),
  ]);
  const view = inTransition('test_klp_callbacks_demo2', 1, { patches: [patch(B), patching('test_klp_callbacks_demo2')] });
  const lines = (l: ReturnType<typeof funcStackLayout>) => l.rows.flatMap((r) => r.lines.map((x) => ({ ...x, row: r })));

  it.each([16, 24])('draws no text under 0.75rem at a %ipx root', (rem) => {
    const l = funcStackLayout(BUSY, view, null, { width: 420, rem });
    for (const x of lines(l)) expect(x.font).toBeGreaterThanOrEqual(0.75 * rem);
    expect(lines(l).find((x) => x.kind === 'code')!.font).toBe(0.8 * rem);
  });

  it.each([
    [280, 16],
    [420, 16],
    [700, 16],
    [420, 24],
    [900, 24],
  ])('never lets a badge run into the text beside it: "original code (…busy)" and its badge, %ipx wide at a %ipx root', (width, rem) => {
    // stalled-transition step 2: one entry in transition, the original runs for KLP_TRANSITION_UNPATCHED tasks
    const one = stack('test_klp_callbacks_busy', 'busymod_work_func', [entry(B, 'patched_work_func', { transition: true })]);
    const l = funcStackLayout(one, inTransition(B, 1, { patches: [patching(B)] }), null, { width, rem });
    expect(l.rows[1]!.badge).toBe('runs for KLP_TRANSITION_UNPATCHED tasks');
    for (const r of l.rows) {
      const owner = r.lines.find((x) => x.kind === 'owner')!;
      const badge = r.lines.find((x) => x.kind === 'badge');
      if (!badge) continue;
      if (badge.y === owner.y) {
        // on one line: the owner's end and the badge's start at least two characters apart
        const room = l.width - 2 * l.inset;
        const used = (owner.text.length + badge.text.length) * owner.font * MONO_EM;
        expect(room - used).toBeGreaterThanOrEqual(2 * owner.font * MONO_EM - 1e-9);
      } else expect(badge.y).toBeGreaterThan(owner.y);
    }
  });

  it('gives a badge its own line when it does not fit beside the owner', () => {
    const narrow = rowLines('busymod_work_func', 'original code (test_klp_callbacks_busy)', 'runs for KLP_TRANSITION_UNPATCHED tasks', { width: 420, rem: 16 });
    expect(narrow.lines.map((x) => [x.kind, x.end])).toEqual([
      ['code', false],
      ['owner', false],
      ['badge', false],
    ]);
    expect(narrow.lines[2]!.y).toBeGreaterThan(narrow.lines[1]!.y);
    const wide = rowLines('patched_work_func', B, 'runs now', { width: 420, rem: 16 });
    expect(wide.lines.map((x) => [x.kind, x.end])).toEqual([
      ['code', false],
      ['owner', false],
      ['badge', true],
    ]);
    expect(wide.lines[2]!.y).toBe(wide.lines[1]!.y);
    expect(wide.height).toBeLessThan(narrow.height);
  });

  it('shortens too long a name in the middle, keeping both ends', () => {
    const r = rowLines('a_very_long_replacement_function_name_for_testing', 'test_klp_callbacks_demo2', null, { width: 200, rem: 16 });
    const code = r.lines[0]!.text;
    expect(code).toContain('…');
    expect(code.startsWith('a_very')).toBe(true);
    expect(code.endsWith('testing')).toBe(true);
    expect(code.length * 0.8 * 16 * MONO_EM).toBeLessThanOrEqual(200 - 2 * r.inset);
  });
});

describe('fitted to a box', () => {
  const nopStack = stack('vmlinux', 'cmdline_proc_show', [
    entry(R, 'cmdline_proc_show', { nop: true, transition: true }),
    entry(A, 'livepatch_cmdline_proc_show'),
  ]);
  const v = inTransition(R, 1, { patches: [patch(A), patching(R)], funcStacks: [nopStack] });

  it('compact: no note, short badges, the original code on one line', () => {
    const full = funcStackLayout(nopStack, v, null);
    const l = funcStackLayout(nopStack, v, null, { width: STACK_WIDTH, rem: 16, compact: true });
    expect(l.note).toBeNull();
    expect(l.rows.map((r) => r.badge)).toEqual(['patched tasks', 'unpatched tasks', null]);
    const original = l.rows[2]!;
    expect(original.lines.map((x) => x.text)).toEqual(['original code (vmlinux)']);
    expect(original.height).toBeLessThan(full.rows[2]!.height);
    expect(l.height).toBeLessThan(full.height);
    expect(l.runsNow).toBe(`${R}: nop → original cmdline_proc_show`);
  });

  it('one line: code, owner and badge share a line where they fit, else keep their lines', () => {
    const wide = rowLines('livepatch_cmdline_proc_show', A, 'unpatched tasks', { width: 700, rem: 16, compact: true, oneLine: true });
    expect(wide.lines.map((l) => [l.kind, l.y === wide.lines[0]!.y])).toEqual([
      ['code', true],
      ['owner', true],
      ['badge', true],
    ]);
    expect(wide.lines[1]!.x).toBeGreaterThan(27 * 0.8 * 16 * MONO_EM);
    const narrow = rowLines('livepatch_cmdline_proc_show', A, 'unpatched tasks', { width: 300, rem: 16, compact: true, oneLine: true });
    expect(new Set(narrow.lines.map((l) => l.y)).size).toBeGreaterThan(1);
  });

  it('draws the diagrams the step is about first, the others as one line from level 1', () => {
    const other = stack('vmlinux', 'meminfo_proc_show', [entry(B, 'patched_meminfo')]);
    const ls = funcStacksModel(kview({ patches: [patch(A), patch(B)], funcStacks: [other, nopStack] }), null);
    const at = (level: number, focus = { funcs: ['cmdline_proc_show'], patches: [] as string[] }) =>
      funcStacksFit(ls, focus, level).map((f) => [f.fn, f.line]);
    expect(at(0)).toEqual([['cmdline_proc_show', false], ['meminfo_proc_show', false]]);
    expect(at(1)).toEqual([['cmdline_proc_show', false], ['meminfo_proc_show', true]]);
    expect(at(1, { funcs: [], patches: [B] })).toEqual([['meminfo_proc_show', false], ['cmdline_proc_show', true]]);
  });

  it('uses two columns from level 2, for two diagrams or more, where each keeps its minimum', () => {
    expect(funcColumns(1, 900, 12, 300, 3)).toBe(1);
    expect(funcColumns(2, 900, 12, 300, 3)).toBe(2);
    expect(funcColumns(2, 900, 12, 300, 1)).toBe(1);
    expect(funcColumns(2, 500, 12, 300, 3)).toBe(1);
  });
});
