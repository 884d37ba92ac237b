import { describe, expect, it } from 'vitest';
import { handleKey } from './keys';
import type { AppState } from './state.svelte';

function press(key: string, target: { tagName: string; role?: string }) {
  const calls: string[] = [];
  const app = { pause: () => calls.push('pause'), step: () => calls.push('step'), back: () => calls.push('back') } as unknown as AppState;
  let prevented = false;
  const el = { tagName: target.tagName, isContentEditable: false, getAttribute: (n: string) => (n === 'role' ? (target.role ?? null) : null) };
  const e = { key, target: el, ctrlKey: false, metaKey: false, altKey: false, preventDefault: () => (prevented = true) } as unknown as KeyboardEvent;
  handleKey(e, app, { openHelp: () => {}, toggleBlank: () => {} });
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
});
