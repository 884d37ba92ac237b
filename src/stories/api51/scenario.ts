/**
 * The api51 story as the app's scenario list expects it: a story told by its own
 * model (`model.ts`) and component (`Api51Story.svelte`).
 */
import type { StoryScenario } from '../../scenarios/types';

export const api51Scenario: StoryScenario = {
  kind: 'story',
  id: 'api51',
  title: 'Before and after Linux 5.1',
  summary:
    'The same commands under the old register/enable/disable/unregister API and the 5.1 API: echo 1 re-enables a disabled patch only before 5.1; since then the patch is freed and the module must be loaded again.',
  load: () => import('./index'),
};
