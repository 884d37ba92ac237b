/** kernel/module/main.c (mainline): no pr_fmt; each message names its module itself. */
import { source } from '../../word';

export const MODULE_MAIN = source('kernel/module/main.c', { pr_fmt: '' }, (p) => ({
  outOfTree: p.pr_warn('module_augment_kernel_taints', '%s: loading out-of-tree module taints kernel.\n', 'module'),
  taintLivepatch: p.pr_notice_once('module_augment_kernel_taints', '%s: tainting kernel with TAINT_LIVEPATCH\n', 'module'),
  unsigned: p.pr_notice_once(
    'module_augment_kernel_taints',
    '%s: module verification failed: signature and/or required key missing - tainting kernel\n',
    'module',
  ),
  unknownParam: p.pr_warn('unknown_module_param_cb', "%s: unknown parameter '%s' ignored\n", 'module', 'param'),
  // print_modules(): one record, continued module by module.
  modulesLinkedIn: p.printk('KERN_DEFAULT', 'print_modules', 'Modules linked in:'),
  linkedModule: p.pr_cont('print_modules', ' %s%s', 'module', 'flags'),
  lastUnloaded: p.pr_cont('print_modules', ' [last unloaded: %s%s]', 'module', 'taints'),
  modulesEnd: p.pr_cont('print_modules', '\n'),
}));
