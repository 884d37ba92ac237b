import type { ModuleSpec } from './types';
import { emptyExit, livePatched } from './callback-info';

export const test_klp_mod_patch: ModuleSpec = {
  name: 'test_klp_mod_patch',
  file: 'test_modules/test_klp_mod_patch.ko',
  description: 'Livepatch test: patch for module-provided function',
  source: 'tools/testing/selftests/livepatch/test_modules/test_klp_mod_patch.c, torvalds/linux@448c0f8cb7cd',
  // "module function patching": the livepatching pull for 7.1 (world/uts.ts, KERNEL_RELEASE)
  since: '7.1',
  size: 12288,
  livepatch: true,
  functions: { livepatch_mod_target_show: livePatched },
  patch: {
    replace: false,
    objects: [
      { name: 'test_klp_mod_target', funcs: [{ old: 'test_klp_mod_target_show', new: 'livepatch_mod_target_show' }] },
    ],
  },
  exit: emptyExit,
};
