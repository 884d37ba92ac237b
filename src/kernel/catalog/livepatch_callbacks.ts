/**
 * samples/livepatch/livepatch-callbacks-{demo,mod,busymod}.c: the callbacks
 * demonstration of Documentation/livepatch/callbacks.txt (added with the
 * callbacks, "livepatch: add (un)patch callbacks", 93862e385ded, 4.15), read
 * at 4.19.71 (realme-kernel-opensource/realme_Smart_TV_80CM-kernel-source@b7998e78c0fa).
 * Their init and exit follow the release's API (livepatch-init.ts).
 */
import type { ModuleSpec } from './types';
import type { ModuleApi, WorkResult } from './api';
import { emptyExit, printingCallbacks } from './callback-info';
import { CALLBACKS_BUSYMOD_SAMPLE, CALLBACKS_DEMO_SAMPLE, CALLBACKS_MOD_SAMPLE } from '../words';
import { USEC_PER_SEC } from '../world/events';
import { secsToJiffies } from '../world/jiffies';

const SOURCE = 'realme-kernel-opensource/realme_Smart_TV_80CM-kernel-source@b7998e78c0fa (4.19.71)';
const callbacks = printingCallbacks(CALLBACKS_DEMO_SAMPLE, (m) => m.param('pre_patch_ret') as number);

export const livepatch_callbacks_demo: ModuleSpec = {
  name: 'livepatch_callbacks_demo',
  file: 'samples/livepatch/livepatch-callbacks-demo.ko',
  description: 'Livepatch sample: (un)patching callbacks',
  source: `samples/livepatch/livepatch-callbacks-demo.c, ${SOURCE}`,
  since: '4.15',
  size: 16384,
  livepatch: true,
  params: [{ name: 'pre_patch_ret', type: 'int', mode: 0o644, default: 0, description: 'pre_patch_ret (default=0)' }],
  functions: { patched_work_func: (m) => m.say(CALLBACKS_DEMO_SAMPLE.patchedWorkFunc) },
  patch: {
    replace: false,
    objects: [
      { name: null, funcs: [], callbacks },
      { name: 'livepatch_callbacks_mod', funcs: [], callbacks },
      { name: 'livepatch_callbacks_busymod', funcs: [{ old: 'busymod_work_func', new: 'patched_work_func' }], callbacks },
    ],
  },
  exit: emptyExit,
};

export const livepatch_callbacks_mod: ModuleSpec = {
  name: 'livepatch_callbacks_mod',
  file: 'samples/livepatch/livepatch-callbacks-mod.ko',
  description: 'Livepatch sample: callbacks target module',
  source: `samples/livepatch/livepatch-callbacks-mod.c, ${SOURCE}`,
  since: '4.15',
  size: 16384,
  livepatch: false,
  init: (m) => {
    m.say(CALLBACKS_MOD_SAMPLE.init);
    return 0;
  },
  exit: (m) => m.say(CALLBACKS_MOD_SAMPLE.exit),
};

/** busymod_work_func: msleep(sleep_secs * 1000) inside itself, so a patch of it waits for the sleep. */
function busymod_work_func(m: ModuleApi): WorkResult {
  const secs = m.param('sleep_secs') as number;
  m.say(CALLBACKS_BUSYMOD_SAMPLE.workSleeping, { sleep_secs: secs });
  const exit = (api: ModuleApi) => api.say(CALLBACKS_BUSYMOD_SAMPLE.workExit);
  if (secs <= 0) return exit(m);
  m.data.wakesAt = m.jiffies() + secsToJiffies(secs);
  return {
    sleepsIn: ['msleep', 'schedule_timeout', 'schedule'],
    while: (api) => api.jiffies() < (api.data.wakesAt as number),
    then: exit,
    wakesAfter: secs * USEC_PER_SEC,
  };
}

export const livepatch_callbacks_busymod: ModuleSpec = {
  name: 'livepatch_callbacks_busymod',
  file: 'samples/livepatch/livepatch-callbacks-busymod.ko',
  description: 'Livepatch sample: callbacks busy target module',
  source: `samples/livepatch/livepatch-callbacks-busymod.c, ${SOURCE}`,
  since: '4.15',
  size: 16384,
  livepatch: false,
  params: [{ name: 'sleep_secs', type: 'int', mode: 0o644, default: 0, description: 'sleep_secs (default=0)' }],
  functions: { busymod_work_func: () => undefined },
  init: (m) => {
    m.say(CALLBACKS_BUSYMOD_SAMPLE.init);
    m.schedule_delayed_work('busymod_work_func', 0, busymod_work_func); // msecs_to_jiffies(1000 * 0)
    return 0;
  },
  exit: (m) => {
    m.cancel_delayed_work_sync('busymod_work_func');
    m.say(CALLBACKS_BUSYMOD_SAMPLE.exit);
  },
};
