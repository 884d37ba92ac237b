/**
 * Everything the page needs from the simulated kernel, in one module that
 * loads right after the first paint: the replayable Timeline, the shell,
 * and the player of scenario steps. The page's own code stays small (it
 * draws the frame, the caption and the stories without any of this).
 */
import { Timeline, type Setup } from './timeline';
import { Shell } from '../kernel/shell/shell';

export { playStep } from '../scenarios/run';
export { CATALOG } from '../kernel/catalog';
export type { Timeline };

/** A timeline with its shell, ready for commands. */
export const newTimeline = (setup: Setup): Timeline => new Timeline(setup, (k) => new Shell(k));
