import type { ModuleSpec } from './types';
import { ENOMEM } from '../world/errno';
import { TEST_KLP_MOD_TARGET as W } from '../words';

/** A module with a /proc file whose show function test_klp_mod_patch replaces. */
export const test_klp_mod_target: ModuleSpec = {
  name: 'test_klp_mod_target',
  file: 'test_modules/test_klp_mod_target.ko',
  description: 'Livepatch test: target module with proc entry',
  source: 'tools/testing/selftests/livepatch/test_modules/test_klp_mod_target.c, torvalds/linux@d3d9443f8bac',
  // "module function patching": the livepatching pull for 7.1 (world/uts.ts, KERNEL_RELEASE)
  since: '7.1',
  size: 12288,
  livepatch: false,
  functions: {
    test_klp_mod_target_show: (m) => `${m.name}: original output\n`,
  },
  init: (m) => {
    m.say(W.init);
    return m.proc_create('test_klp_mod_target', 'test_klp_mod_target_show') ? -ENOMEM : 0;
  },
  exit: (m) => {
    m.say(W.exit);
    m.proc_remove('test_klp_mod_target');
  },
};
