/** kernel/kprobes.c (mainline): pr_fmt is "kprobes: ". */
import { source } from '../word';

export const KPROBES = source('kernel/kprobes.c', { pr_fmt: 'kprobes: ' }, (p) => ({
  enabled: p.pr_info('arm_all_kprobes', 'Kprobes globally enabled\n'),
  disabled: p.pr_info('disarm_all_kprobes', 'Kprobes globally disabled\n'),
}));
