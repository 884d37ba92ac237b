import type { ModuleSpec } from './types';
import { emptyExit, printingCallbacks } from './callback-info';
import { TEST_KLP_CALLBACKS_DEMO as W } from '../words';

const callbacks = printingCallbacks(W, (m) => m.param('pre_patch_ret') as number);

export const test_klp_callbacks_demo: ModuleSpec = {
  name: 'test_klp_callbacks_demo',
  file: 'test_modules/test_klp_callbacks_demo.ko',
  description: 'Livepatch test: livepatch demo',
  source: 'tools/testing/selftests/livepatch/test_modules/test_klp_callbacks_demo.c, torvalds/linux@60a2f25de7b8',
  size: 12288,
  livepatch: true,
  params: [
    { name: 'pre_patch_ret', type: 'int', mode: 0o644, default: 0, description: 'pre_patch_ret (default=0)' },
  ],
  functions: {
    patched_work_func: (m) => m.say(W.patchedWorkFunc),
  },
  patch: {
    replace: false,
    objects: [
      { name: null, funcs: [], callbacks },
      { name: 'test_klp_callbacks_mod', funcs: [], callbacks },
      {
        name: 'test_klp_callbacks_busy',
        funcs: [{ old: 'busymod_work_func', new: 'patched_work_func' }],
        callbacks,
      },
    ],
  },
  exit: emptyExit,
};
