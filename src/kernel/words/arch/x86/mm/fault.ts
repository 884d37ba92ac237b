/** arch/x86/mm/fault.c (mainline): no pr_fmt. */
import { source } from '../../../word';

export const X86_FAULT = source('arch/x86/mm/fault.c', { pr_fmt: '' }, (p) => ({
  unableToHandle: p.pr_alert('show_fault_oops', 'BUG: unable to handle page fault for address: %px\n', 'address'),
  access: p.pr_alert('show_fault_oops', '#PF: %s %s in %s mode\n', 'privilege', 'access', 'mode'),
  errorCode: p.pr_alert('show_fault_oops', '#PF: error_code(0x%04lx) - %s\n', 'error_code', 'reason'),
  cr2: p.printk('KERN_DEFAULT', 'page_fault_oops', 'CR2: %016lx\n', 'address'),
}));
