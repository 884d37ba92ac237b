/** samples/livepatch/livepatch-shadow-mod.c: it defines no pr_fmt, so its lines carry no module name. */
import { source } from '../../word';

export const SHADOW_MOD_SAMPLE = source('samples/livepatch/livepatch-shadow-mod.c', { pr_fmt: '' }, (p) => ({
  alloc: p.pr_info('dummy_alloc', '%s: dummy @ %p, expires @ %lx\n', '__func__', 'd', 'expires'),
  free: p.pr_info('dummy_free', '%s: dummy @ %p, expired = %lx\n', '__func__', 'd', 'expired'),
  cleanup: p.pr_info('cleanup_work_func', '%s: jiffies = %lx\n', '__func__', 'jiffies'),
}));
