/**
 * The callback printouts the selftest modules share: callback_info() prints
 * "<callback>: vmlinux" or "<callback>: <module> -> <module state>", with
 * the entries of the module's own source file.
 */
import type { ModuleApi, ObjectView } from './api';
import type { CallbackSpec } from './types';
import { MODULE_STATE_NAMES } from '../machines/module.machine';
import type { callbackInfo as CallbackInfoWords } from '../words/tools/testing/selftests/livepatch/test_modules/callback_info';

export type CallbackWords = ReturnType<typeof CallbackInfoWords>;

export function callbackInfo(m: ModuleApi, words: CallbackWords, callback: string, obj: ObjectView): void {
  if (obj.mod) m.say(words.callbackModule, { callback, module: obj.mod.name, state: MODULE_STATE_NAMES[obj.mod.state] });
  else m.say(words.callbackVmlinux, { callback });
}

/**
 * All four callbacks printing callback_info(); pre_patch returns what
 * `preRet` says (test_klp_callbacks_demo returns its pre_patch_ret parameter).
 */
export function printingCallbacks(words: CallbackWords, preRet: (m: ModuleApi) => number = () => 0): CallbackSpec {
  return {
    pre_patch: (m, obj) => {
      callbackInfo(m, words, 'pre_patch_callback', obj);
      return preRet(m);
    },
    post_patch: (m, obj) => callbackInfo(m, words, 'post_patch_callback', obj),
    pre_unpatch: (m, obj) => callbackInfo(m, words, 'pre_unpatch_callback', obj),
    post_unpatch: (m, obj) => callbackInfo(m, words, 'post_unpatch_callback', obj),
  };
}

/** The show function of a patched /proc file: "<module>: this has been live patched". */
export const livePatched = (m: ModuleApi): string => `${m.name}: this has been live patched\n`;

/** An empty module_exit, as every livepatch module in this API has. */
export const emptyExit = (): void => {};
