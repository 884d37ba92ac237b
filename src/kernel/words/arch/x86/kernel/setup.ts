/** arch/x86/kernel/setup.c (mainline). */
import { source } from '../../../word';

export const X86_SETUP = source('arch/x86/kernel/setup.c', { pr_fmt: '' }, (p) => ({
  commandLine: p.printk('KERN_INFO', 'setup_arch', 'Command line: %s\n', 'boot_command_line'),
}));
