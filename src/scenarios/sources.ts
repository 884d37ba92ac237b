/**
 * Where each kernel function a timeline step names (its `fn`) is defined in
 * current mainline. A step's `file`, when it gives one, must agree with this
 * table (scenarios.test.ts): the one place to correct a file.
 */
const CORE = 'kernel/livepatch/core.c';
const CORE_H = 'kernel/livepatch/core.h';
const PATCH = 'kernel/livepatch/patch.c';
const STATE = 'kernel/livepatch/state.c';
const TRANSITION = 'kernel/livepatch/transition.c';
const MODULE = 'kernel/module/main.c';
const SHADOW = 'kernel/livepatch/shadow.c';
const SHADOW_MOD = 'samples/livepatch/livepatch-shadow-mod.c';

export const SOURCE_FILES: Readonly<Record<string, string>> = {
  // kernel/livepatch/core.c
  __klp_disable_patch: CORE,
  __klp_enable_patch: CORE,
  enabled_show: CORE,
  enabled_store: CORE,
  klp_add_nops: CORE,
  klp_cleanup_module_patches_limited: CORE,
  klp_discard_nops: CORE,
  klp_enable_patch: CORE,
  klp_free_patch_async: CORE,
  klp_free_patch_finish: CORE,
  klp_module_coming: CORE,
  klp_module_going: CORE,
  klp_unpatch_replaced_patches: CORE,
  stack_order_show: CORE,
  // kernel/livepatch/core.h (static inline)
  klp_is_object_loaded: CORE_H,
  klp_pre_patch_callback: CORE_H,
  // kernel/livepatch/patch.c
  klp_ftrace_handler: PATCH,
  klp_patch_func: PATCH,
  // kernel/livepatch/shadow.c
  klp_shadow_alloc: SHADOW,
  klp_shadow_free: SHADOW,
  klp_shadow_free_all: SHADOW,
  klp_shadow_get: SHADOW,
  klp_shadow_get_or_alloc: SHADOW,
  // kernel/livepatch/state.c
  klp_get_prev_state: STATE,
  klp_get_state: STATE,
  klp_is_patch_compatible: STATE,
  // kernel/livepatch/transition.c
  __klp_sched_try_switch: TRANSITION,
  klp_check_stack: TRANSITION,
  klp_cancel_transition: TRANSITION,
  klp_complete_transition: TRANSITION,
  klp_copy_process: TRANSITION,
  klp_force_transition: TRANSITION,
  klp_reverse_transition: TRANSITION,
  klp_send_signals: TRANSITION,
  klp_start_transition: TRANSITION,
  klp_transition_work_fn: TRANSITION,
  klp_try_complete_transition: TRANSITION,
  klp_try_switch_task: TRANSITION,
  klp_update_patch_state: TRANSITION,
  // the module loader: SYSCALL_DEFINE2(delete_module, …), and the module reference
  delete_module: MODULE,
  do_init_module: MODULE,
  module_patient_check_exists: MODULE,
  module_put: MODULE,
  show_refcnt: MODULE,
  try_force_unload: MODULE,
  try_module_get: MODULE,
  try_stop_module: MODULE,
  // where tasks switch, and what shows it
  exit_to_user_mode_loop: 'kernel/entry/common.c',
  do_idle: 'kernel/sched/idle.c',
  proc_pid_patch_state: 'fs/proc/base.c',
  proc_pid_stack: 'fs/proc/base.c',
  proc_pid_status: 'fs/proc/array.c',
  // a task that sleeps for good, and who notices
  wait_for_completion: 'kernel/sched/completion.c',
  signal_wake_up_state: 'kernel/signal.c',
  check_hung_uninterruptible_tasks: 'kernel/hung_task.c',
  // elsewhere
  arm_kprobe_ftrace: 'kernel/kprobes.c',
  cmdline_proc_show: 'fs/proc/cmdline.c',
  sysfs_kf_seq_show: 'fs/sysfs/file.c',
  busymod_work_func: 'tools/testing/selftests/livepatch/test_modules/test_klp_callbacks_busy.c',
  test_klp_callbacks_busy_init: 'tools/testing/selftests/livepatch/test_modules/test_klp_callbacks_busy.c',
  dummy_alloc: SHADOW_MOD,
  dummy_free: SHADOW_MOD,
  schedule_delayed_work: 'include/linux/workqueue.h',
};

