/**
 * The scenario picker's list: names only. A scenario's steps and captions
 * (its file, ./builtin/<id>.json) load when it is opened, so they cost
 * nothing at first paint.
 */
import type { Scenario } from './types';
import { workqueueScenario } from '../stories/workqueue/scenario';
import { api51Scenario } from '../stories/api51/scenario';

export interface ScenarioEntry {
  id: string;
  title: string;
  load: () => Promise<Scenario>;
}

/** A built-in scenario's file, read through the format's checks like a user's own (they load with it). */
const builtin = async (file: Promise<{ default: unknown }>, id: string) => {
  const [{ readScenario }, data] = await Promise.all([import('./format'), file]);
  return readScenario(data.default, `builtin/${id}.json`);
};

export const SCENARIO_LIST: readonly ScenarioEntry[] = [
  { id: 'first-livepatch', title: 'First livepatch', load: () => builtin(import('./builtin/first-livepatch.json'), 'first-livepatch') },
  { id: 'how-tasks-switch', title: 'How tasks switch', load: () => builtin(import('./builtin/how-tasks-switch.json'), 'how-tasks-switch') },
  { id: 'disable-and-remove', title: 'Disable and remove', load: () => builtin(import('./builtin/disable-and-remove.json'), 'disable-and-remove') },
  { id: 'stalled-transition', title: 'A stalled transition', load: () => builtin(import('./builtin/stalled-transition.json'), 'stalled-transition') },
  { id: 'reversing', title: 'Reversing a transition', load: () => builtin(import('./builtin/reversing.json'), 'reversing') },
  { id: 'hung-insmod', title: 'A hung insmod', load: () => builtin(import('./builtin/hung-insmod.json'), 'hung-insmod') },
  { id: 'stacked-patches', title: 'Stacked patches', load: () => builtin(import('./builtin/stacked-patches.json'), 'stacked-patches') },
  { id: 'atomic-replace', title: 'Atomic replace', load: () => builtin(import('./builtin/atomic-replace.json'), 'atomic-replace') },
  { id: 'downgrade-replace', title: 'Downgrading with atomic replace', load: () => builtin(import('./builtin/downgrade-replace.json'), 'downgrade-replace') },
  { id: 'modules-coming-going', title: 'Modules coming and going', load: () => builtin(import('./builtin/modules-coming-going.json'), 'modules-coming-going') },
  { id: 'patching-fails', title: 'When patching fails', load: () => builtin(import('./builtin/patching-fails.json'), 'patching-fails') },
  { id: 'shadow-variables', title: 'Shadow variables', load: () => builtin(import('./builtin/shadow-variables.json'), 'shadow-variables') },
  { id: 'system-state', title: 'System state', load: () => builtin(import('./builtin/system-state.json'), 'system-state') },
  { id: 'forced-removal', title: 'Why rmmod -f is refused', load: () => builtin(import('./builtin/forced-removal.json'), 'forced-removal') },
  { id: 'forced-unload', title: 'When rmmod -f is allowed', load: () => builtin(import('./builtin/forced-unload.json'), 'forced-unload') },
  { id: 'before-5-1', title: 'Before 5.1: a disabled patch stays', load: () => builtin(import('./builtin/before-5-1.json'), 'before-5-1') },
  { id: workqueueScenario.id, title: workqueueScenario.title, load: async () => workqueueScenario },
  { id: api51Scenario.id, title: api51Scenario.title, load: async () => api51Scenario },
];

export function findEntry(id: string): ScenarioEntry | undefined {
  return SCENARIO_LIST.find((s) => s.id === id);
}
