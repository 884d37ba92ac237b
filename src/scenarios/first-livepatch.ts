import type { TimelineScenario } from './types';

const LP = '/sys/kernel/livepatch/test_klp_livepatch';

export const firstLivepatch: TimelineScenario = {
  kind: 'timeline',
  id: 'first-livepatch',
  title: 'First livepatch',
  summary: 'insmod runs klp_enable_patch() from module_init(); tasks migrate; /proc/cmdline changes.',
  setup: { config: {}, selftest: true, lines: [] },
  intro:
    'A freshly booted machine: four CPUs, the usual daemons and kernel threads, and a shell. No patch is loaded; /proc/cmdline shows the boot command line.',
  steps: [
    {
      do: { command: 'cat /proc/cmdline' },
      caption: 'Reading /proc/cmdline calls cmdline_proc_show(): the kernel as built prints its command line.',
      fn: 'cmdline_proc_show',
      claims: [{ term: 'BOOT_IMAGE=' }],
    },
    {
      do: { command: 'insmod test_modules/test_klp_livepatch.ko' },
      caption:
        "Since 5.1 loading a livepatch module is enabling its patch: the module's init returns klp_enable_patch(&patch). It checks the patch, creates /sys/kernel/livepatch/test_klp_livepatch, registers an ftrace handler on cmdline_proc_show, and klp_start_transition() sets TIF_PATCH_PENDING on every task. insmod returns as soon as the transition has started.",
      fn: 'klp_enable_patch',
      claims: [
        { log: "livepatch: enabling patch 'test_klp_livepatch'" },
        { log: "livepatch: 'test_klp_livepatch': starting patching transition" },
        { transitionPatch: 'test_klp_livepatch' },
        { file: `${LP}/transition`, equals: '1' },
      ],
    },
    {
      do: { settle: true },
      caption:
        "Most tasks switched in the first klp_try_complete_transition(): their stacks hold no cmdline_proc_show. Idle CPUs were running their idle task, so wake_up_if_idle() kicked them; they switch in do_idle(). A second later klp_transition_work_fn() finds every task switched and klp_complete_transition() finishes.",
      fn: 'klp_try_complete_transition',
      file: 'kernel/livepatch/transition.c',
      claims: [{ log: "livepatch: 'test_klp_livepatch': patching complete" }, { transitionPatch: null }, { pending: 0 }],
    },
    {
      do: { command: 'cat /proc/cmdline' },
      caption:
        "The same read now goes through klp_ftrace_handler(), which sends every caller to the patch's livepatch_cmdline_proc_show(). Nothing was rebooted, no task saw a half-patched function.",
      fn: 'klp_ftrace_handler',
      file: 'kernel/livepatch/patch.c',
      claims: [{ term: 'this has been live patched' }, { file: '/proc/cmdline', equals: 'test_klp_livepatch: this has been live patched' }],
    },
    {
      do: { command: `cat ${LP}/enabled ${LP}/transition ${LP}/stack_order` },
      caption: "The patch's sysfs files: enabled 1, transition 0 (no longer klp_transition_patch), stack_order 1 (first on klp_patches).",
      fn: 'enabled_show',
      claims: [{ file: `${LP}/enabled`, equals: '1' }, { file: `${LP}/stack_order`, equals: '1' }],
    },
  ],
};
