/**
 * samples/livepatch/livepatch-callbacks-{demo,mod,busymod}.c (4.15 on; read
 * at 4.19.71): pr_fmt is KBUILD_MODNAME ": ". The demo's callback_info() is
 * the one the selftests' modules later copied.
 */
import { MODNAME_PREFIX, source } from '../../word';
import { callbackInfo } from '../../tools/testing/selftests/livepatch/test_modules/callback_info';

export const CALLBACKS_DEMO_SAMPLE = source('samples/livepatch/livepatch-callbacks-demo.c', { pr_fmt: MODNAME_PREFIX }, (p) => ({
  ...callbackInfo(p),
  patchedWorkFunc: p.pr_info('patched_work_func', '%s\n', '__func__'),
}));

export const CALLBACKS_MOD_SAMPLE = source('samples/livepatch/livepatch-callbacks-mod.c', { pr_fmt: MODNAME_PREFIX }, (p) => ({
  init: p.pr_info('livepatch_callbacks_mod_init', '%s\n', '__func__'),
  exit: p.pr_info('livepatch_callbacks_mod_exit', '%s\n', '__func__'),
}));

// busymod's init and exit kept the names of the module it was copied from
export const CALLBACKS_BUSYMOD_SAMPLE = source('samples/livepatch/livepatch-callbacks-busymod.c', { pr_fmt: MODNAME_PREFIX }, (p) => ({
  workSleeping: p.pr_info('busymod_work_func', '%s, sleeping %d seconds ...\n', '__func__', 'sleep_secs'),
  workExit: p.pr_info('busymod_work_func', '%s exit\n', '__func__'),
  init: p.pr_info('livepatch_callbacks_mod_init', '%s\n', '__func__'),
  exit: p.pr_info('livepatch_callbacks_mod_exit', '%s\n', '__func__'),
}));
