import { FACTS } from '../kernel/release/facts';
import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_TRANSITION } from '../kernel/words';

const SAMPLE = 'livepatch_sample';
const TLP = 'test_klp_livepatch';
const DEMO = 'test_klp_callbacks_demo';
const BUSY = 'test_klp_callbacks_busy';
const FN = 'cmdline_proc_show';
const BFN = 'busymod_work_func';
const KW = 'kworker/0:1';
const IDLE = ['swapper/1', 'swapper/2', 'swapper/3'];

export const stackedPatches: TimelineScenario = {
  kind: 'timeline',
  id: 'stacked-patches',
  title: 'Stacked patches',
  summary: 'Two patches on one function: the newest runs; a task not yet switched runs the one below; one transition at a time.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: "Two livepatches that both replace cmdline_proc_show(): the kernel's sample, and the selftests' test_klp_livepatch.",
  introFocus: { views: ['patches', 'funcs'] },
  steps: [
    {
      do: { command: 'modprobe livepatch-sample' },
      caption: "livepatch-sample's klp_enable_patch() puts its livepatch_cmdline_proc_show on cmdline_proc_show's func_stack, registering the ftrace handler, and starts the transition.",
      fn: 'klp_patch_func',
      file: 'kernel/livepatch/patch.c',
      focus: { views: ['funcs', 'patches'], actors: [{ func: FN }, { patch: SAMPLE }] },
      claims: [{ funcStack: FN, is: [SAMPLE], transition: true }, { card: SAMPLE, on: 'stack', tone: 'patching' }],
    },
    {
      do: { settle: true },
      caption: 'Its transition completes: the sample is the only entry on the func_stack, and it runs for every task.',
      fn: 'klp_complete_transition',
      focus: { views: ['funcs', 'patches'], actors: [{ func: FN }, { patch: SAMPLE }] },
      claims: [{ transitionPatch: null }, { funcStack: FN, is: [SAMPLE], transition: false }, { card: SAMPLE, tone: 'enabled' }],
    },
    {
      do: { command: 'cat /proc/cmdline' },
      caption: "klp_ftrace_handler() runs the top of the func_stack: the sample's function.",
      fn: 'klp_ftrace_handler',
      file: 'kernel/livepatch/patch.c',
      focus: { views: ['funcs', 'shell'], actors: [{ func: FN }, { file: '/proc/cmdline' }] },
      claims: [{ term: 'this has been live patched' }, { funcStack: FN, is: [SAMPLE] }],
    },
    {
      do: { command: `insmod test_modules/${TLP}.ko` },
      caption:
        "A second patch on the same function goes on top of its func_stack, with no second ftrace handler. During its transition klp_ftrace_handler() gives switched tasks the new top, and the three idle tasks not yet switched the entry below: the sample, not the original.",
      fn: 'klp_ftrace_handler',
      focus: { views: ['funcs', 'tasks'], actors: [{ func: FN }, { patch: TLP }, ...IDLE.map((task) => ({ task }))] },
      claims: [
        { transitionPatch: TLP },
        { file: `/sys/kernel/livepatch/${TLP}/stack_order`, equals: '2' },
        { funcStack: FN, is: [TLP, SAMPLE], transition: true },
        { pendingShown: IDLE },
        { mark: 'swapper/1', in: 'unpatched' },
        { card: TLP, on: 'stack', top: true, tone: 'patching' },
      ],
    },
    {
      do: { settle: true },
      caption: 'Transition complete: everyone runs the newest patch, the top of the func_stack.',
      fn: 'klp_complete_transition',
      focus: { views: ['funcs'], actors: [{ func: FN }, { patch: TLP }] },
      claims: [
        { file: '/proc/cmdline', equals: 'test_klp_livepatch: this has been live patched' },
        { funcStack: FN, is: [TLP, SAMPLE], transition: false },
        { card: TLP, tone: 'enabled' },
      ],
    },
    {
      do: { command: `insmod test_modules/${BUSY}.ko block_transition=Y` },
      caption: `Meanwhile a busy module arrives: ${KW} loops in busymod_work_func().`,
      fn: BFN,
      focus: { views: ['tasks', 'modules'], actors: [{ task: KW }, { module: BUSY }] },
      claims: [{ inStack: KW, fn: BFN }],
    },
    {
      do: { command: `insmod test_modules/${DEMO}.ko` },
      caption: `A third patch, for busymod_work_func, gets a func_stack of its own. Its transition cannot switch ${KW}, sleeping in that function.`,
      fn: 'klp_start_transition',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['patches', 'tasks'], actors: [{ patch: DEMO }, { task: KW }] },
      claims: [
        { funcStack: BFN, is: [DEMO], transition: true },
        { card: DEMO, on: 'stack', top: true, tone: 'patching' },
        { blocker: KW, is: 'sleeping', on: BFN },
      ],
    },
    {
      do: { settle: true },
      caption: `The idle tasks switch; ${KW} does not. The transition stalls with ${DEMO} as klp_transition_patch.`,
      fn: 'klp_try_complete_transition',
      focus: { views: ['tasks', 'patches'], actors: [{ task: KW }, { state: 'klp_transition_patch' }] },
      claims: [{ transitionPatch: DEMO }, { pendingShown: [KW] }, { mark: KW, in: 'unpatched' }],
    },
    {
      do: { command: 'insmod test_modules/test_klp_atomic_replace.ko' },
      caption:
        'Only one patch can be in transition: __klp_enable_patch() returns -EBUSY while klp_transition_patch is set. klp_enable_patch() undoes everything and the load fails; the kernel prints nothing for it.',
      fn: '__klp_enable_patch',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['shell', 'patches'], actors: [{ state: 'klp_transition_patch' }] },
      claims: [
        { term: 'insmod: ERROR: could not insert module test_modules/test_klp_atomic_replace.ko: Device or resource busy' },
        { noLog: 'livepatch:' },
        { card: 'test_klp_atomic_replace', on: 'none' },
        { card: DEMO, on: 'stack', top: true, tone: 'patching' },
      ],
    },
    {
      do: { command: `echo 0 > /sys/kernel/livepatch/${SAMPLE}/enabled` },
      caption: 'Disabling another patch is refused the same way: __klp_disable_patch() returns -EBUSY.',
      fn: '__klp_disable_patch',
      focus: { views: ['shell', 'patches'], actors: [{ patch: SAMPLE }] },
      claims: [{ term: 'bash: echo: write error: Device or resource busy' }, { card: SAMPLE, on: 'stack', tone: 'enabled' }],
    },
    {
      do: { command: `echo 0 > /sys/kernel/livepatch/${DEMO}/enabled` },
      caption: `Reversing the stalled one is allowed: klp_reverse_transition() calls back every task that had switched. ${KW} never left.`,
      fn: 'klp_reverse_transition',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['patches', 'tasks'], actors: [{ patch: DEMO }, { task: KW }] },
      claims: [{ card: DEMO, tone: 'unpatching' }, { switched: 1, of: 49 }, { mark: KW, in: 'unpatched' }],
    },
    {
      do: { settle: true },
      caption: `Every task comes back, the transition completes, and ${DEMO} is freed. Two patches remain on klp_patches.`,
      fn: 'klp_complete_transition',
      focus: { views: ['patches', 'funcs'], actors: [{ patch: DEMO }] },
      claims: [{ transitionPatch: null }, { card: DEMO, on: 'none' }, { funcStack: BFN, is: [] }, { funcStack: FN, is: [TLP, SAMPLE] }],
    },
    {
      do: { command: `echo 0 > /sys/kernel/livepatch/${SAMPLE}/enabled` },
      caption:
        `Since ${FACTS.noStackingOrder.since} there is no stacking order: the lower patch may be disabled first. Its entry at the bottom of the func_stack is in transition, but test_klp_livepatch on top keeps running for everyone.`,
      fn: '__klp_disable_patch',
      focus: { views: ['funcs', 'patches'], actors: [{ func: FN }, { patch: SAMPLE }] },
      claims: [
        said(LIVEPATCH_TRANSITION.starting, { patch: 'livepatch_sample', state: 'unpatching' }),
        { funcStack: FN, is: [TLP, SAMPLE], transition: false },
        { card: SAMPLE, on: 'stack', tone: 'unpatching' },
      ],
    },
    {
      do: { settle: true },
      caption: 'Done: the sample leaves the func_stack, and test_klp_livepatch is now first on klp_patches (stack_order 1), still what runs.',
      fn: 'stack_order_show',
      focus: { views: ['patches', 'funcs'], actors: [{ patch: TLP }, { func: FN }] },
      claims: [
        { file: '/proc/cmdline', equals: 'test_klp_livepatch: this has been live patched' },
        { file: `/sys/kernel/livepatch/${TLP}/stack_order`, equals: '1' },
        { funcStack: FN, is: [TLP] },
        { card: TLP, on: 'stack', top: true, tone: 'enabled' },
        { card: SAMPLE, on: 'none' },
      ],
    },
  ],
};
