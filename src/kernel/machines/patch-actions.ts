/**
 * The actions both patch machines (patch.machine.ts since 5.1,
 * registered-patch.machine.ts before) name for the same kernel code: the
 * steps of __klp_enable_patch() and __klp_disable_patch() and the transition
 * calls. Declared here once; livepatch/core.ts runs them (sharedPatchActions).
 */
export const SHARED_PATCH_ACTIONS = {
  /** The call returns this errno. */
  reject: (_: unknown, _p: { errno: number }) => {},
  pr_err_not_livepatch_module: () => {},
  /** klp_enable_patch()'s error path: the patch freed again before anyone saw it */
  free_patch_sync: () => {},
  pr_notice_enabling: () => {},
  /** try_module_get() succeeded (before 5.1); klp_init_transition(patch, KLP_PATCHED) */
  klp_init_transition_patched: () => {},
  pr_warn_object_failed: (_: unknown, _p: { object: string; stage: 'pre_patch' | 'patch' }) => {},
  pr_warn_failed_to_enable: () => {},
  klp_cancel_transition: () => {},
  klp_start_transition: () => {},
  klp_try_complete_transition: () => {},
  klp_reverse_transition: () => {},
  klp_force_transition: () => {},
  /** __klp_disable_patch(): init the unpatching transition, pre_unpatch callbacks */
  klp_init_transition_unpatched: () => {},
  module_put: () => {},
};
