/** samples/livepatch/livepatch-shadow-fix2.c: pr_fmt is KBUILD_MODNAME ": "; its SV_LEAK code is fix1's, under its own names. */
import { MODNAME_PREFIX, source } from '../../word';

export const SHADOW_FIX2_SAMPLE = source('samples/livepatch/livepatch-shadow-fix2.c', { pr_fmt: MODNAME_PREFIX }, (p) => ({
  preventedLeak: p.pr_info('livepatch_fix2_dummy_leak_dtor', '%s: dummy @ %p, prevented leak @ %p\n', '__func__', 'd', 'leak'),
  leaked: p.pr_info('livepatch_fix2_dummy_free', '%s: dummy @ %p leaked!\n', '__func__', 'd'),
  checkCounter: p.pr_info('livepatch_fix2_dummy_free', '%s: dummy @ %p, check counter = %d\n', '__func__', 'd', 'count'),
}));
