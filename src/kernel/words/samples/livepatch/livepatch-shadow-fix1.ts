/** samples/livepatch/livepatch-shadow-fix1.c: pr_fmt is KBUILD_MODNAME ": ". */
import { MODNAME_PREFIX, source } from '../../word';

export const SHADOW_FIX1_SAMPLE = source('samples/livepatch/livepatch-shadow-fix1.c', { pr_fmt: MODNAME_PREFIX }, (p) => ({
  shadowAllocFailed: p.pr_err(
    'livepatch_fix1_dummy_alloc',
    '%s: failed to allocate shadow variable for the leaking pointer: dummy @ %p, leak @ %p\n',
    '__func__',
    'd',
    'leak',
  ),
  alloc: p.pr_info('livepatch_fix1_dummy_alloc', '%s: dummy @ %p, expires @ %lx\n', '__func__', 'd', 'expires'),
  preventedLeak: p.pr_info('livepatch_fix1_dummy_leak_dtor', '%s: dummy @ %p, prevented leak @ %p\n', '__func__', 'd', 'leak'),
  leaked: p.pr_info('livepatch_fix1_dummy_free', '%s: dummy @ %p leaked!\n', '__func__', 'd'),
}));
