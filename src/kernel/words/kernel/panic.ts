/** kernel/panic.c (mainline): no pr_fmt. */
import { source } from '../word';

export const PANIC = source('kernel/panic.c', { pr_fmt: '' }, (p) => ({
  lockDebuggingOff: p.pr_warn('add_taint', 'Disabling lock debugging due to kernel taint\n'),
  endTrace: p.pr_warn('print_oops_end_marker', '---[ end trace %016llx ]---\n', 'id'),
}));
