import type { ModuleSpec } from './types';

/**
 * A kprobe on cmdline_proc_show. With a post handler it needs the function's
 * one IPMODIFY ftrace slot, which a livepatch needs too.
 */
export const test_klp_kprobe: ModuleSpec = {
  name: 'test_klp_kprobe',
  file: 'test_modules/test_klp_kprobe.ko',
  description: 'Livepatch test: kprobes',
  source: 'tools/testing/selftests/livepatch/test_modules/test_klp_kprobe.c, kernelorg-mirror/linux_kernel_git_modules_linux@a729e841269c',
  // test-kprobe.sh is newer than v6.12 (../shared/conformance/versions/README.md)
  since: '6.13',
  size: 12288,
  livepatch: false,
  params: [{ name: 'has_post_handler', type: 'bool', mode: 0o444, default: true, description: 'Whether to use a post_handler (default=true)' }],
  init: (m) => m.register_kprobe('cmdline_proc_show', m.param('has_post_handler') === true),
  exit: (m) => m.unregister_kprobe('cmdline_proc_show'),
};
