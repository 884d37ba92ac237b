import type { ModuleSpec } from './types';
import { emptyExit, livePatched } from './callback-info';

export const test_klp_livepatch: ModuleSpec = {
  name: 'test_klp_livepatch',
  file: 'test_modules/test_klp_livepatch.ko',
  description: 'Livepatch test: livepatch module',
  source: 'tools/testing/selftests/livepatch/test_modules/test_klp_livepatch.c, torvalds/linux@91908587bc0e',
  size: 12288,
  livepatch: true,
  functions: { livepatch_cmdline_proc_show: livePatched },
  patch: {
    replace: false,
    objects: [{ name: null, funcs: [{ old: 'cmdline_proc_show', new: 'livepatch_cmdline_proc_show' }] }],
  },
  exit: emptyExit,
};
