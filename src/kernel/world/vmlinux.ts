/**
 * vmlinux functions the simulation calls by name, beyond those in the tasks'
 * call chains: the show functions behind /proc files and the system calls
 * user space makes. What each one prints or returns lives in builtins.ts.
 */
export const VMLINUX_FUNCTIONS = [
  'cmdline_proc_show',
  'meminfo_proc_show',
  'version_proc_show',
  'seq_read_iter',
  '__x64_sys_getpid',
  '__x64_sys_init_module',
  '__x64_sys_finit_module',
  '__x64_sys_delete_module',
  'load_module',
  'do_init_module',
  'klp_enable_patch',
  'klp_transition_work_fn',
  'klp_free_patch_work_fn',
  'process_one_work',
  'msleep',
  'schedule_timeout',
] as const;
