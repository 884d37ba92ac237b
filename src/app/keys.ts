/**
 * Page-wide keys, ignored while typing in a field: Space plays or pauses,
 * ←/→ step, +/− change speed, ? lists the keys. A presenter's clicker sends
 * PageDown/PageUp; `b` blanks the screen (as in slide software); `c` shows
 * talk mode's controls. In a focused log, PageUp/PageDown scroll it.
 */
import type { AppState } from './state.svelte';

export interface KeyActions {
  openHelp: () => void;
  toggleBlank: () => void;
  /** talk mode: show or hide the controls */
  toggleControls?: () => void;
  /** a step forward where there is none (a scenario's end): true if it did something (talk mode's closing slide) */
  pastEnd?: () => boolean;
  /** a step back: true if it did something else instead (the closing slide goes back to the last step) */
  back?: () => boolean;
}

export function handleKey(e: KeyboardEvent, app: AppState, actions: KeyActions): void {
  const t = e.target as HTMLElement | null;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  // A focused log (the terminal, the kernel log) scrolls with PageUp/PageDown, as a terminal does.
  if (t?.getAttribute?.('role') === 'log' && (e.key === 'PageUp' || e.key === 'PageDown')) return;
  switch (e.key) {
    case ' ':
      if (t && (t.tagName === 'BUTTON' || t.tagName === 'SUMMARY')) return;
      app.toggle();
      break;
    case 'ArrowRight':
    case 'PageDown':
      app.pause();
      if (app.canStep || !actions.pastEnd?.()) app.step();
      break;
    case 'ArrowLeft':
    case 'PageUp':
      if (!actions.back?.()) app.back();
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
      actions.openHelp();
      break;
    case 'b':
    case 'B':
      actions.toggleBlank();
      break;
    case 'c':
    case 'C':
      if (!actions.toggleControls) return;
      actions.toggleControls();
      break;
    case 'Escape':
      app.selectedPid = null;
      return;
    default:
      return;
  }
  e.preventDefault();
}
