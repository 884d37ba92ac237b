/**
 * test_klp_state, test_klp_state2 and test_klp_state3: cumulative patches
 * that keep console_loglevel changed while they are installed, tracked as
 * klp_state id 1. Version 1 cannot take the change over from another patch;
 * version 2 (state2, and state3 built from the same source) can.
 */
import { FACTS } from '../release/facts';
import type { ModuleApi, ObjectView } from './api';
import type { ModuleSpec } from './types';
import { callbackInfo, emptyExit } from './callback-info';
import { TEST_KLP_STATE, TEST_KLP_STATE2 } from '../words';

const CONSOLE_LOGLEVEL_STATE = 1;

/** Version 1's code (test_klp_state.c), or version 2's, which also asks klp_get_prev_state() (test_klp_state2.c). */
function stateCallbacks(words: typeof TEST_KLP_STATE | typeof TEST_KLP_STATE2) {
  const v2 = 'takingOver' in words ? words : null;
  const prev = (m: ModuleApi) => (v2 ? m.klp_get_prev_state(CONSOLE_LOGLEVEL_STATE) : null);
  return {
    pre_patch: (m: ModuleApi, obj: ObjectView) => {
      callbackInfo(m, words, 'pre_patch_callback', obj);
      // allocate_loglevel_state()
      if (v2 && prev(m)) {
        m.say(v2.alreadyAllocated);
        return 0;
      }
      const state = m.klp_get_state(CONSOLE_LOGLEVEL_STATE);
      if (!state) return -22;
      state.data = { saved: null as number | null };
      m.say(words.allocating);
      return 0;
    },
    post_patch: (m: ModuleApi, obj: ObjectView) => {
      callbackInfo(m, words, 'post_patch_callback', obj);
      // fix_console_loglevel()
      const state = m.klp_get_state(CONSOLE_LOGLEVEL_STATE);
      if (!state) return;
      const p = prev(m);
      if (v2 && p) {
        m.say(v2.takingOver);
        state.data = p.data;
        return;
      }
      m.say(words.fixing);
      (state.data as { saved: number | null }).saved = 7;
    },
    pre_unpatch: (m: ModuleApi, obj: ObjectView) => {
      callbackInfo(m, words, 'pre_unpatch_callback', obj);
      // restore_console_loglevel()
      if (v2 && prev(m)) {
        m.say(v2.passingBack);
        return;
      }
      if (!m.klp_get_state(CONSOLE_LOGLEVEL_STATE)) return;
      m.say(words.restoring);
    },
    post_unpatch: (m: ModuleApi, obj: ObjectView) => {
      callbackInfo(m, words, 'post_unpatch_callback', obj);
      // free_loglevel_state()
      if (v2 && prev(m)) {
        m.say(v2.keeping);
        return;
      }
      const state = m.klp_get_state(CONSOLE_LOGLEVEL_STATE);
      if (!state) return;
      m.say(words.freeing);
      state.data = null;
    },
  };
}

function statePatch(name: string, version: number, source: string): ModuleSpec {
  return {
    name,
    file: `test_modules/${name}.ko`,
    since: FACTS.systemState.since,
    description: 'Livepatch test: system state modification',
    source,
    size: 12288,
    livepatch: true,
    patch: {
      replace: true,
      objects: [{ name: null, funcs: [], callbacks: stateCallbacks(version >= 2 ? TEST_KLP_STATE2 : TEST_KLP_STATE) }],
      states: [{ id: CONSOLE_LOGLEVEL_STATE, version }],
    },
    exit: emptyExit,
  };
}

export const test_klp_state = statePatch(
  'test_klp_state',
  1,
  'tools/testing/selftests/livepatch/test_modules/test_klp_state.c, torvalds/linux@79790b6818e9',
);
export const test_klp_state2 = statePatch(
  'test_klp_state2',
  2,
  'tools/testing/selftests/livepatch/test_modules/test_klp_state2.c, torvalds/linux@91908587bc0e',
);
export const test_klp_state3 = statePatch(
  'test_klp_state3',
  2,
  'lib/livepatch/test_klp_state3.c (includes test_klp_state2.c), torvalds/linux@ba3bdbe0db3f',
);
