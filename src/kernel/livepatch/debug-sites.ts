/**
 * The pr_debug() call sites of the livepatch core, with their file, line and
 * format as in kernel/livepatch/transition.c (core.c has none). They are what
 * `file kernel/livepatch/* +p` switches on.
 */
import type { DebugSite, DynamicDebug } from '../world/dynamic-debug';

const TRANSITION_C = 'kernel/livepatch/transition.c';
const site = (func: string, line: number, format: string): DebugSite => ({
  module: 'livepatch',
  file: TRANSITION_C,
  func,
  line,
  format,
});

export const DBG_COMPLETING = site('klp_complete_transition', 97, "'%s': completing %s transition\n");
export const DBG_CANCELING = site('klp_cancel_transition', 170, "'%s': canceling patching transition, going to unpatch\n");
export const DBG_RUNNING = site('klp_try_switch_task', 345, '%s: %s:%d is running\n');
export const DBG_UNRELIABLE = site('klp_try_switch_task', 349, '%s: %s:%d has an unreliable stack\n');
export const DBG_SLEEPING = site('klp_try_switch_task', 353, '%s: %s:%d is sleeping on function %s\n');
export const DBG_INITIALIZING = site('klp_init_transition', 591, "'%s': initializing %s transition\n");
export const DBG_REVERSING = site('klp_reverse_transition', 653, "'%s': reversing transition from %s\n");

export function registerDebugSites(dd: DynamicDebug): void {
  for (const s of [DBG_COMPLETING, DBG_CANCELING, DBG_RUNNING, DBG_UNRELIABLE, DBG_SLEEPING, DBG_INITIALIZING, DBG_REVERSING]) {
    dd.register(s);
  }
}
