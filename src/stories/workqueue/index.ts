/** What opening the story loads: its picture and its captions. */
export { default } from './WorkqueueStory.svelte';
export { storySteps as steps } from './model';
