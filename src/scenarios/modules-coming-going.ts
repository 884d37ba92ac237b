import type { TimelineScenario } from './types';

const DEMO = 'test_klp_callbacks_demo';
const MOD = 'test_klp_callbacks_mod';

export const modulesComingGoing: TimelineScenario = {
  kind: 'timeline',
  id: 'modules-coming-going',
  title: 'Modules coming and going',
  summary: 'A patch for a module that is not loaded yet: patched as it loads, reverted as it goes; a failing pre_patch callback refuses the load.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: `${DEMO} patches vmlinux and two modules, with callbacks on every object. Neither module is loaded yet.`,
  steps: [
    {
      do: { command: `insmod test_modules/${DEMO}.ko` },
      caption: 'klp_enable_patch(): only loaded objects get their pre_patch callback and ftrace handlers — here only vmlinux. The module objects wait, unbound (obj->mod is NULL).',
      fn: 'klp_is_object_loaded',
      file: 'kernel/livepatch/core.h',
      claims: [{ log: `${DEMO}: pre_patch_callback: vmlinux` }, { noLog: `pre_patch_callback: ${MOD}` }],
    },
    {
      do: { settle: true },
      caption: 'The transition completes; post_patch runs for vmlinux.',
      fn: 'klp_complete_transition',
      claims: [{ file: `/sys/kernel/livepatch/${DEMO}/${MOD}/patched`, equals: '0' }],
    },
    {
      do: { command: `insmod test_modules/${MOD}.ko` },
      caption:
        "load_module() makes the module COMING and calls klp_module_coming() before its init runs: every patch with an object for it binds it, runs pre_patch, patches it, and — not being in transition — runs post_patch at once. Only then does the module's own init print.",
      fn: 'klp_module_coming',
      file: 'kernel/livepatch/core.c',
      claims: [
        { log: `livepatch: applying patch '${DEMO}' to loading module '${MOD}'` },
        { log: `${DEMO}: pre_patch_callback: ${MOD} -> [MODULE_STATE_COMING] Full formed, running module_init` },
        { log: `${DEMO}: post_patch_callback: ${MOD} -> [MODULE_STATE_COMING] Full formed, running module_init` },
        { log: `${MOD}: ${MOD}_init` },
        { file: `/sys/kernel/livepatch/${DEMO}/${MOD}/patched`, equals: '1' },
      ],
    },
    {
      do: { command: `rmmod ${MOD}` },
      caption:
        "delete_module(): the module's exit runs first (its code may be called until then, still patched), then klp_module_going(): pre_unpatch, 'reverting patch', the object is unpatched, post_unpatch. The patch stays enabled for vmlinux.",
      fn: 'klp_module_going',
      file: 'kernel/livepatch/core.c',
      claims: [
        { log: `${MOD}: ${MOD}_exit` },
        { log: `livepatch: reverting patch '${DEMO}' on unloading module '${MOD}'` },
        { log: `${DEMO}: post_unpatch_callback: ${MOD} -> [MODULE_STATE_GOING] Going away` },
        { file: `/sys/kernel/livepatch/${DEMO}/enabled`, equals: '1' },
      ],
    },
    {
      do: { command: `echo -19 > /sys/module/${DEMO}/parameters/pre_patch_ret` },
      caption: 'The demo module lets us make its pre_patch callbacks fail: they now return -ENODEV.',
      fn: 'klp_pre_patch_callback',
      claims: [{ file: `/sys/module/${DEMO}/parameters/pre_patch_ret`, equals: '-19' }],
    },
    {
      do: { command: `insmod test_modules/${MOD}.ko` },
      caption:
        "klp_module_coming(): the pre_patch callback fails, so the patch cannot be applied to this module, and klp_module_coming() returns the error: the module loader refuses the module. Its init never runs.",
      fn: 'klp_module_coming',
      claims: [
        { log: `livepatch: pre-patch callback failed for object '${MOD}'` },
        { log: `livepatch: patch '${DEMO}' failed for module '${MOD}', refusing to load module '${MOD}'` },
        { noLog: `${MOD}_init` },
        { term: `insmod: ERROR: could not insert module test_modules/${MOD}.ko: No such device` },
        { exists: `/sys/module/${MOD}`, is: false },
      ],
    },
    {
      do: { command: `echo 0 > /sys/module/${DEMO}/parameters/pre_patch_ret` },
      caption: 'Let the callbacks succeed again.',
      fn: 'klp_pre_patch_callback',
    },
    {
      do: { command: `insmod test_modules/${MOD}.ko` },
      caption: 'Loaded, patched as it comes.',
      fn: 'klp_module_coming',
      claims: [{ log: `${MOD}: ${MOD}_init` }],
    },
    {
      do: { command: `echo 0 > /sys/kernel/livepatch/${DEMO}/enabled` },
      caption: 'Disabling runs pre_unpatch for every patched object: vmlinux and the module.',
      fn: '__klp_disable_patch',
      claims: [{ log: `${DEMO}: pre_unpatch_callback: ${MOD} -> [MODULE_STATE_LIVE] Normal state` }],
    },
    {
      do: { settle: true },
      caption: 'And post_unpatch for both when every task is back.',
      fn: 'klp_complete_transition',
      claims: [{ log: `${DEMO}: post_unpatch_callback: ${MOD} -> [MODULE_STATE_LIVE] Normal state` }],
    },
  ],
};
