import type { TimelineScenario } from './types';

export const stackedPatches: TimelineScenario = {
  kind: 'timeline',
  id: 'stacked-patches',
  title: 'Stacked patches',
  summary: 'Two patches on one function: the newest runs; a task not yet switched runs the one below; one transition at a time.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: "Two livepatches that both replace cmdline_proc_show(): the kernel's sample, and the selftests' test_klp_livepatch.",
  steps: [
    {
      do: { command: 'modprobe livepatch-sample' },
      caption: "livepatch_sample's klp_enable_patch() puts its livepatch_cmdline_proc_show on cmdline_proc_show's func_stack and registers the ftrace handler.",
      fn: 'klp_patch_func',
      file: 'kernel/livepatch/patch.c',
    },
    { do: { settle: true }, caption: 'Its transition completes.', fn: 'klp_complete_transition', claims: [{ transitionPatch: null }] },
    {
      do: { command: 'cat /proc/cmdline' },
      caption: "klp_ftrace_handler() runs the top of the func_stack: the sample's function.",
      fn: 'klp_ftrace_handler',
      claims: [{ term: 'this has been live patched' }],
    },
    {
      do: { command: 'insmod test_modules/test_klp_livepatch.ko' },
      caption:
        'A second patch on the same function: its func is pushed on top of the func_stack (no second ftrace handler). During its transition the handler looks at each caller: a task in the patched universe runs the new top, one still unpatched runs the entry below — the sample, not the original.',
      fn: 'klp_ftrace_handler',
      claims: [{ transitionPatch: 'test_klp_livepatch' }, { file: '/sys/kernel/livepatch/test_klp_livepatch/stack_order', equals: '2' }],
    },
    {
      do: { settle: true },
      caption: 'Transition complete: everyone runs the newest patch.',
      fn: 'klp_complete_transition',
      claims: [{ file: '/proc/cmdline', equals: 'test_klp_livepatch: this has been live patched' }],
    },
    {
      do: { command: 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y' },
      caption: 'Meanwhile a busy module arrives with a kworker looping in busymod_work_func().',
      fn: 'busymod_work_func',
    },
    {
      do: { command: 'insmod test_modules/test_klp_callbacks_demo.ko' },
      caption: 'A third patch, for busymod_work_func: its transition stalls on that kworker.',
      fn: 'klp_start_transition',
    },
    {
      do: { settle: true },
      caption: 'Stalled.',
      fn: 'klp_try_complete_transition',
      claims: [{ transitionPatch: 'test_klp_callbacks_demo' }],
    },
    {
      do: { command: 'insmod test_modules/test_klp_atomic_replace.ko' },
      caption:
        'Only one patch can be in transition: __klp_enable_patch() returns -EBUSY while klp_transition_patch is set. klp_enable_patch() undoes everything and the load fails — the kernel prints nothing for it.',
      fn: '__klp_enable_patch',
      file: 'kernel/livepatch/core.c',
      claims: [{ term: 'insmod: ERROR: could not insert module test_modules/test_klp_atomic_replace.ko: Device or resource busy' }, { noLog: 'livepatch:' }],
    },
    {
      do: { command: 'echo 0 > /sys/kernel/livepatch/livepatch_sample/enabled' },
      caption: 'Disabling another patch is refused the same way: __klp_disable_patch() returns -EBUSY.',
      fn: '__klp_disable_patch',
      claims: [{ term: 'bash: echo: write error: Device or resource busy' }],
    },
    {
      do: { command: 'echo 0 > /sys/kernel/livepatch/test_klp_callbacks_demo/enabled' },
      caption: 'Reverse the stalled one instead…',
      fn: 'klp_reverse_transition',
    },
    { do: { settle: true }, caption: '…and it is gone.', fn: 'klp_complete_transition', claims: [{ transitionPatch: null }] },
    {
      do: { command: 'echo 0 > /sys/kernel/livepatch/livepatch_sample/enabled' },
      caption:
        'Since 5.1 there is no stacking order: the lower patch may be disabled first. Its func leaves the middle of the func_stack; the newest keeps running.',
      fn: '__klp_disable_patch',
      claims: [{ log: "livepatch: 'livepatch_sample': starting unpatching transition" }],
    },
    {
      do: { settle: true },
      caption: 'Done: test_klp_livepatch is now first on klp_patches (stack_order 1), and still what runs.',
      fn: 'stack_order_show',
      claims: [
        { file: '/proc/cmdline', equals: 'test_klp_livepatch: this has been live patched' },
        { file: '/sys/kernel/livepatch/test_klp_livepatch/stack_order', equals: '1' },
      ],
    },
  ],
};
