/**
 * lib/dump_stack.c (mainline): what every stack dump starts with, at its
 * caller's level. The CPU line's format ends `"%s " BUILD_ID_FMT "\n"`;
 * without CONFIG_STACKTRACE_BUILD_ID that is "%s" of "", so the line ends
 * with a blank after the preemption model (since 6.15).
 */
import { source } from '../word';

export const DUMP_STACK = source('lib/dump_stack.c', { pr_fmt: '' }, (p) => ({
  cpu: p.printk(
    'log_lvl',
    'dump_stack_print_info',
    '%sCPU: %d UID: %u PID: %d Comm: %.20s %s%s %s %.*s %s %s\n',
    'log_lvl',
    'cpu',
    'uid',
    'pid',
    'comm',
    'kdump',
    'tainted',
    'release',
    'version_len',
    'version',
    'preempt_model',
    'build_id',
  ),
  tainted: p.printk('log_lvl', 'dump_stack_print_info', '%s%s\n', 'log_lvl', 'tainted_verbose'),
  hardware: p.printk('log_lvl', 'dump_stack_print_info', '%sHardware name: %s\n', 'log_lvl', 'arch_desc'),
}));
