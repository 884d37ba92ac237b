import { describe, expect, it } from 'vitest';
import { funcStackLayout, funcStacksModel, ROW_HEIGHT } from './func-stacks';
import { entry, inTransition, kview, patch, patching, stack } from './fixtures';

const A = 'test_klp_livepatch';
const B = 'test_klp_callbacks_demo';
const R = 'test_klp_atomic_replace';

describe('funcStackLayout', () => {
  it('lays entries out top first on a band scale, the original at the bottom', () => {
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
    expect(l.height).toBe(3 * ROW_HEIGHT);
    const ys = l.rows.map((r) => r.y);
    expect(ys[0]).toBe(0);
    expect(ys[1]!).toBeGreaterThan(ys[0]! + l.rows[0]!.height);
    expect(ys[2]! + l.rows[2]!.height).toBeCloseTo(l.height);
    expect(l.note).toBeNull();
    expect(l.ariaLabel).toContain(`Runs now: ${B}: patched_cmdline`);
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
      `Patching: tasks still in the old universe (KLP_UNPATCHED) run livepatch_cmdline_proc_show of ${A}; migrated tasks run the top entry.`,
    );
    expect(l.rows.map((r) => r.badge)).toEqual(['runs for KLP_PATCHED tasks', 'runs for KLP_UNPATCHED tasks', null]);
  });

  it('while unpatching the only entry, says switched tasks run the original', () => {
    const s = stack('vmlinux', 'cmdline_proc_show', [entry(A, 'livepatch_cmdline_proc_show', { transition: true })]);
    const p = patch(A, { state: 'unpatching', enabled: false, transition: true });
    const l = funcStackLayout(s, inTransition(A, 0, { patches: [p] }), null);
    expect(l.note).toContain('tasks already switched to KLP_UNPATCHED run the original cmdline_proc_show');
    expect(l.rows[1]?.badge).toBe('runs for KLP_UNPATCHED tasks');
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
