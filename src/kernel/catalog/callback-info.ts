/**
 * The callback printouts the selftest modules share: callback_info() prints
 * "<callback>: vmlinux" or "<callback>: <module> -> <module state>".
 */
import type { ModuleApi, ObjectView } from './api';
import type { CallbackSpec } from './types';
import { MODULE_STATE_NAMES } from '../machines/module.machine';

export function callbackInfo(m: ModuleApi, callback: string, obj: ObjectView): void {
  if (obj.mod) m.pr_info(`${callback}: ${obj.mod.name} -> ${MODULE_STATE_NAMES[obj.mod.state]}`);
  else m.pr_info(`${callback}: vmlinux`);
}

/**
 * All four callbacks printing callback_info(); pre_patch returns what
 * `preRet` says (test_klp_callbacks_demo returns its pre_patch_ret parameter).
 */
export function printingCallbacks(preRet: (m: ModuleApi) => number = () => 0): CallbackSpec {
  return {
    pre_patch: (m, obj) => {
      callbackInfo(m, 'pre_patch_callback', obj);
      return preRet(m);
    },
    post_patch: (m, obj) => callbackInfo(m, 'post_patch_callback', obj),
    pre_unpatch: (m, obj) => callbackInfo(m, 'pre_unpatch_callback', obj),
    post_unpatch: (m, obj) => callbackInfo(m, 'post_unpatch_callback', obj),
  };
}

/** The show function of a patched /proc file: "<module>: this has been live patched". */
export const livePatched = (m: ModuleApi): string => `${m.name}: this has been live patched\n`;

/** An empty module_exit, as every livepatch module in this API has. */
export const emptyExit = (): void => {};
