/** init/main.c (mainline): no pr_fmt. */
import { source } from '../word';

export const INIT_MAIN = source('init/main.c', { pr_fmt: '' }, (p) => ({
  banner: p.pr_notice('start_kernel', '%s', 'linux_banner'),
}));
