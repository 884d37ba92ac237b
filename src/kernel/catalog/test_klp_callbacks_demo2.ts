import type { ModuleSpec } from './types';
import { emptyExit, printingCallbacks } from './callback-info';
import { TEST_KLP_CALLBACKS_DEMO2 as W } from '../words';

export const test_klp_callbacks_demo2: ModuleSpec = {
  name: 'test_klp_callbacks_demo2',
  file: 'test_modules/test_klp_callbacks_demo2.ko',
  description: 'Livepatch test: livepatch demo2',
  source: 'tools/testing/selftests/livepatch/test_modules/test_klp_callbacks_demo2.c, alvinsun039/linux-torvalds@2468bcfc22c1',
  size: 12288,
  livepatch: true,
  params: [{ name: 'replace', type: 'int', mode: 0o644, default: 0, description: 'replace (default=0)' }],
  patch: {
    replace: { param: 'replace' },
    objects: [{ name: null, funcs: [], callbacks: printingCallbacks(W) }],
  },
  exit: emptyExit,
};
