import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_TRANSITION, TEST_KLP_CALLBACKS_DEMO2 } from '../kernel/words';

/** Release 1 of the cumulative patch: callbacks only, no function changed. */
const V1 = 'test_klp_callbacks_demo2';
/** Release 2: also replaces meminfo_proc_show. */
const V2 = 'test_klp_atomic_replace';
const FN = 'meminfo_proc_show';
const LP = '/sys/kernel/livepatch';

export const downgradeReplace: TimelineScenario = {
  kind: 'timeline',
  id: 'downgrade-replace',
  title: 'Downgrading with atomic replace',
  summary: 'Going back to an older cumulative patch is loading it again: nops take the newer one\'s changes back, task by task.',
  setup: { config: {}, selftest: true, lines: [`insmod test_modules/${V1}.ko replace=1`] },
  intro:
    `Two cumulative patches (loaded with replace=1) play two releases of one livepatch. Release 1, ${V1}, is installed: it changes no function, only its callbacks run. Release 2, ${V2}, adds a fix to ${FN}. We upgrade, then go back.`,
  introFocus: { views: ['patches', 'funcs'], actors: [{ patch: V1 }] },
  steps: [
    {
      do: { command: `insmod test_modules/${V2}.ko replace=1` },
      caption: `Release 2: klp_enable_patch() starts its patching transition on top of release 1, which stays enabled until the transition completes. klp_add_nops() finds no function of release 1 to cover.`,
      fn: 'klp_enable_patch',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['patches', 'funcs'], actors: [{ patch: V2 }, { patch: V1 }, { func: FN }] },
      claims: [
        { card: V2, on: 'stack', top: true, tone: 'patching' },
        { card: V1, on: 'stack', tone: 'enabled' },
        { funcStack: FN, is: [V2], transition: true },
        { exists: `${LP}/${V1}/vmlinux`, is: true },
      ],
    },
    {
      do: { advance: 1 },
      caption: `The transition completes. klp_unpatch_replaced_patches() disables release 1 without a transition or its unpatch callbacks: every task has already switched to release 2. klp_free_replaced_patches_async() queues its free_work.`,
      fn: 'klp_unpatch_replaced_patches',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['patches', 'free'], actors: [{ patch: V1 }, { patch: V2 }] },
      claims: [
        said(LIVEPATCH_TRANSITION.complete, { patch: V2, state: 'patching' }),
        { noLog: 'pre_unpatch_callback' },
        { noLog: 'post_unpatch_callback' },
        { file: `${LP}/${V1}/enabled`, equals: '0' },
        { file: '/proc/meminfo', equals: `${V2}: this has been live patched` },
        { card: V1, on: 'offList', replacedBy: V2 },
        { card: V2, on: 'stack', top: true, tone: 'enabled' },
        { freeWork: [V1] },
      ],
    },
    {
      do: { event: true },
      caption: `free_work runs klp_free_patch_finish(): release 1's directory goes, and module_put() drops the reference its patch held on ${V1}.ko. The module stays loaded, unused.`,
      fn: 'klp_free_patch_finish',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['free', 'modules'], actors: [{ patch: V1 }, { module: V1 }] },
      claims: [
        { exists: `${LP}/${V1}`, is: false },
        { freeWork: [] },
        { freePhase: V1, is: 'freed', modulePut: 'done' },
        { moduleRef: V1, is: 0 },
      ],
    },
    {
      do: { command: `insmod test_modules/${V1}.ko replace=1` },
      caption: `To go back, load release 1 again. Not yet: its module is still loaded, and early_mod_check() refuses a second module of the same name (module_patient_check_exists(): -EEXIST) before any livepatch code runs.`,
      fn: 'module_patient_check_exists',
      file: 'kernel/module/main.c',
      focus: { views: ['shell', 'modules'], actors: [{ module: V1 }] },
      claims: [
        { term: `insmod: ERROR: could not insert module test_modules/${V1}.ko: File exists` },
        { noLog: 'enabling patch' },
        { card: V1, on: 'none' },
        { moduleRef: V1, is: 0 },
      ],
    },
    {
      do: { command: `rmmod ${V1}` },
      caption: `Nothing holds ${V1} any more (refcnt 0), so rmmod removes it without a word.`,
      fn: 'delete_module',
      file: 'kernel/module/main.c',
      focus: { views: ['modules', 'shell'], actors: [{ module: V1 }] },
      claims: [{ moduleGone: V1 }, { noLog: 'livepatch:' }],
    },
    {
      do: { command: `insmod test_modules/${V1}.ko replace=1` },
      caption: `Release 1 is now the new patch. klp_add_nops() gives it a nop for ${FN}, which release 2 changes and it does not: a switched task runs the original ${FN} again. Release 1's pre_patch callback runs now, post_patch once every task has switched.`,
      fn: 'klp_add_nops',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['funcs', 'patches'], actors: [{ patch: V1 }, { patch: V2 }, { func: FN }] },
      claims: [
        said(TEST_KLP_CALLBACKS_DEMO2.callbackVmlinux, { callback: 'pre_patch_callback' }, { modname: V1 }),
        { exists: `${LP}/${V1}/vmlinux/${FN},1`, is: true },
        { transitionPatch: V1 },
        { funcStack: FN, is: [`${V1} (nop)`, V2], transition: true },
        { card: V1, on: 'stack', top: true, tone: 'patching' },
        { card: V2, on: 'stack', tone: 'enabled' },
      ],
    },
    {
      do: { settle: true },
      caption: `The transition completes: klp_unpatch_replaced_patches() unpatches release 2 as it did release 1, and klp_discard_nops() drops the nop, so ${FN} is no longer redirected at all. Release 2's free_work then frees it and drops its module reference.`,
      fn: 'klp_discard_nops',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['funcs', 'free'], actors: [{ func: FN }, { patch: V2 }, { module: V2 }] },
      claims: [
        said(LIVEPATCH_TRANSITION.complete, { patch: V1, state: 'patching' }),
        said(TEST_KLP_CALLBACKS_DEMO2.callbackVmlinux, { callback: 'post_patch_callback' }, { modname: V1 }),
        { noLog: 'unpatching' },
        { exists: `${LP}/${V1}/vmlinux/${FN},1`, is: false },
        { exists: `${LP}/${V2}`, is: false },
        { funcStack: FN, is: [] },
        { card: V1, on: 'stack', top: true, tone: 'enabled' },
        { freePhase: V2, is: 'freed', modulePut: 'done' },
        { moduleRef: V2, is: 0 },
      ],
    },
    {
      do: { command: `rmmod ${V2}` },
      caption:
        'Release 1 is back, alone. Nothing checked that it is older: the kernel compares versions only of the system states patches declare, in klp_is_patch_compatible() (see System state).',
      fn: 'klp_is_patch_compatible',
      file: 'kernel/livepatch/state.c',
      focus: { views: ['modules', 'patches'], actors: [{ module: V2 }, { patch: V1 }] },
      claims: [{ moduleGone: V2 }, { card: V1, on: 'stack', top: true, tone: 'enabled' }, { file: `${LP}/${V1}/enabled`, equals: '1' }],
    },
  ],
};
