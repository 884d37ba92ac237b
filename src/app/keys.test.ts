import { describe, expect, it } from 'vitest';
import { handleKey, type KeyActions } from './keys';
import type { AppState } from './state.svelte';

function press(key: string, target: { tagName: string; role?: string }, more: Partial<KeyActions> = {}, canStep = true) {
  const calls: string[] = [];
  const app = { canStep, pause: () => calls.push('pause'), step: () => calls.push('step'), back: () => calls.push('back') } as unknown as AppState;
  let prevented = false;
  const el = { tagName: target.tagName, isContentEditable: false, getAttribute: (n: string) => (n === 'role' ? (target.role ?? null) : null) };
  const e = { key, target: el, ctrlKey: false, metaKey: false, altKey: false, preventDefault: () => (prevented = true) } as unknown as KeyboardEvent;
  handleKey(e, app, { openHelp: () => {}, toggleBlank: () => {}, ...more });
  return { calls, prevented };
}

describe('page keys', () => {
  it("a clicker's PageDown/PageUp step anywhere on the page", () => {
    expect(press('PageDown', { tagName: 'BODY' })).toEqual({ calls: ['pause', 'step'], prevented: true });
    expect(press('PageUp', { tagName: 'BUTTON' })).toEqual({ calls: ['back'], prevented: true });
  });

  it('in a focused log PageUp/PageDown scroll it; ←/→ still step', () => {
    expect(press('PageDown', { tagName: 'DIV', role: 'log' })).toEqual({ calls: [], prevented: false });
    expect(press('PageUp', { tagName: 'DIV', role: 'log' })).toEqual({ calls: [], prevented: false });
    expect(press('ArrowRight', { tagName: 'DIV', role: 'log' })).toEqual({ calls: ['pause', 'step'], prevented: true });
  });

  it('past a scenario’s end the clicker opens what comes after (the closing slide), and back closes it first', () => {
    const shown: string[] = [];
    const closing = { pastEnd: () => (shown.push('closing'), true), back: () => false };
    expect(press('PageDown', { tagName: 'BODY' }, closing, false)).toEqual({ calls: ['pause'], prevented: true });
    expect(shown).toEqual(['closing']);
    // Where a step is left, it steps: the hook is not asked.
    expect(press('PageDown', { tagName: 'BODY' }, closing, true).calls).toEqual(['pause', 'step']);
    expect(shown).toEqual(['closing']);
    // Nothing after the end (the workbench): a step as before (it does nothing).
    expect(press('ArrowRight', { tagName: 'BODY' }, { pastEnd: () => false }, false).calls).toEqual(['pause', 'step']);
    expect(press('PageUp', { tagName: 'BODY' }, { back: () => true }).calls).toEqual([]);
    expect(press('PageUp', { tagName: 'BODY' }, { back: () => false }).calls).toEqual(['back']);
  });
});
