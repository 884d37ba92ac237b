/** kernel/sched/core.c (mainline): sched_show_task() builds its task line with pr_cont(). */
import { source } from '../../word';

export const SCHED_CORE = source('kernel/sched/core.c', { pr_fmt: '' }, (p) => ({
  task: p.pr_info('sched_show_task', 'task:%-15.15s state:%c', 'comm', 'state'),
  running: p.pr_cont('sched_show_task', '  running task    '),
  taskIds: p.pr_cont(
    'sched_show_task',
    ' stack:%-5lu pid:%-5d tgid:%-5d ppid:%-6d task_flags:0x%04x flags:0x%08lx\n',
    'free',
    'pid',
    'tgid',
    'ppid',
    'task_flags',
    'flags',
  ),
}));
