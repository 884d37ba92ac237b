/**
 * test_klp_state, test_klp_state2 and test_klp_state3: cumulative patches
 * that keep console_loglevel changed while they are installed, tracked as
 * klp_state id 1. Version 1 cannot take the change over from another patch;
 * version 2 (state2, and state3 built from the same source) can.
 */
import type { ModuleApi } from './api';
import type { ModuleSpec } from './types';
import { callbackInfo, emptyExit } from './callback-info';

const CONSOLE_LOGLEVEL_STATE = 1;

function stateCallbacks(migrates: boolean) {
  const prev = (m: ModuleApi) => (migrates ? m.klp_get_prev_state(CONSOLE_LOGLEVEL_STATE) : null);
  return {
    pre_patch: (m: ModuleApi, obj: Parameters<typeof callbackInfo>[2]) => {
      callbackInfo(m, 'pre_patch_callback', obj);
      // allocate_loglevel_state()
      if (prev(m)) {
        m.pr_info('allocate_loglevel_state: space to store console_loglevel already allocated');
        return 0;
      }
      const state = m.klp_get_state(CONSOLE_LOGLEVEL_STATE);
      if (!state) return -22;
      state.data = { saved: null as number | null };
      m.pr_info('allocate_loglevel_state: allocating space to store console_loglevel');
      return 0;
    },
    post_patch: (m: ModuleApi, obj: Parameters<typeof callbackInfo>[2]) => {
      callbackInfo(m, 'post_patch_callback', obj);
      // fix_console_loglevel()
      const state = m.klp_get_state(CONSOLE_LOGLEVEL_STATE);
      if (!state) return;
      const p = prev(m);
      if (p) {
        m.pr_info('fix_console_loglevel: taking over the console_loglevel change');
        state.data = p.data;
        return;
      }
      m.pr_info('fix_console_loglevel: fixing console_loglevel');
      (state.data as { saved: number | null }).saved = 7;
    },
    pre_unpatch: (m: ModuleApi, obj: Parameters<typeof callbackInfo>[2]) => {
      callbackInfo(m, 'pre_unpatch_callback', obj);
      // restore_console_loglevel()
      if (prev(m)) {
        m.pr_info('restore_console_loglevel: passing the console_loglevel change back to the old livepatch');
        return;
      }
      if (!m.klp_get_state(CONSOLE_LOGLEVEL_STATE)) return;
      m.pr_info('restore_console_loglevel: restoring console_loglevel');
    },
    post_unpatch: (m: ModuleApi, obj: Parameters<typeof callbackInfo>[2]) => {
      callbackInfo(m, 'post_unpatch_callback', obj);
      // free_loglevel_state()
      if (prev(m)) {
        m.pr_info('free_loglevel_state: keeping space to store console_loglevel');
        return;
      }
      const state = m.klp_get_state(CONSOLE_LOGLEVEL_STATE);
      if (!state) return;
      m.pr_info('free_loglevel_state: freeing space for the stored console_loglevel');
      state.data = null;
    },
  };
}

function statePatch(name: string, version: number, source: string): ModuleSpec {
  return {
    name,
    file: `test_modules/${name}.ko`,
    description: 'Livepatch test: system state modification',
    source,
    size: 12288,
    livepatch: true,
    patch: {
      replace: true,
      objects: [{ name: null, funcs: [], callbacks: stateCallbacks(version >= 2) }],
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
