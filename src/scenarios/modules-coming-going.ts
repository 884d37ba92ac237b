import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_CORE, TEST_KLP_CALLBACKS_DEMO as DEMO_WORDS, TEST_KLP_CALLBACKS_MOD } from '../kernel/words';
import { MODULE_STATE_NAMES } from '../kernel/machines/module.machine';

const DEMO = 'test_klp_callbacks_demo';
const MOD = 'test_klp_callbacks_mod';
const BUSY = 'test_klp_callbacks_busy';
const BUSY_FN = 'busymod_work_func';

export const modulesComingGoing: TimelineScenario = {
  kind: 'timeline',
  id: 'modules-coming-going',
  title: 'Modules coming and going',
  summary: 'A patch for a module that is not loaded yet: patched as it loads, reverted as it goes; a failing pre_patch callback refuses the load.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: `${DEMO} has three objects, vmlinux and two modules, with callbacks on each; only one function is patched, busymod_work_func in test_klp_callbacks_busy. Neither module is loaded yet.`,
  introFocus: { views: ['patches', 'modules'] },
  steps: [
    {
      do: { command: `insmod test_modules/${DEMO}.ko` },
      caption: 'klp_enable_patch(): only loaded objects get their pre_patch callback, here only vmlinux; it has no functions, so no ftrace handler is registered at all. The objects for the two modules wait, unbound (obj->mod is NULL).',
      fn: 'klp_is_object_loaded',
      file: 'kernel/livepatch/core.h',
      focus: { views: ['patches', 'log'], actors: [{ patch: DEMO }] },
      claims: [
        said(DEMO_WORDS.callbackVmlinux, { callback: 'pre_patch_callback' }, { modname: DEMO }),
        { noLog: `pre_patch_callback: ${MOD}` },
        { card: DEMO, on: 'stack', tone: 'patching' },
        { object: `${DEMO}/vmlinux`, loaded: true, patched: true },
        { object: `${DEMO}/${MOD}`, loaded: false, patched: false },
        { object: `${DEMO}/${BUSY}`, loaded: false, patched: false },
        { funcStack: BUSY_FN, is: [] },
      ],
    },
    {
      do: { settle: true },
      caption: 'The transition completes; post_patch runs for vmlinux. The object for the module stays unpatched.',
      fn: 'klp_complete_transition',
      focus: { views: ['patches', 'log'], actors: [{ patch: DEMO }, { kobject: `${DEMO}/${MOD}` }] },
      claims: [
        { file: `/sys/kernel/livepatch/${DEMO}/${MOD}/patched`, equals: '0' },
        { card: DEMO, tone: 'enabled' },
        { object: `${DEMO}/${MOD}`, loaded: false, patched: false },
      ],
    },
    {
      do: { command: `insmod test_modules/${MOD}.ko` },
      caption:
        "load_module() calls klp_module_coming() while the module is COMING, before its init: the patch binds its object, runs pre_patch, patches it and, being in no transition, runs post_patch at once. Only then does the module's own init print.",
      fn: 'klp_module_coming',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['patches', 'log'], actors: [{ patch: DEMO }, { kobject: `${DEMO}/${MOD}` }] },
      claims: [
        { object: `${DEMO}/${MOD}`, loaded: true, patched: true },
        said(LIVEPATCH_CORE.applyingToLoading, { patch: DEMO, module: MOD }),
        said(DEMO_WORDS.callbackModule, { callback: 'pre_patch_callback', module: MOD, state: MODULE_STATE_NAMES.coming }, { modname: DEMO }),
        said(DEMO_WORDS.callbackModule, { callback: 'post_patch_callback', module: MOD, state: MODULE_STATE_NAMES.coming }, { modname: DEMO }),
        said(TEST_KLP_CALLBACKS_MOD.init, {}, { modname: MOD }),
        { file: `/sys/kernel/livepatch/${DEMO}/${MOD}/patched`, equals: '1' },
      ],
    },
    {
      do: { command: `rmmod ${MOD}` },
      caption:
        "delete_module() runs the module's exit first, still patched, then klp_module_going(): pre_unpatch, 'reverting patch', the object is unpatched and unbound, post_unpatch. The patch stays enabled for vmlinux.",
      fn: 'klp_module_going',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['patches', 'log'], actors: [{ patch: DEMO }, { kobject: `${DEMO}/${MOD}` }] },
      claims: [
        { object: `${DEMO}/${MOD}`, loaded: false, patched: false },
        { card: DEMO, tone: 'enabled' },
        { moduleGone: MOD },
        said(TEST_KLP_CALLBACKS_MOD.exit, {}, { modname: MOD }),
        said(LIVEPATCH_CORE.revertingOnUnload, { patch: DEMO, module: MOD }),
        said(DEMO_WORDS.callbackModule, { callback: 'post_unpatch_callback', module: MOD, state: MODULE_STATE_NAMES.going }, { modname: DEMO }),
        { file: `/sys/kernel/livepatch/${DEMO}/enabled`, equals: '1' },
      ],
    },
    {
      do: { command: `echo -19 > /sys/module/${DEMO}/parameters/pre_patch_ret` },
      caption: 'The demo module lets us make its pre_patch callbacks fail: they now return -ENODEV.',
      fn: 'klp_pre_patch_callback',
      focus: { views: ['sysfs'], actors: [{ file: `/sys/module/${DEMO}/parameters/pre_patch_ret` }] },
      claims: [
        { file: `/sys/module/${DEMO}/parameters/pre_patch_ret`, equals: '-19' },
        { sysfs: `/sys/module/${DEMO}/parameters/pre_patch_ret`, value: '-19', status: 'changed' },
      ],
    },
    {
      do: { command: `insmod test_modules/${MOD}.ko` },
      caption:
        "klp_module_coming(): the pre_patch callback fails, so the patch cannot be applied to this module, and the error it returns makes the module loader refuse the module. Its init never runs.",
      fn: 'klp_module_coming',
      focus: { views: ['log', 'shell'] },
      claims: [
        { moduleGone: MOD },
        { object: `${DEMO}/${MOD}`, loaded: false, patched: false },
        said(LIVEPATCH_CORE.comingPrePatchFailed, { object: MOD }),
        said(LIVEPATCH_CORE.refusingModule, { patch: DEMO, module: MOD }),
        { noLog: `${MOD}_init` },
        { term: `insmod: ERROR: could not insert module test_modules/${MOD}.ko: No such device` },
        { exists: `/sys/module/${MOD}`, is: false },
      ],
    },
    {
      do: { command: `echo 0 > /sys/module/${DEMO}/parameters/pre_patch_ret` },
      caption: 'Let the callbacks succeed again.',
      fn: 'klp_pre_patch_callback',
      focus: { views: ['sysfs'], actors: [{ file: `/sys/module/${DEMO}/parameters/pre_patch_ret` }] },
      claims: [
        { file: `/sys/module/${DEMO}/parameters/pre_patch_ret`, equals: '0' },
        { sysfs: `/sys/module/${DEMO}/parameters/pre_patch_ret`, value: '0', status: 'changed' },
      ],
    },
    {
      do: { command: `insmod test_modules/${MOD}.ko` },
      caption: 'Loaded, patched as it comes.',
      fn: 'klp_module_coming',
      focus: { views: ['patches', 'modules'], actors: [{ module: MOD }, { kobject: `${DEMO}/${MOD}` }] },
      claims: [said(TEST_KLP_CALLBACKS_MOD.init, {}, { modname: MOD }), { object: `${DEMO}/${MOD}`, loaded: true, patched: true }, { moduleRef: MOD, is: 0 }],
    },
    {
      do: { command: `echo 0 > /sys/kernel/livepatch/${DEMO}/enabled` },
      caption: 'Disabling runs pre_unpatch for every patched object, vmlinux and the module, and starts the unpatching transition.',
      fn: '__klp_disable_patch',
      focus: { views: ['log', 'patches'], actors: [{ patch: DEMO }] },
      claims: [
        { card: DEMO, on: 'stack', tone: 'unpatching' },said(DEMO_WORDS.callbackModule, { callback: 'pre_unpatch_callback', module: MOD, state: MODULE_STATE_NAMES.live }, { modname: DEMO })],
    },
    {
      do: { settle: true },
      caption: 'When every task is back, klp_complete_transition() runs post_unpatch for both, and the disabled patch is freed.',
      fn: 'klp_complete_transition',
      focus: { views: ['log', 'patches'], actors: [{ patch: DEMO }] },
      claims: [
        { card: DEMO, on: 'none' },
        { moduleRef: DEMO, is: 0 },said(DEMO_WORDS.callbackModule, { callback: 'post_unpatch_callback', module: MOD, state: MODULE_STATE_NAMES.live }, { modname: DEMO })],
    },
  ],
};
