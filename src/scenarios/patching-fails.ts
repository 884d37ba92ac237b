import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_CORE, LIVEPATCH_TRANSITION, LIVEPATCH_PATCH, TEST_KLP_CALLBACKS_DEMO } from '../kernel/words';
import { EBUSY } from '../kernel/world/errno';

const DEMO = 'test_klp_callbacks_demo';
const MOD = 'test_klp_callbacks_mod';
const KPROBE = 'test_klp_kprobe';
const TLP = 'test_klp_livepatch';
const FN = 'cmdline_proc_show';
const PRE_PATCH_RET = `/sys/module/${DEMO}/parameters/pre_patch_ret`;
const noSuchDevice = (mod: string) => `insmod: ERROR: could not insert module test_modules/${mod}.ko: No such device`;
const cannotAccess = (path: string) => `ls: cannot access '${path}': No such file or directory`;

export const patchingFails: TimelineScenario = {
  kind: 'timeline',
  id: 'patching-fails',
  title: 'When patching fails',
  summary: 'A pre_patch callback that fails, a function whose ftrace slot a kprobe holds, a module the patch cannot be applied to: what the kernel undoes, and what it keeps.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: `Three ways a livepatch fails: its own pre_patch callback refuses, ftrace refuses it a function, or it cannot be applied to a module loaded after it. ${DEMO} lets us make its callbacks fail: its parameter pre_patch_ret is what they return.`,
  introFocus: { views: ['log', 'shell'] },
  steps: [
    {
      do: { command: `insmod test_modules/${DEMO}.ko pre_patch_ret=-19` },
      caption:
        "__klp_enable_patch() initializes a patching transition and runs each loaded object's pre_patch callback, vmlinux first. It returns -ENODEV: nothing is patched, and klp_cancel_transition() completes the transition at once, as an unpatching one. module_init returns the -ENODEV to insmod.",
      fn: '__klp_enable_patch',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['log', 'shell'] },
      claims: [
        said(TEST_KLP_CALLBACKS_DEMO.callbackVmlinux, { callback: 'pre_patch_callback' }, { modname: DEMO }),
        said(LIVEPATCH_CORE.prePatchFailed, { object: 'vmlinux' }),
        said(LIVEPATCH_CORE.enableFailed, { patch: DEMO }),
        said(LIVEPATCH_TRANSITION.canceling, { patch: DEMO }),
        said(LIVEPATCH_TRANSITION.complete, { patch: DEMO, state: 'unpatching' }),
        { noLog: 'starting patching transition' },
        { noLog: 'post_unpatch_callback' },
        { term: noSuchDevice(DEMO) },
        { transitionPatch: null },
      ],
    },
    {
      do: { command: `ls /sys/module/${DEMO} /sys/kernel/livepatch/${DEMO}` },
      caption:
        "Nothing is left. On its error path klp_enable_patch() freed the patch (klp_free_patch_start, klp_free_patch_finish): off klp_patches, its sysfs directory removed, the module reference dropped. do_init_module() then unloads a module whose init failed, so it can be loaded again.",
      fn: 'klp_free_patch_finish',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['log', 'shell'] },
      claims: [
        { term: cannotAccess(`/sys/module/${DEMO}`) },
        { term: cannotAccess(`/sys/kernel/livepatch/${DEMO}`) },
        { card: DEMO, on: 'none' },
        { moduleGone: DEMO },
      ],
    },
    {
      do: { command: `insmod test_modules/${KPROBE}.ko && cat /sys/kernel/debug/kprobes/list` },
      caption:
        `Another user of ftrace: ${KPROBE} puts a kprobe with a post handler on ${FN}(). arm_kprobe_ftrace() registers it with kprobe_ipmodify_ops, an ftrace_ops flagged IPMODIFY: its handler may rewrite the instruction pointer.`,
      fn: 'arm_kprobe_ftrace',
      file: 'kernel/kprobes.c',
      focus: { views: ['log', 'shell'] },
      claims: [
        { term: `k  ${FN}+0x0` },
        { term: '[FTRACE]' },
        { moduleRef: KPROBE, is: 0 },
      ],
    },
    {
      do: { command: `insmod test_modules/${TLP}.ko` },
      caption:
        `${TLP} patches ${FN} too. klp_patch_func() registers livepatch's own ftrace_ops for it, IPMODIFY as well. ftrace allows one IPMODIFY ops per function: -EBUSY. The object fails, and the transition is canceled as before. A kprobe without a post handler does not need IPMODIFY, and would let the patch in.`,
      fn: 'klp_patch_func',
      file: 'kernel/livepatch/patch.c',
      focus: { views: ['log', 'shell'] },
      claims: [
        said(LIVEPATCH_PATCH.registerFailed, { function: FN, ret: -EBUSY }),
        said(LIVEPATCH_CORE.patchObjectFailed, { object: 'vmlinux' }),
        said(LIVEPATCH_CORE.enableFailed, { patch: TLP }),
        said(LIVEPATCH_TRANSITION.canceling, { patch: TLP }),
        { term: `insmod: ERROR: could not insert module test_modules/${TLP}.ko: Device or resource busy` },
        { funcStack: FN, is: [] },
        { moduleGone: TLP },
      ],
    },
    {
      do: { command: `insmod test_modules/${DEMO}.ko` },
      caption:
        `Now the other way round: the demo again, with callbacks that succeed. klp_enable_patch() patches the loaded objects; the object for ${MOD} waits unbound, as that module is not loaded.`,
      fn: 'klp_enable_patch',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['patches', 'log'], actors: [{ patch: DEMO }, { kobject: `${DEMO}/${MOD}` }] },
      claims: [
        said(LIVEPATCH_TRANSITION.starting, { patch: DEMO, state: 'patching' }),
        { card: DEMO, on: 'stack', tone: 'patching' },
        { object: `${DEMO}/vmlinux`, loaded: true, patched: true },
        { object: `${DEMO}/${MOD}`, loaded: false, patched: false },
      ],
    },
    {
      do: { settle: true },
      caption: 'The transition completes; post_patch runs for vmlinux. The patch is enabled.',
      fn: 'klp_complete_transition',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['patches', 'log'], actors: [{ patch: DEMO }] },
      claims: [
        said(TEST_KLP_CALLBACKS_DEMO.callbackVmlinux, { callback: 'post_patch_callback' }, { modname: DEMO }),
        { card: DEMO, tone: 'enabled' },
        { transitionPatch: null },
      ],
    },
    {
      do: { command: `echo -19 > ${PRE_PATCH_RET}` },
      caption: "pre_patch_ret is writable: from now on the demo's pre_patch callbacks return -ENODEV. vmlinux passed its callback already; this one is for objects still to come.",
      fn: 'klp_pre_patch_callback',
      file: 'kernel/livepatch/core.h',
      focus: { views: ['sysfs'], actors: [{ file: PRE_PATCH_RET }] },
      claims: [
        { file: PRE_PATCH_RET, equals: '-19' },
        { sysfs: PRE_PATCH_RET, value: '-19', status: 'changed' },
      ],
    },
    {
      do: { command: `insmod test_modules/${MOD}.ko` },
      caption:
        `The module loader calls klp_module_coming() while ${MOD} is COMING, before its init. The patch's pre_patch callback for it fails, so the patch cannot be applied: it refuses the module with the callback's error. The module's init never runs.`,
      fn: 'klp_module_coming',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['log', 'shell'] },
      claims: [
        said(LIVEPATCH_CORE.applyingToLoading, { patch: DEMO, module: MOD }),
        said(LIVEPATCH_CORE.comingPrePatchFailed, { object: MOD }),
        said(LIVEPATCH_CORE.refusingModule, { patch: DEMO, module: MOD }),
        { noLog: `${MOD}_init` },
        { noLog: 'post_patch_callback' },
        { term: noSuchDevice(MOD) },
        { moduleGone: MOD },
        { exists: `/sys/module/${MOD}`, is: false },
      ],
    },
    {
      do: { command: `grep . /sys/kernel/livepatch/${DEMO}/enabled /sys/kernel/livepatch/${DEMO}/*/patched` },
      caption:
        `The patch stays enabled for vmlinux. klp_cleanup_module_patches_limited() reverted ${MOD} only in the patches before this one on klp_patches (none here). This patch's object stays unbound, its sysfs directory kept: the next load of ${MOD} is tried again.`,
      fn: 'klp_cleanup_module_patches_limited',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['shell', 'patches'], actors: [{ patch: DEMO }, { kobject: `${DEMO}/${MOD}` }] },
      claims: [
        { term: `/sys/kernel/livepatch/${DEMO}/enabled:1` },
        { term: `/sys/kernel/livepatch/${DEMO}/vmlinux/patched:1` },
        { term: `/sys/kernel/livepatch/${DEMO}/${MOD}/patched:0` },
        { card: DEMO, on: 'stack', tone: 'enabled' },
        { object: `${DEMO}/${MOD}`, loaded: false, patched: false },
      ],
    },
  ],
};
