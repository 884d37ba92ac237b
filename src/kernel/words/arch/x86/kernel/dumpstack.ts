/**
 * arch/x86/kernel/dumpstack.c (mainline): the Oops header and the stack
 * dump. The dump prints at the level its caller passes (log_lvl): the
 * default one in an Oops, KERN_INFO in sched_show_task().
 */
import { source } from '../../../word';

export const X86_DUMPSTACK = source('arch/x86/kernel/dumpstack.c', { pr_fmt: '' }, (p) => ({
  frame: p.printk('log_lvl', 'printk_stack_address', '%s %s%pBb\n', 'log_lvl', 'unreliable', 'address'),
  rip: p.printk('log_lvl', 'show_ip', '%sRIP: %04x:%pS\n', 'log_lvl', 'cs', 'ip'),
  callTrace: p.printk('log_lvl', 'show_trace_log_lvl', '%sCall Trace:\n', 'log_lvl'),
  stackStart: p.printk('log_lvl', 'show_trace_log_lvl', '%s <%s>\n', 'log_lvl', 'stack_name'),
  stackEnd: p.printk('log_lvl', 'show_trace_log_lvl', '%s </%s>\n', 'log_lvl', 'stack_name'),
  // Since 6.15 the preemption model is in dump_stack_print_info(), not here.
  oops: p.printk('KERN_DEFAULT', '__die_header', 'Oops: %s: %04lx [#%d]%s%s%s%s\n', 'str', 'err', 'die_counter', 'smp', 'pagealloc', 'kasan', 'pti'),
}));
