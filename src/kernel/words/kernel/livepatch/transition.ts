/**
 * kernel/livepatch/transition.c (mainline), in the order of the file. The
 * pr_debug() lines are what `file kernel/livepatch/* +p` switches on; their
 * line numbers are the ones the dynamic debug control file lists.
 */
import { source } from '../../word';

export const LIVEPATCH_TRANSITION = source('kernel/livepatch/transition.c', { pr_fmt: 'livepatch: ', module: 'livepatch' }, (p) => ({
  completing: p.pr_debug('klp_complete_transition', 97, "'%s': completing %s transition\n", 'patch', 'state'),
  complete: p.pr_notice('klp_complete_transition', "'%s': %s complete\n", 'patch', 'state'),
  canceling: p.pr_debug('klp_cancel_transition', 170, "'%s': canceling patching transition, going to unpatch\n", 'patch'),
  running: p.pr_debug('klp_try_switch_task', 345, '%s: %s:%d is running\n', '__func__', 'comm', 'pid'),
  unreliable: p.pr_debug('klp_try_switch_task', 349, '%s: %s:%d has an unreliable stack\n', '__func__', 'comm', 'pid'),
  sleeping: p.pr_debug('klp_try_switch_task', 353, '%s: %s:%d is sleeping on function %s\n', '__func__', 'comm', 'pid', 'function'),
  signaling: p.pr_notice('klp_send_signals', 'signaling remaining tasks\n'),
  starting: p.pr_notice('klp_start_transition', "'%s': starting %s transition\n", 'patch', 'state'),
  initializing: p.pr_debug('klp_init_transition', 591, "'%s': initializing %s transition\n", 'patch', 'state'),
  reversing: p.pr_debug('klp_reverse_transition', 653, "'%s': reversing transition from %s\n", 'patch', 'direction'),
  forcing: p.pr_warn('klp_force_transition', 'forcing remaining tasks to the patched state\n'),
}));
