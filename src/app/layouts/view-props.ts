/**
 * The props the kernel views take from the page's state, in one place, so
 * every layout wires them the same way (and a click acts the same in each).
 */
import type { AppState } from '../state.svelte';
import type { KernelView } from '../../kernel/view/types';
import type { Actor, KernelViewId } from '../../views/focus';

/** What every layout gives a kernel view it places (KernelPanel, StageView). */
export interface PanelProps {
  id: KernelViewId;
  app: AppState;
  view: KernelView;
  /** the actors the step is about */
  focus: readonly Actor[];
  /** the view sits in a box of fixed size and must fit it */
  fit: boolean;
}

/**
 * From this many tasks a view below the fold follows the steps only while
 * on screen (WhenSeen), and the task grid a turn after the step (StageView).
 */
export const LARGE_MACHINE = 2000;

export const runIn = (app: AppState) => (line: string) => app.command(line);
