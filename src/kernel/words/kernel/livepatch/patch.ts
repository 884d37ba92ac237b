/** kernel/livepatch/patch.c (mainline). */
import { source } from '../../word';

export const LIVEPATCH_PATCH = source('kernel/livepatch/patch.c', { pr_fmt: 'livepatch: ', module: 'livepatch' }, (p) => ({
  registerFailed: p.pr_err('klp_patch_func', "failed to register ftrace handler for function '%s' (%d)\n", 'function', 'ret'),
}));
