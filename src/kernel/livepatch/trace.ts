/**
 * What the livepatch core does that a rule over time is about, told as it
 * happens to whoever watches (the invariant watch, src/kernel/invariants.ts):
 * a task switching universe, a call choosing its code, a callback, a
 * transition being set up, completed or forced, the patch directory going,
 * the module reference dropped. The simulation never reads these; with no
 * observer, reporting one is a single null check.
 */
import type { CodeRef } from '../world/code';
import type { Task } from '../world/tasks';
import type { KlpObject, KlpPatch } from './types';

/**
 * The kernel function that switched a task: the stack check, its own safe
 * points (exit_to_user_mode_loop() on its way back to user space, do_idle()
 * for an idle task), an offline CPU's idle task switched outright by
 * klp_try_complete_transition(), or force.
 */
export type SwitchSite = 'klp_try_switch_task' | 'exit_to_user_mode_loop' | 'do_idle' | 'klp_try_complete_transition' | 'klp_force_transition';

export type CallbackKind = 'pre_patch' | 'post_patch' | 'pre_unpatch' | 'post_unpatch';

export type KlpTrace =
  /** just before task->patch_state takes klp_target_state */
  | { type: 'switch'; task: Task; site: SwitchSite }
  /** klp_ftrace_handler() (or no handler) chose `ran` for a call of `code` by `task` */
  | { type: 'call'; task: Task; code: CodeRef; ran: CodeRef }
  /** the callback helper of core.h runs for obj (whether the patch defines that callback or not) */
  | { type: 'callback'; kind: CallbackKind; obj: KlpObject }
  /** klp_init_transition() has set every task to the initial state */
  | { type: 'klp_init_transition' }
  /** klp_complete_transition() begins */
  | { type: 'klp_complete_transition' }
  /** klp_force_transition() begins */
  | { type: 'klp_force_transition' }
  /** the final kobject_put() of patch->kobj: the patch directory goes */
  | { type: 'kobject_put'; patch: KlpPatch }
  /** module_put(patch->mod) by the free path */
  | { type: 'module_put'; patch: KlpPatch };

export type KlpObserver = (event: KlpTrace) => void;
