/** What opening the story loads: its picture and its captions. */
export { default } from './Api51Story.svelte';
import { STORY_STEPS } from './model';
export const steps = () => STORY_STEPS;
export { prepare } from './ready';
