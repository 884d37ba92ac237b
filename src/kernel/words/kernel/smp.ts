/** kernel/smp.c (mainline): pr_fmt is KBUILD_MODNAME ": ", here smp. The plurals are str_plural(): "s" unless 1. */
import { source } from '../word';

export const SMP = source('kernel/smp.c', { pr_fmt: 'smp: ' }, (p) => ({
  broughtUp: p.pr_info('smp_init', 'Brought up %d node%s, %d CPU%s\n', 'nodes', 'nodes_s', 'cpus', 'cpus_s'),
}));
