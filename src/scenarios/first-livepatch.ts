import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_CORE, LIVEPATCH_TRANSITION } from '../kernel/words';

const P = 'test_klp_livepatch';
const LP = `/sys/kernel/livepatch/${P}`;
const FN = 'cmdline_proc_show';

export const firstLivepatch: TimelineScenario = {
  kind: 'timeline',
  id: 'first-livepatch',
  title: 'First livepatch',
  summary: 'insmod runs klp_enable_patch() from module_init(); tasks migrate; /proc/cmdline changes.',
  setup: { config: {}, selftest: true, lines: [] },
  intro:
    'A freshly booted machine: four CPUs, the usual daemons and kernel threads, and a shell. No patch is loaded; /proc/cmdline shows the boot command line. A livepatch moves each task to the new code on its own, when no function being patched is on its stack.',
  introFocus: { views: ['tasks', 'patches'] },
  steps: [
    {
      do: { command: 'cat /proc/cmdline' },
      caption: 'Reading /proc/cmdline calls cmdline_proc_show(): the kernel as built prints its command line.',
      fn: FN,
      focus: { views: ['shell'], actors: [{ file: '/proc/cmdline' }] },
      claims: [{ term: 'BOOT_IMAGE=' }, { funcStack: FN, is: [] }],
    },
    {
      do: { command: `insmod test_modules/${P}.ko` },
      caption:
        "Loading a livepatch module enables it: its init calls klp_enable_patch(), which puts the patch's function on cmdline_proc_show's func_stack and sets TIF_PATCH_PENDING on every task. Before insmod returns, a first klp_try_complete_transition() switches every task it can: all but the idle tasks running on CPUs 1–3.",
      fn: 'klp_enable_patch',
      file: 'kernel/livepatch/core.c',
      focus: {
        views: ['tasks', 'patches'],
        actors: [{ patch: P }, { task: 'swapper/1' }, { task: 'swapper/2' }, { task: 'swapper/3' }],
      },
      claims: [
        said(LIVEPATCH_CORE.enablingPatch, { patch: P }),
        said(LIVEPATCH_TRANSITION.starting, { patch: P, state: 'patching' }),
        { transitionPatch: P },
        { file: `${LP}/transition`, equals: '1' },
        { card: P, on: 'stack', tone: 'patching' },
        { funcStack: FN, is: [P], transition: true },
        { switched: 46, of: 49 },
        { pendingShown: ['swapper/1', 'swapper/2', 'swapper/3'] },
        { blocker: 'swapper/1', is: 'running' },
        { mark: 'swapper/0', in: 'patched' },
        { mark: 'swapper/1', in: 'unpatched' },
      ],
    },
    {
      do: { event: true },
      caption:
        "The first try woke each of those CPUs with wake_up_if_idle(). CPU 1's idle task, swapper/1, goes round its idle loop, which calls klp_update_patch_state(): it switches to the patched universe.",
      fn: 'klp_update_patch_state',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks'], actors: [{ task: 'swapper/1' }] },
      claims: [
        { mark: 'swapper/1', in: 'patched' },
        { switched: 47, of: 49 },
        { pendingShown: ['swapper/2', 'swapper/3'] },
      ],
    },
    {
      do: { event: true },
      caption: 'swapper/2 does the same on CPU 2: klp_update_patch_state() in its idle loop.',
      fn: 'klp_update_patch_state',
      focus: { views: ['tasks'], actors: [{ task: 'swapper/2' }] },
      claims: [{ mark: 'swapper/2', in: 'patched' }, { switched: 48, of: 49 }, { pendingShown: ['swapper/3'] }],
    },
    {
      do: { event: true },
      caption: 'And swapper/3: every task is patched now. The transition is still open until the next retry notices.',
      fn: 'klp_update_patch_state',
      focus: { views: ['tasks', 'patches'], actors: [{ task: 'swapper/3' }, { patch: P }] },
      claims: [
        { mark: 'swapper/3', in: 'patched' },
        { switched: 49, of: 49 },
        { pendingShown: [] },
        { transitionPatch: P },
        { file: `${LP}/transition`, equals: '1' },
        { card: P, tone: 'patching' },
      ],
    },
    {
      do: { event: true },
      caption:
        "A second after insmod, klp_transition_work_fn() retries and finds every task switched: klp_complete_transition() clears func->transition, sets every patch_state back to KLP_TRANSITION_IDLE (-1) and prints 'patching complete'.",
      fn: 'klp_complete_transition',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['patches', 'tasks'], actors: [{ patch: P }, { func: FN }] },
      claims: [
        said(LIVEPATCH_TRANSITION.complete, { patch: P, state: 'patching' }),
        { transitionPatch: null },
        { pending: 0 },
        { card: P, on: 'stack', tone: 'enabled' },
        { funcStack: FN, is: [P], transition: false },
        { mark: 'swapper/1', in: 'none' },
      ],
    },
    {
      do: { command: 'cat /proc/cmdline' },
      caption:
        "The same read now goes through klp_ftrace_handler(), which sends every caller to the patch's livepatch_cmdline_proc_show(). Nothing was rebooted, and no task saw a half-patched function.",
      fn: 'klp_ftrace_handler',
      file: 'kernel/livepatch/patch.c',
      focus: { views: ['funcs', 'shell'], actors: [{ func: FN }, { file: '/proc/cmdline' }] },
      claims: [
        { term: 'this has been live patched' },
        { file: '/proc/cmdline', equals: 'test_klp_livepatch: this has been live patched' },
        { funcStack: FN, is: [P], transition: false },
      ],
    },
    {
      do: { command: `cat ${LP}/enabled ${LP}/transition ${LP}/stack_order` },
      caption: "The patch's sysfs files: enabled 1, transition 0 (no longer klp_transition_patch), stack_order 1 (first on klp_patches).",
      fn: 'enabled_show',
      focus: { views: ['sysfs'], actors: [{ file: `${LP}/enabled` }, { file: `${LP}/transition` }, { file: `${LP}/stack_order` }] },
      claims: [
        { file: `${LP}/enabled`, equals: '1' },
        { file: `${LP}/stack_order`, equals: '1' },
        { term: '0' },
        { card: P, on: 'stack', top: true, tone: 'enabled' },
        { sysfs: `${LP}/enabled`, value: '1' },
        { sysfs: `${LP}/transition`, value: '0' },
        { sysfs: `${LP}/stack_order`, value: '1' },
      ],
    },
  ],
};
