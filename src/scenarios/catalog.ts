/**
 * The scenario picker's list: names only. A scenario's steps and captions
 * load when it is opened, so they cost nothing at first paint.
 */
import type { Scenario } from './types';
import { workqueueScenario } from '../stories/workqueue/scenario';
import { api51Scenario } from '../stories/api51/scenario';

export interface ScenarioEntry {
  id: string;
  title: string;
  load: () => Promise<Scenario>;
}

export const SCENARIO_LIST: readonly ScenarioEntry[] = [
  { id: 'first-livepatch', title: 'First livepatch', load: () => import('./first-livepatch').then((m) => m.firstLivepatch) },
  { id: 'how-tasks-switch', title: 'How tasks switch', load: () => import('./how-tasks-switch').then((m) => m.howTasksSwitch) },
  { id: 'disable-and-remove', title: 'Disable and remove', load: () => import('./disable-and-remove').then((m) => m.disableAndRemove) },
  { id: 'stalled-transition', title: 'A stalled transition', load: () => import('./stalled-transition').then((m) => m.stalledTransition) },
  { id: 'reversing', title: 'Reversing a transition', load: () => import('./reversing').then((m) => m.reversing) },
  { id: 'hung-insmod', title: 'A hung insmod', load: () => import('./hung-insmod').then((m) => m.hungInsmod) },
  { id: 'stacked-patches', title: 'Stacked patches', load: () => import('./stacked-patches').then((m) => m.stackedPatches) },
  { id: 'atomic-replace', title: 'Atomic replace', load: () => import('./atomic-replace').then((m) => m.atomicReplace) },
  { id: 'downgrade-replace', title: 'Downgrading with atomic replace', load: () => import('./downgrade-replace').then((m) => m.downgradeReplace) },
  { id: 'modules-coming-going', title: 'Modules coming and going', load: () => import('./modules-coming-going').then((m) => m.modulesComingGoing) },
  { id: 'patching-fails', title: 'When patching fails', load: () => import('./patching-fails').then((m) => m.patchingFails) },
  { id: 'shadow-variables', title: 'Shadow variables', load: () => import('./shadow-variables').then((m) => m.shadowVariables) },
  { id: 'system-state', title: 'System state', load: () => import('./system-state').then((m) => m.systemState) },
  { id: 'forced-removal', title: 'Why rmmod -f is refused', load: () => import('./forced-removal').then((m) => m.forcedRemoval) },
  { id: 'forced-unload', title: 'When rmmod -f is allowed', load: () => import('./forced-unload').then((m) => m.forcedUnload) },
  { id: workqueueScenario.id, title: workqueueScenario.title, load: async () => workqueueScenario },
  { id: api51Scenario.id, title: api51Scenario.title, load: async () => api51Scenario },
];

export function findEntry(id: string): ScenarioEntry | undefined {
  return SCENARIO_LIST.find((s) => s.id === id);
}
