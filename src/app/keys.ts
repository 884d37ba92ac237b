/**
 * Page-wide keys (Space, ←/→, +/−, ?), ignored while typing in a field.
 */
import type { AppState } from './state.svelte';

export function handleKey(e: KeyboardEvent, app: AppState, openHelp: () => void): void {
  const t = e.target as HTMLElement | null;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  switch (e.key) {
    case ' ':
      if (t && (t.tagName === 'BUTTON' || t.tagName === 'SUMMARY')) return;
      app.toggle();
      break;
    case 'ArrowRight':
      app.pause();
      app.step();
      break;
    case 'ArrowLeft':
      app.back();
      break;
    case '+':
    case '=':
      app.setSpeed(app.speed * 2);
      break;
    case '-':
    case '_':
      app.setSpeed(app.speed / 2);
      break;
    case '?':
      openHelp();
      break;
    case 'Escape':
      app.selectedPid = null;
      return;
    default:
      return;
  }
  e.preventDefault();
}
