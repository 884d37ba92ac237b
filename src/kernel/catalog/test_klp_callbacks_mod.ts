import type { ModuleSpec } from './types';
import { TEST_KLP_CALLBACKS_MOD as W } from '../words';

/** The target of the module_coming/going callback tests: it only says hello and goodbye. */
export const test_klp_callbacks_mod: ModuleSpec = {
  name: 'test_klp_callbacks_mod',
  file: 'test_modules/test_klp_callbacks_mod.ko',
  description: 'Livepatch test: target module',
  source: 'tools/testing/selftests/livepatch/test_modules/test_klp_callbacks_mod.c, torvalds/linux@91908587bc0e',
  size: 12288,
  livepatch: false,
  init: (m) => {
    m.say(W.init);
    return 0;
  },
  exit: (m) => m.say(W.exit),
};
