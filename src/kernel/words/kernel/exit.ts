/** kernel/exit.c (mainline): no pr_fmt. */
import { source } from '../word';

export const EXIT = source('kernel/exit.c', { pr_fmt: '' }, (p) => ({
  irqsDisabled: p.pr_info('make_task_dead', 'note: %s[%d] exited with irqs disabled\n', 'comm', 'pid'),
  preemptCount: p.pr_info('make_task_dead', 'note: %s[%d] exited with preempt_count %d\n', 'comm', 'pid', 'count'),
}));
