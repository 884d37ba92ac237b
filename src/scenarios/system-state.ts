import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_CORE, TEST_KLP_STATE, TEST_KLP_STATE2 } from '../kernel/words';

export const systemState: TimelineScenario = {
  kind: 'timeline',
  id: 'system-state',
  title: 'System state',
  summary: 'klp_state: a cumulative patch takes over a change the previous one made; an incompatible one is refused.',
  setup: { config: {}, selftest: true, lines: [] },
  intro:
    "test_klp_state changes console_loglevel while it is installed and records that as klp_state id 1, version 1. test_klp_state2 and test_klp_state3 are cumulative patches that know version 2 of the same change and can take it over.",
  introFocus: { views: ['patches', 'log'] },
  steps: [
    {
      do: { command: 'insmod test_modules/test_klp_state.ko' },
      caption: "Its pre_patch callback allocates room to save console_loglevel: klp_get_state(patch, 1) finds the patch's own state.",
      fn: 'klp_get_state',
      file: 'kernel/livepatch/state.c',
      focus: { views: ['log', 'patches'], actors: [{ patch: 'test_klp_state' }] },
      claims: [
        { card: 'test_klp_state', on: 'stack', tone: 'patching' },said(TEST_KLP_STATE.allocating, {}, { modname: 'test_klp_state' })],
    },
    {
      do: { settle: true },
      caption: 'The transition completes, and the post_patch callback makes the change to console_loglevel.',
      fn: 'klp_complete_transition',
      focus: { views: ['log', 'patches'], actors: [{ patch: 'test_klp_state' }] },
      claims: [said(TEST_KLP_STATE.fixing, {}, { modname: 'test_klp_state' }), { card: 'test_klp_state', tone: 'enabled' }],
    },
    {
      do: { command: 'insmod test_modules/test_klp_state2.ko' },
      caption:
        'A cumulative patch with state version 2: klp_is_patch_compatible() accepts it (same id, higher version). Its pre_patch callback calls klp_get_prev_state(1), which finds the installed patch\'s state, so it does not allocate again.',
      fn: 'klp_get_prev_state',
      file: 'kernel/livepatch/state.c',
      focus: { views: ['log', 'patches'], actors: [{ patch: 'test_klp_state2' }, { patch: 'test_klp_state' }] },
      claims: [
        { card: 'test_klp_state2', on: 'stack', top: true, tone: 'patching' },said(TEST_KLP_STATE2.alreadyAllocated, {}, { modname: 'test_klp_state2' })],
    },
    {
      do: { advance: 1 },
      caption:
        'A second later the transition completes. klp_unpatch_replaced_patches() first disables and unpatches test_klp_state, silently: no unpatch callbacks. Only then does post_patch run, and since the old patch is freed later, klp_get_prev_state() still finds its state: post_patch takes the change over.',
      fn: 'klp_unpatch_replaced_patches',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['log', 'patches'], actors: [{ patch: 'test_klp_state2' }, { patch: 'test_klp_state' }] },
      claims: [
        said(TEST_KLP_STATE2.takingOver, {}, { modname: 'test_klp_state2' }),
        { noLog: 'test_klp_state: restore_console_loglevel' },
        { card: 'test_klp_state2', on: 'stack', top: true, tone: 'enabled' },
        { card: 'test_klp_state', on: 'offList', replacedBy: 'test_klp_state2' },
        { freeWork: ['test_klp_state'] },
        { moduleRef: 'test_klp_state', is: 1 },
      ],
    },
    {
      do: { event: true },
      caption: "Then its free_work runs: klp_free_patch_finish() frees test_klp_state and drops its module's reference.",
      fn: 'klp_free_patch_finish',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['free', 'modules'], actors: [{ patch: 'test_klp_state' }, { module: 'test_klp_state' }] },
      claims: [
        { card: 'test_klp_state', on: 'none' },
        { freePhase: 'test_klp_state', is: 'freed', modulePut: 'done' },
        { moduleRef: 'test_klp_state', is: 0 },
        { freeWork: [] },
      ],
    },
    {
      do: { command: 'rmmod test_klp_state' },
      caption: 'The replaced module goes without a word.',
      fn: 'delete_module',
      focus: { views: ['modules', 'log'], actors: [{ module: 'test_klp_state' }] },
      claims: [
        { moduleGone: 'test_klp_state' },{ noLog: 'livepatch:' }],
    },
    {
      do: { command: 'insmod test_modules/test_klp_state.ko' },
      caption:
        "Going back to version 1: klp_is_patch_compatible() refuses a cumulative patch whose version of an installed state is lower — before anything is created, before even 'enabling patch'.",
      fn: 'klp_is_patch_compatible',
      file: 'kernel/livepatch/state.c',
      focus: { views: ['log', 'patches'], actors: [{ patch: 'test_klp_state2' }] },
      claims: [
        { card: 'test_klp_state', on: 'none' },
        { moduleGone: 'test_klp_state' },
        said(LIVEPATCH_CORE.incompatible, { patch: 'test_klp_state' }),
        { noLog: 'enabling patch' },
        { term: 'insmod: ERROR: could not insert module test_modules/test_klp_state.ko: Invalid parameters' },
      ],
    },
    {
      do: { command: 'echo 0 > /sys/kernel/livepatch/test_klp_state2/enabled' },
      caption: 'Disabling the cumulative patch restores console_loglevel in pre_unpatch…',
      fn: '__klp_disable_patch',
      focus: { views: ['log', 'patches'], actors: [{ patch: 'test_klp_state2' }] },
      claims: [
        { card: 'test_klp_state2', tone: 'unpatching' },said(TEST_KLP_STATE2.restoring, {}, { modname: 'test_klp_state2' })],
    },
    {
      do: { settle: true },
      caption: '…and frees the saved value in post_unpatch: no older patch is there to keep it (klp_get_prev_state() finds none). The patch is freed.',
      fn: 'klp_get_prev_state',
      focus: { views: ['log', 'patches'], actors: [{ patch: 'test_klp_state2' }] },
      claims: [
        { card: 'test_klp_state2', on: 'none' },said(TEST_KLP_STATE2.freeing, {}, { modname: 'test_klp_state2' })],
    },
  ],
};
