import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_TRANSITION } from '../kernel/words';

const P = 'test_klp_livepatch';
const LP = `/sys/kernel/livepatch/${P}`;

export const forcedRemoval: TimelineScenario = {
  kind: 'timeline',
  id: 'forced-removal',
  title: 'Why rmmod -f is refused',
  summary: "rmmod -f of an enabled livepatch module gets EAGAIN: the patch holds a reference on its module until it is freed. The safe way out.",
  setup: { config: {}, selftest: true, lines: [`insmod test_modules/${P}.ko`] },
  intro: `${P} is loaded and its patch enabled. This kernel is built with CONFIG_MODULE_FORCE_UNLOAD not set, Kconfig's default ("If unsure, say N"); "When rmmod -f is allowed" shows a kernel built with it.`,
  introFocus: { views: ['modules', 'patches'], actors: [{ module: P }, { patch: P }] },
  steps: [
    {
      do: { command: 'lsmod' },
      caption: `No module depends on ${P}, yet it is used by 1: klp_enable_patch() took a reference on its own module with try_module_get(), because the module holds the patch's code and its struct klp_patch.`,
      fn: 'try_module_get',
      file: 'kernel/module/main.c',
      focus: { views: ['modules', 'shell'], actors: [{ module: P }] },
      claims: [{ term: `${P}     12288  1` }, { refcnt: P, is: 1 }, { moduleRef: P, is: 1, pinned: false }],
    },
    {
      do: { command: `rmmod ${P}` },
      caption: `Plain rmmod reads that count from /sys/module/${P}/refcnt (show_refcnt()) and refuses by itself: the kernel is not even asked to remove the module.`,
      fn: 'show_refcnt',
      file: 'kernel/module/main.c',
      focus: { views: ['shell', 'modules'], actors: [{ module: P }] },
      claims: [{ term: `rmmod: ERROR: Module ${P} is in use` }, { refcnt: P, is: 1 }],
    },
    {
      do: { command: `rmmod -f ${P}` },
      caption:
        'With -f, rmmod skips its check and asks the kernel to force the removal (O_TRUNC). try_stop_module() cannot drop the reference, and without CONFIG_MODULE_FORCE_UNLOAD try_force_unload() always says no: -EAGAIN. Nothing changes.',
      fn: 'try_stop_module',
      file: 'kernel/module/main.c',
      focus: { views: ['shell', 'modules'], actors: [{ module: P }] },
      claims: [
        { term: `could not remove '${P}': Resource temporarily unavailable` },
        { term: `rmmod: ERROR: could not remove module ${P}: Resource temporarily unavailable` },
        { noLog: 'taint' },
        { file: '/proc/sys/kernel/tainted', equals: '45056' },
        { refcnt: P, is: 1 },
        { card: P, on: 'stack', tone: 'enabled' },
      ],
    },
    {
      do: { command: `echo 0 > ${LP}/enabled` },
      caption: 'The safe way: disable the patch. __klp_disable_patch() starts the unpatching transition, which moves every task back to the original cmdline_proc_show.',
      fn: '__klp_disable_patch',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['patches', 'tasks'], actors: [{ patch: P }] },
      claims: [
        said(LIVEPATCH_TRANSITION.starting, { patch: P, state: 'unpatching' }),
        { card: P, on: 'stack', tone: 'unpatching' },
        { file: `${LP}/enabled`, equals: '0' },
      ],
    },
    {
      do: { settle: true },
      caption: "The transition completes, and the patch's free_work runs klp_free_patch_finish(): the last access to struct klp_patch, then module_put().",
      fn: 'klp_free_patch_finish',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['free', 'modules'], actors: [{ patch: P }, { module: P }] },
      claims: [
        said(LIVEPATCH_TRANSITION.complete, { patch: P, state: 'unpatching' }),
        { exists: LP, is: false },
        { freePhase: P, is: 'freed', modulePut: 'done' },
        { moduleRef: P, is: 0 },
      ],
    },
    {
      do: { command: `rmmod ${P}` },
      caption: 'Now nothing points into the module, and a plain rmmod removes it. No -f was needed, and the kernel is not tainted R.',
      fn: 'delete_module',
      file: 'kernel/module/main.c',
      focus: { views: ['modules', 'shell'], actors: [{ module: P }] },
      claims: [{ moduleGone: P }, { exists: `/sys/module/${P}`, is: false }, { file: '/proc/sys/kernel/tainted', equals: '45056' }],
    },
  ],
};
