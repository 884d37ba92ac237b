import type { TimelineScenario } from './types';

export const atomicReplace: TimelineScenario = {
  kind: 'timeline',
  id: 'atomic-replace',
  title: 'Atomic replace',
  summary: 'A cumulative patch with nops replaces the whole stack; the replaced patches vanish silently; their modules become removable.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: 'Three patches are stacked, each for a different function. Then one cumulative patch takes over from all of them.',
  steps: [
    { do: { command: 'insmod test_modules/test_klp_livepatch.ko' }, caption: 'Patch 1: cmdline_proc_show.', fn: 'klp_enable_patch' },
    { do: { settle: true }, caption: 'Applied.', fn: 'klp_complete_transition' },
    { do: { command: 'insmod test_modules/test_klp_syscall.ko' }, caption: 'Patch 2: getpid.', fn: 'klp_enable_patch' },
    { do: { settle: true }, caption: 'Applied.', fn: 'klp_complete_transition' },
    { do: { command: 'insmod test_modules/test_klp_callbacks_demo.ko' }, caption: 'Patch 3: callbacks, and busymod_work_func for when its module loads.', fn: 'klp_enable_patch' },
    { do: { settle: true }, caption: 'Three patches on klp_patches.', fn: 'klp_complete_transition', claims: [{ file: '/sys/kernel/livepatch/test_klp_callbacks_demo/stack_order', equals: '3' }] },
    {
      do: { command: 'insmod test_modules/test_klp_atomic_replace.ko replace=1' },
      caption:
        "A replace patch. klp_init_patch() calls klp_add_nops(): for every function an active patch changes and this one does not, a 'nop' func (and a dynamic object where needed). A task that switches runs this patch's meminfo, and the original code wherever a nop stands.",
      fn: 'klp_add_nops',
      file: 'kernel/livepatch/core.c',
      claims: [
        { exists: '/sys/kernel/livepatch/test_klp_atomic_replace/vmlinux/cmdline_proc_show,1', is: true },
        { exists: '/sys/kernel/livepatch/test_klp_atomic_replace/test_klp_callbacks_busy/busymod_work_func,1', is: true },
        { transitionPatch: 'test_klp_atomic_replace' },
      ],
    },
    {
      do: { settle: true },
      caption:
        "On completion klp_unpatch_replaced_patches() disables every older patch silently — no transition, no callbacks — and klp_discard_nops() removes the nops: the original functions run without redirection. Then klp_free_replaced_patches_async() queues each replaced patch's free_work.",
      fn: 'klp_unpatch_replaced_patches',
      file: 'kernel/livepatch/core.c',
      claims: [
        { log: "livepatch: 'test_klp_atomic_replace': patching complete" },
        { noLog: 'unpatching' },
        { noLog: 'pre_unpatch_callback' },
        { file: '/sys/kernel/livepatch/test_klp_livepatch/enabled', equals: null },
        { exists: '/sys/kernel/livepatch/test_klp_atomic_replace/vmlinux/cmdline_proc_show,1', is: false },
        { file: '/sys/kernel/livepatch/test_klp_atomic_replace/stack_order', equals: '1' },
        { file: '/proc/cmdline', contains: 'BOOT_IMAGE=' },
        { file: '/proc/meminfo', equals: 'test_klp_atomic_replace: this has been live patched' },
      ],
    },
    {
      do: { command: 'lsmod' },
      caption: 'The replaced patch modules are still loaded, unused: their patches were freed and module_put() ran.',
      fn: 'module_put',
      claims: [{ refcnt: 'test_klp_livepatch', is: 0 }, { refcnt: 'test_klp_syscall', is: 0 }, { refcnt: 'test_klp_callbacks_demo', is: 0 }],
    },
    { do: { command: 'rmmod test_klp_callbacks_demo' }, caption: 'They can be removed without disabling anything first; rmmod prints nothing.', fn: 'delete_module', claims: [{ noLog: 'livepatch:' }] },
    { do: { command: 'rmmod test_klp_syscall' }, caption: 'Removed.', fn: 'delete_module' },
    { do: { command: 'rmmod test_klp_livepatch' }, caption: 'Removed. Only the cumulative patch remains.', fn: 'delete_module', claims: [{ file: '/sys/module/test_klp_livepatch/refcnt', equals: null }] },
  ],
};
