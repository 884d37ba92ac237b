/**
 * Every narrated scenario, loaded (for tests and Node). The app lists them
 * from catalog.ts and loads one when it is opened. The narrated scenarios are
 * files in the scenario format (./builtin/*.json, docs/scenario-format.md),
 * read through its checks like a user's own; the two stories are told by
 * their own models.
 */
import type { Scenario } from './types';
import { readScenario } from './format';
import { wordById } from '../kernel/words';
import firstLivepatch from './builtin/first-livepatch.json' with { type: 'json' };
import howTasksSwitch from './builtin/how-tasks-switch.json' with { type: 'json' };
import disableAndRemove from './builtin/disable-and-remove.json' with { type: 'json' };
import stalledTransition from './builtin/stalled-transition.json' with { type: 'json' };
import reversing from './builtin/reversing.json' with { type: 'json' };
import hungInsmod from './builtin/hung-insmod.json' with { type: 'json' };
import stackedPatches from './builtin/stacked-patches.json' with { type: 'json' };
import atomicReplace from './builtin/atomic-replace.json' with { type: 'json' };
import downgradeReplace from './builtin/downgrade-replace.json' with { type: 'json' };
import modulesComingGoing from './builtin/modules-coming-going.json' with { type: 'json' };
import patchingFails from './builtin/patching-fails.json' with { type: 'json' };
import shadowVariables from './builtin/shadow-variables.json' with { type: 'json' };
import systemState from './builtin/system-state.json' with { type: 'json' };
import forcedRemoval from './builtin/forced-removal.json' with { type: 'json' };
import forcedUnload from './builtin/forced-unload.json' with { type: 'json' };
import before51 from './builtin/before-5-1.json' with { type: 'json' };
import { workqueueScenario } from '../stories/workqueue/scenario';
import { api51Scenario } from '../stories/api51/scenario';

const builtin = (data: unknown, id: string) => readScenario(data, `builtin/${id}.json`, { knownWord: (w) => wordById(w) !== undefined });

/** In the picker's order: a path from the first patch to the corner cases, the two stories last. */
export const SCENARIOS: readonly Scenario[] = [
  builtin(firstLivepatch, 'first-livepatch'),
  builtin(howTasksSwitch, 'how-tasks-switch'),
  builtin(disableAndRemove, 'disable-and-remove'),
  builtin(stalledTransition, 'stalled-transition'),
  builtin(reversing, 'reversing'),
  builtin(hungInsmod, 'hung-insmod'),
  builtin(stackedPatches, 'stacked-patches'),
  builtin(atomicReplace, 'atomic-replace'),
  builtin(downgradeReplace, 'downgrade-replace'),
  builtin(modulesComingGoing, 'modules-coming-going'),
  builtin(patchingFails, 'patching-fails'),
  builtin(shadowVariables, 'shadow-variables'),
  builtin(systemState, 'system-state'),
  builtin(forcedRemoval, 'forced-removal'),
  builtin(forcedUnload, 'forced-unload'),
  builtin(before51, 'before-5-1'),
  workqueueScenario,
  api51Scenario,
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
