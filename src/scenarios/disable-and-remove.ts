import type { TimelineScenario } from './types';

const P = 'test_klp_livepatch';
const LP = `/sys/kernel/livepatch/${P}`;

export const disableAndRemove: TimelineScenario = {
  kind: 'timeline',
  id: 'disable-and-remove',
  title: 'Disable and remove',
  summary: 'echo 0 > enabled unpatches; the patch is freed from a workqueue; only then does rmmod work.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: 'We load a livepatch, then take it away again: disable it through sysfs, wait for it to be freed, and remove its module.',
  steps: [
    {
      do: { command: `insmod test_modules/${P}.ko` },
      caption: "klp_enable_patch() from the module's init: the patch is on klp_patches and its transition has started.",
      fn: 'klp_enable_patch',
      claims: [{ log: `livepatch: enabling patch '${P}'` }],
    },
    {
      do: { settle: true },
      caption: 'A second later the transition completes: every task runs the patched cmdline_proc_show.',
      fn: 'klp_complete_transition',
      claims: [{ log: `livepatch: '${P}': patching complete` }],
    },
    {
      do: { command: `rmmod ${P}` },
      caption:
        'rmmod checks the refcount first and refuses: klp_enable_patch() took a reference on its own module (try_module_get()), held until the patch is freed. Its code may be running in any task.',
      fn: 'try_module_get',
      file: 'kernel/livepatch/core.c',
      claims: [{ term: `rmmod: ERROR: Module ${P} is in use` }, { refcnt: P, is: 1 }],
    },
    {
      do: { command: `echo 0 > ${LP}/enabled` },
      caption:
        'enabled_store() → __klp_disable_patch(): klp_init_transition(KLP_UNPATCHED), the pre_unpatch callbacks, klp_start_transition(). patch->enabled is now 0; the transition goes the other way.',
      fn: '__klp_disable_patch',
      claims: [
        { log: `livepatch: '${P}': initializing unpatching transition` },
        { log: `livepatch: '${P}': starting unpatching transition` },
        { file: `${LP}/enabled`, equals: '0' },
        { file: `${LP}/transition`, equals: '1' },
      ],
    },
    { do: { event: true }, caption: 'An idle CPU, kicked by wake_up_if_idle(), goes round do_idle() and switches back.', fn: 'klp_update_patch_state' },
    { do: { event: true }, caption: 'Another idle CPU switches.', fn: 'klp_update_patch_state' },
    { do: { event: true }, caption: 'And the last one.', fn: 'klp_update_patch_state' },
    {
      do: { event: true },
      caption:
        "klp_transition_work_fn(): every task is back in the original code. klp_complete_transition() unpatches, then — the patch being disabled — klp_free_patch_async(): klp_free_patch_start() takes it off klp_patches and puts its objects' kobjects (their directories vanish), and schedule_work(&patch->free_work). The patch directory is still there.",
      fn: 'klp_free_patch_async',
      file: 'kernel/livepatch/core.c',
      claims: [
        { log: `livepatch: '${P}': unpatching complete` },
        { file: `${LP}/enabled`, equals: '0' },
        { file: `${LP}/transition`, equals: '0' },
        { file: `${LP}/vmlinux/patched`, equals: null },
        { refcnt: P, is: 1 },
      ],
    },
    {
      do: { command: `echo 1 > ${LP}/enabled` },
      caption:
        'Could we enable it again? enabled_store(): "Do not allow to re-enable a disabled patch." -EINVAL. Since 5.1 the way back is to remove the module and load it again.',
      fn: 'enabled_store',
      claims: [{ term: 'bash: echo: write error: Invalid argument' }],
    },
    {
      do: { command: `rmmod ${P}` },
      caption: 'Too early: free_work has not run yet, so module_put() has not either.',
      fn: 'module_put',
      claims: [{ term: `rmmod: ERROR: Module ${P} is in use` }],
    },
    {
      do: { event: true },
      caption:
        "free_work runs on the system workqueue, outside klp_mutex and outside the sysfs write that disabled the patch: klp_free_patch_finish() → kobject_put() removes /sys/kernel/livepatch/test_klp_livepatch, the release completes patch->finish, then module_put() — refcnt 0.",
      fn: 'klp_free_patch_finish',
      file: 'kernel/livepatch/core.c',
      claims: [{ file: `${LP}/enabled`, equals: null }, { refcnt: P, is: 0 }],
    },
    {
      do: { command: `rmmod ${P}` },
      caption: 'Now rmmod works. The module\'s exit function is empty: there is nothing left to unregister.',
      fn: 'delete_module',
      claims: [{ file: `/sys/module/${P}/refcnt`, equals: null }],
    },
  ],
};
