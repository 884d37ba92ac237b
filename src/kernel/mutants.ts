/**
 * Deliberate engine bugs, for the mutation tests only
 * (tests/property/mutants.test.ts): each one shows that an invariant of
 * invariants.ts catches the bug it plants. A test sets Kernel.mutant after
 * constructing the kernel; it is null in every other run, where each hook is
 * one comparison that changes nothing.
 */
export const MUTANTS = {
  /** klp_try_switch_task() ignores klp_check_stack(): a task switches while sleeping in a function the transition changes */
  'switch-while-sleeping': 'the stack check disabled',
  /** klp_try_switch_task() ignores task_curr(): a task running on another CPU is switched */
  'switch-while-running': 'a running task switched by the stack check',
  /** a woken kthread switches as if it had returned to user space (it has no such safe point) */
  'kthread-switches-on-wake': 'a kthread switched when woken',
  /** klp_reverse_transition() puts every task back into the initial state of the new direction */
  'reverse-resets-universes': 'a reversal resetting the tasks',
  /** klp_ftrace_handler() runs the newest func even for a task not yet switched */
  'handler-ignores-universe': 'the handler ignoring patch_state',
  /** klp_try_complete_transition() completes while tasks are still blocked */
  'complete-while-blocked': 'completion with tasks not switched',
  /** klp_start_transition() runs the post_patch callbacks at once */
  'post-patch-at-start': 'post_patch when the transition starts',
  /** the disabled patch is freed right away, in the context that completed the transition, not by free_work */
  'free-in-store': 'the patch freed without free_work',
  /** free_work drops the module reference of a forced patch too */
  'forced-module-put': "a forced patch's module released by free_work",
} as const;

export type Mutant = keyof typeof MUTANTS;
