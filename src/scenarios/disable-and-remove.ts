import { FACTS } from '../kernel/release/facts';
import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_CORE, LIVEPATCH_TRANSITION } from '../kernel/words';

const P = 'test_klp_livepatch';
const LP = `/sys/kernel/livepatch/${P}`;
const FN = 'cmdline_proc_show';
const IDLE = ['swapper/1', 'swapper/2', 'swapper/3'];

export const disableAndRemove: TimelineScenario = {
  kind: 'timeline',
  id: 'disable-and-remove',
  title: 'Disable and remove',
  summary: 'echo 0 > enabled unpatches; the patch is freed from a workqueue; only then does rmmod work.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: 'We load a livepatch, then take it away again: disable it through sysfs, wait for it to be freed, and remove its module.',
  introFocus: { views: ['patches', 'modules'] },
  steps: [
    {
      do: { command: `insmod test_modules/${P}.ko` },
      caption: "klp_enable_patch() from the module's init: the patch is on klp_patches and its transition has started. Its first try already switched every task but the three idle tasks running on CPUs 1–3.",
      fn: 'klp_enable_patch',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['patches', 'tasks'], actors: [{ patch: P }] },
      claims: [
        said(LIVEPATCH_CORE.enablingPatch, { patch: P }),
        { card: P, on: 'stack', tone: 'patching' },
        { switched: 46, of: 49 },
        { pendingShown: IDLE },
      ],
    },
    {
      do: { settle: true },
      caption: 'The idle tasks switch in do_idle(), and a second later klp_transition_work_fn() completes the transition: every task runs the patched cmdline_proc_show.',
      fn: 'klp_complete_transition',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['patches', 'funcs'], actors: [{ patch: P }, { func: FN }] },
      claims: [
        said(LIVEPATCH_TRANSITION.complete, { patch: P, state: 'patching' }),
        { card: P, on: 'stack', tone: 'enabled' },
        { funcStack: FN, is: [P], transition: false },
        { mark: 'swapper/1', in: 'none' },
      ],
    },
    {
      do: { command: `rmmod ${P}` },
      caption:
        'rmmod refuses: klp_enable_patch() took a reference on its own module with try_module_get(), held until the patch is freed, because its code may be running in any task.',
      fn: 'try_module_get',
      file: 'kernel/module/main.c',
      focus: { views: ['modules', 'shell'], actors: [{ module: P }] },
      claims: [{ term: `rmmod: ERROR: Module ${P} is in use` }, { refcnt: P, is: 1 }, { moduleRef: P, is: 1, pinned: false }],
    },
    {
      do: { command: `echo 0 > ${LP}/enabled` },
      caption:
        'enabled_store() → __klp_disable_patch() starts the unpatching transition: patch->enabled is 0 and klp_target_state is KLP_TRANSITION_UNPATCHED (0). Its first try switches every task back but the three running idle tasks.',
      fn: '__klp_disable_patch',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['tasks', 'patches'], actors: [{ patch: P }, { state: 'klp_target_state' }] },
      claims: [
        said(LIVEPATCH_TRANSITION.initializing, { patch: P, state: 'unpatching' }),
        said(LIVEPATCH_TRANSITION.starting, { patch: P, state: 'unpatching' }),
        { file: `${LP}/enabled`, equals: '0' },
        { file: `${LP}/transition`, equals: '1' },
        { card: P, on: 'stack', tone: 'unpatching' },
        { funcStack: FN, is: [P], transition: true },
        { switched: 46, of: 49 },
        { pendingShown: IDLE },
        { mark: 'swapper/0', in: 'unpatched' },
        { mark: 'swapper/1', in: 'patched' },
      ],
    },
    {
      do: { event: true },
      caption: 'swapper/1, woken by the first try, goes round its idle loop and switches back: klp_update_patch_state().',
      fn: 'klp_update_patch_state',
      focus: { views: ['tasks'], actors: [{ task: 'swapper/1' }] },
      claims: [{ mark: 'swapper/1', in: 'unpatched' }, { switched: 47, of: 49 }],
    },
    {
      do: { event: true },
      caption: 'swapper/2 switches back.',
      fn: 'klp_update_patch_state',
      focus: { views: ['tasks'], actors: [{ task: 'swapper/2' }] },
      claims: [{ mark: 'swapper/2', in: 'unpatched' }, { switched: 48, of: 49 }],
    },
    {
      do: { event: true },
      caption: 'And swapper/3: every task is back in the original code, and the transition waits for its next retry.',
      fn: 'klp_update_patch_state',
      focus: { views: ['tasks'], actors: [{ task: 'swapper/3' }] },
      claims: [{ mark: 'swapper/3', in: 'unpatched' }, { switched: 49, of: 49 }, { pendingShown: [] }, { transitionPatch: P }],
    },
    {
      do: { event: true },
      caption:
        "The retry completes the transition: klp_complete_transition() takes the patch's function off cmdline_proc_show's func_stack. The patch being disabled, klp_free_patch_async() takes it off klp_patches, removes its object and function directories and queues its free_work.",
      fn: 'klp_free_patch_async',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['free', 'patches'], actors: [{ patch: P }, { kobject: P }] },
      claims: [
        said(LIVEPATCH_TRANSITION.complete, { patch: P, state: 'unpatching' }),
        { file: `${LP}/enabled`, equals: '0' },
        { file: `${LP}/transition`, equals: '0' },
        { file: `${LP}/vmlinux/patched`, equals: null },
        { refcnt: P, is: 1 },
        { funcStack: FN, is: [] },
        { card: P, on: 'offList', tone: 'gone' },
        { freeWork: [P] },
        { freePhase: P, is: 'queued' },
        { moduleRef: P, is: 1 },
        { sysfs: `${LP}/vmlinux`, status: 'removed' },
        { sysfs: `${LP}/transition`, value: '0', status: 'changed' },
      ],
    },
    {
      do: { command: `echo 1 > ${LP}/enabled` },
      caption:
        `Could we enable it again? enabled_store(): "Do not allow to re-enable a disabled patch." -EINVAL. Since ${FACTS.simplifiedApi.since} the way back is to remove the module and load it again.`,
      fn: 'enabled_store',
      focus: { views: ['sysfs', 'shell'], actors: [{ file: `${LP}/enabled` }] },
      claims: [{ term: 'bash: echo: write error: Invalid argument' }, { card: P, on: 'offList' }, { sysfs: `${LP}/enabled`, value: '0', status: 'same' }],
    },
    {
      do: { command: `rmmod ${P}` },
      caption: 'Too early: free_work has not run yet, so neither has module_put(). refcnt is still 1.',
      fn: 'module_put',
      focus: { views: ['free', 'modules'], actors: [{ module: P }, { patch: P }] },
      claims: [{ term: `rmmod: ERROR: Module ${P} is in use` }, { freeWork: [P] }, { moduleRef: P, is: 1 }],
    },
    {
      do: { event: true },
      caption:
        'free_work runs on the system workqueue, outside klp_mutex: klp_free_patch_finish() puts the last kobject reference, so /sys/kernel/livepatch/test_klp_livepatch goes, then module_put() drops refcnt to 0.',
      fn: 'klp_free_patch_finish',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['free', 'modules'], actors: [{ patch: P }, { module: P }] },
      claims: [
        { file: `${LP}/enabled`, equals: null },
        { refcnt: P, is: 0 },
        { freeWork: [] },
        { freePhase: P, is: 'freed', modulePut: 'done' },
        { card: P, on: 'none' },
        { moduleRef: P, is: 0 },
        { sysfs: LP, status: 'removed' },
      ],
    },
    {
      do: { command: `rmmod ${P}` },
      caption: "Now rmmod works. The module's exit function is empty: there is nothing left to unregister.",
      fn: 'delete_module',
      focus: { views: ['modules', 'shell'], actors: [{ module: P }] },
      claims: [{ file: `/sys/module/${P}/refcnt`, equals: null }, { moduleGone: P }],
    },
  ],
};
