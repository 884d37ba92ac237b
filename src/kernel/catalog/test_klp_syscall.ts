import type { ModuleSpec } from './types';
import { emptyExit } from './callback-info';

/**
 * Patches getpid. The patched getpid takes the caller off klp_pids the
 * first time it runs, so /sys/kernel/test_klp_syscall/npids counts the
 * listed processes that have not switched yet.
 */
export const test_klp_syscall: ModuleSpec = {
  name: 'test_klp_syscall',
  file: 'test_modules/test_klp_syscall.ko',
  description: 'Livepatch test: syscall transition',
  source: 'tools/testing/selftests/livepatch/test_modules/test_klp_syscall.c, torvalds/linux@2e2bc42c8381',
  size: 12288,
  livepatch: true,
  params: [{ name: 'klp_pids', type: 'intarray', mode: 0, default: [], description: 'Array of pids to be transitioned to livepatched state.' }],
  functions: {
    lp_sys_getpid: (m, call) => {
      const pids = m.data.pids as number[];
      if ((m.data.npids_pending as number) > 0) {
        const i = pids.indexOf(call.pid);
        if (i >= 0) {
          pids[i] = 0;
          m.data.npids_pending = (m.data.npids_pending as number) - 1;
        }
      }
      return call.pid;
    },
  },
  patch: {
    replace: false,
    objects: [{ name: null, funcs: [{ old: '__x64_sys_getpid', new: 'lp_sys_getpid' }] }],
  },
  init: (m) => {
    const pids = [...(m.param('klp_pids') as number[])];
    m.sysfs_create('test_klp_syscall', 'npids', (m) => `${m.data.npids_pending as number}\n`);
    m.data.pids = pids;
    m.data.npids_pending = pids.length;
    return m.klp_enable_patch();
  },
  exit: (m) => {
    m.sysfs_remove('test_klp_syscall');
    emptyExit();
  },
};
