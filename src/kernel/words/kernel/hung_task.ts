/** kernel/hung_task.c (mainline): no pr_fmt. */
import { source } from '../word';

export const HUNG_TASK = source('kernel/hung_task.c', { pr_fmt: '' }, (p) => ({
  blocked: p.pr_err('hung_task_info', 'INFO: task %s:%d blocked for more than %ld seconds.\n', 'comm', 'pid', 'seconds'),
  tainted: p.pr_err('hung_task_info', '      %s %s %.*s\n', 'tainted', 'release', 'version_len', 'version'),
  disables: p.pr_err('hung_task_info', '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.\n'),
  suppressed: p.pr_info('hung_task_info', 'Future hung task reports are suppressed, see sysctl kernel.hung_task_warnings\n'),
}));
