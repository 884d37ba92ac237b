/**
 * Every narrated scenario, loaded (for tests and Node). The app lists them
 * from catalog.ts and loads one when it is opened.
 */
import type { Scenario } from './types';
import { firstLivepatch } from './first-livepatch';
import { disableAndRemove } from './disable-and-remove';
import { stalledTransition } from './stalled-transition';
import { reversing } from './reversing';
import { stackedPatches } from './stacked-patches';
import { atomicReplace } from './atomic-replace';
import { modulesComingGoing } from './modules-coming-going';
import { systemState } from './system-state';
import { patchingFails } from './patching-fails';
import { downgradeReplace } from './downgrade-replace';
import { forcedRemoval } from './forced-removal';
import { forcedUnload } from './forced-unload';
import { howTasksSwitch } from './how-tasks-switch';
import { hungInsmod } from './hung-insmod';
import { shadowVariables } from './shadow-variables';
import { workqueueScenario } from '../stories/workqueue/scenario';
import { api51Scenario } from '../stories/api51/scenario';

/** In the picker's order: a path from the first patch to the corner cases, the two stories last. */
export const SCENARIOS: readonly Scenario[] = [
  firstLivepatch,
  howTasksSwitch,
  disableAndRemove,
  stalledTransition,
  reversing,
  hungInsmod,
  stackedPatches,
  atomicReplace,
  downgradeReplace,
  modulesComingGoing,
  patchingFails,
  shadowVariables,
  systemState,
  forcedRemoval,
  forcedUnload,
  workqueueScenario,
  api51Scenario,
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
