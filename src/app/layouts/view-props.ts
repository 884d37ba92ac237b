/**
 * The props the kernel views take from the page's state, in one place, so
 * every layout wires them the same way (and a click acts the same in each).
 */
import type { AppState } from '../state.svelte';

export const runIn = (app: AppState) => (line: string) => app.command(line);

export function taskMigrationProps(app: AppState) {
  return {
    view: app.view,
    prev: app.prev,
    selectedPid: app.selectedPid,
    onselect: (pid: number | null) => (app.selectedPid = pid),
    wake: (pid: number) => app.wake(pid),
    run: runIn(app),
  };
}
