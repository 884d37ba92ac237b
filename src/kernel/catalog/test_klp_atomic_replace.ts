import type { ModuleSpec } from './types';
import { emptyExit, livePatched } from './callback-info';

export const test_klp_atomic_replace: ModuleSpec = {
  name: 'test_klp_atomic_replace',
  file: 'test_modules/test_klp_atomic_replace.ko',
  description: 'Livepatch test: atomic replace',
  source: 'tools/testing/selftests/livepatch/test_modules/test_klp_atomic_replace.c, alvinsun039/linux-torvalds@2468bcfc22c1',
  size: 12288,
  livepatch: true,
  params: [{ name: 'replace', type: 'int', mode: 0o644, default: 0, description: 'replace (default=0)' }],
  functions: { livepatch_meminfo_proc_show: livePatched },
  patch: {
    replace: { param: 'replace' },
    objects: [{ name: null, funcs: [{ old: 'meminfo_proc_show', new: 'livepatch_meminfo_proc_show' }] }],
  },
  exit: emptyExit,
};
