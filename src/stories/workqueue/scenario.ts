/**
 * The free-work story as the app's scenario list expects it: a story told by its own
 * model (`model.ts`) and component (`WorkqueueStory.svelte`), both loaded
 * only when the story is opened.
 */
import type { StoryScenario } from '../../scenarios/types';

export const workqueueScenario: StoryScenario = {
  kind: 'story',
  id: 'free-work',
  title: 'Why the free runs on a workqueue',
  summary:
    'If enabled_store() dropped the patch kobject itself it would deadlock on klp_mutex and the kernfs active references; free_work puts it from the system workqueue instead.',
  load: () => import('./index'),
};
