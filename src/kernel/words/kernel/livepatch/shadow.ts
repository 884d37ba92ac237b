/**
 * kernel/livepatch/shadow.c (mainline). A constructor's failure is a
 * pr_err(); the duplicate is a WARN(): its text goes through vprintk() at
 * the default level, without pr_fmt.
 */
import { source } from '../../word';

export const LIVEPATCH_SHADOW = source('kernel/livepatch/shadow.c', { pr_fmt: 'livepatch: ', module: 'livepatch' }, (p) => ({
  ctorFailed: p.pr_err('__klp_shadow_get_or_alloc', 'Failed to construct shadow variable <%p, %lx> (%d)\n', 'obj', 'id', 'err'),
  duplicate: p.WARN('__klp_shadow_get_or_alloc', 'Duplicate shadow variable <%p, %lx>\n', 'obj', 'id'),
}));
