/**
 * The props the kernel views take from the page's state, in one place, so
 * every layout wires them the same way (and a click acts the same in each).
 */
import type { AppState } from '../state.svelte';
import type { KernelView } from '../../kernel/view/types';

export const runIn = (app: AppState) => (line: string) => app.command(line);

export function taskMigrationProps(app: AppState, view: KernelView) {
  return {
    view,
    prev: app.prev,
    selectedPid: app.selectedPid,
    onselect: (pid: number | null) => (app.selectedPid = pid),
    wake: (pid: number) => app.wake(pid),
    run: runIn(app),
  };
}
