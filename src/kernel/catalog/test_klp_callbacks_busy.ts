import type { ModuleSpec } from './types';
import type { ModuleApi, WorkResult } from './api';
import { TEST_KLP_CALLBACKS_BUSY as W } from '../words';

/**
 * busymod_work_func: with block_transition set it loops in msleep(20) inside
 * itself, so a patch replacing it cannot switch that kworker.
 */
function busymod_work_func(m: ModuleApi): WorkResult {
  m.say(W.workEnter);
  m.data.started = true; // complete(&busymod_work_started)
  return {
    sleepsIn: ['msleep', 'schedule_timeout', 'schedule'],
    while: (m) => m.param('block_transition') === true,
    then: (m) => m.say(W.workExit),
  };
}

/** wait_for_completion() down to the scheduler, as Debian's 6.1 hung-task report printed them (wait_for_completion itself is a tail call) */
const WAIT_FOR_COMPLETION = ['__wait_for_common', 'schedule_timeout', 'schedule'];

export const test_klp_callbacks_busy: ModuleSpec = {
  name: 'test_klp_callbacks_busy',
  file: 'test_modules/test_klp_callbacks_busy.ko',
  description: 'Livepatch test: busy target module',
  source: 'tools/testing/selftests/livepatch/test_modules/test_klp_callbacks_busy.c, torvalds/linux@254a14200711',
  size: 12288,
  livepatch: false,
  params: [
    { name: 'block_transition', type: 'bool', mode: 0o644, default: false, description: 'block_transition (default=false)' },
  ],
  functions: { busymod_work_func: () => undefined },
  init: (m) => {
    m.say(W.init);
    m.schedule_work('busymod_work_func', busymod_work_func);
    // wait_for_completion(&busymod_work_started): only busymod_work_func completes it. When a
    // patch already replaced it (test_klp_callbacks_demo's patched_work_func), nothing ever
    // will, and init sleeps there for good: insmod hangs in D state.
    if (m.data.started !== true) return { waitsIn: 'wait_for_completion', sleepsIn: WAIT_FOR_COMPLETION };
    // without block_transition, flush_work()
    if (m.param('block_transition') !== true) m.flush_work('busymod_work_func');
    return 0;
  },
  exit: (m) => {
    m.set_param('block_transition', false); // WRITE_ONCE(block_transition, false)
    m.flush_work('busymod_work_func');
    m.say(W.exit);
  },
};
