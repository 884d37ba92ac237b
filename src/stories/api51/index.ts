/** What opening the story loads: its picture and its captions. */
export { default } from './Api51Story.svelte';
export { STORY_STEPS as steps } from './model';
