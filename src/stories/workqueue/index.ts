/** What opening the story loads: its picture and its captions. */
export { default } from './WorkqueueStory.svelte';
export { STORY_STEPS as steps } from './model';
