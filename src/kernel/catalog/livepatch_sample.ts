import type { ModuleSpec } from './types';
import { emptyExit } from './callback-info';

/** samples/livepatch/livepatch-sample.c: the kernel's own example. */
export const livepatch_sample: ModuleSpec = {
  name: 'livepatch_sample',
  file: 'samples/livepatch/livepatch-sample.ko',
  description: 'Livepatch sample: cmdline_proc_show',
  source: 'samples/livepatch/livepatch-sample.c',
  since: '4.0',
  size: 12288,
  livepatch: true,
  functions: { livepatch_cmdline_proc_show: () => 'this has been live patched\n' },
  patch: {
    replace: false,
    objects: [{ name: null, funcs: [{ old: 'cmdline_proc_show', new: 'livepatch_cmdline_proc_show' }] }],
  },
  initFn: 'livepatch_init',
  exitFn: 'livepatch_exit',
  exit: emptyExit,
};
