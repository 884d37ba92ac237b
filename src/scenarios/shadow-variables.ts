import type { TimelineScenario } from './types';

const MOD = 'livepatch_shadow_mod';
const FIX1 = 'livepatch_shadow_fix1';
const FIX2 = 'livepatch_shadow_fix2';
const LP = '/sys/kernel/livepatch';
const SAMPLE = 'samples/livepatch/livepatch-shadow-mod.c';
/** klp_shadow_hash ids, as the samples name them */
const SV_LEAK = 1;
const SV_COUNTER = 2;

export const shadowVariables: TimelineScenario = {
  kind: 'timeline',
  id: 'shadow-variables',
  title: 'Shadow variables',
  summary: "The kernel's own demo: a leak fixed by attaching data to live objects, a counter added to in-flight ones, and shadow data that outlives the patches until their modules go.",
  setup: { config: {}, selftest: true, lines: [] },
  intro:
    "A livepatch replaces functions, not data: it cannot add a field to a structure that already exists. Shadow variables attach data to any object instead, found by <object, id> in one hash table, klp_shadow_hash. The kernel's samples show how: livepatch-shadow-mod leaks memory, livepatch-shadow-fix1 fixes the leak, livepatch-shadow-fix2 adds a counter.",
  introFocus: { views: ['modules', 'log'] },
  steps: [
    {
      do: { command: 'modprobe livepatch-shadow-mod' },
      caption:
        'The buggy module loads. Its init arms two delayed works with schedule_delayed_work(): alloc_work_func in one second, cleanup_work_func in three. Each arms itself again whenever it runs.',
      fn: 'schedule_delayed_work',
      file: 'include/linux/workqueue.h',
      focus: { views: ['modules', 'log'], actors: [{ module: MOD }] },
      claims: [{ moduleRef: MOD, is: 0 }, { noLog: 'dummy_alloc' }],
    },
    {
      do: { advance: 15 },
      caption:
        "Every second dummy_alloc() allocates a dummy that expires 12 s later, and an int whose address it forgets: 'Oops, forgot to save leak!'. Every third second cleanup_work_func frees the expired dummies with dummy_free(). Nothing ever frees the ints.",
      fn: 'dummy_alloc',
      file: SAMPLE,
      focus: { views: ['log'] },
      claims: [{ log: 'dummy_alloc: dummy @' }, { log: 'cleanup_work_func: jiffies = ' }, { log: 'dummy_free: dummy @' }, { noLog: 'livepatch' }],
    },
    {
      do: { command: 'modprobe livepatch-shadow-fix1' },
      caption:
        'livepatch-shadow-fix1 replaces two of its functions: klp_enable_patch() puts livepatch_fix1_dummy_alloc and livepatch_fix1_dummy_free on the func_stacks of dummy_alloc and dummy_free, and starts the transition.',
      fn: 'klp_enable_patch',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['funcs', 'patches'], actors: [{ func: 'dummy_alloc' }, { func: 'dummy_free' }, { patch: FIX1 }] },
      claims: [
        { funcStack: 'dummy_alloc', is: [FIX1], transition: true },
        { funcStack: 'dummy_free', is: [FIX1], transition: true },
        { card: FIX1, on: 'stack', tone: 'patching' },
      ],
    },
    {
      do: { advance: 15 },
      caption:
        "fix1's dummy_alloc gives each new dummy a shadow variable <dummy, 1> (SV_LEAK) holding the int's address, with klp_shadow_alloc(). Its dummy_free asks klp_shadow_get(): a dummy from before the patch has none and still leaks ('leaked!'); a newer one's is freed with klp_shadow_free, whose destructor frees the int.",
      fn: 'klp_shadow_alloc',
      file: 'kernel/livepatch/shadow.c',
      focus: { views: ['state', 'log'], actors: [{ shadow: String(SV_LEAK) }] },
      claims: [
        { shadowVars: SV_LEAK, count: 13, onFreed: 0, owners: [FIX1] },
        { log: `${FIX1}: livepatch_fix1_dummy_alloc: dummy @` },
        { log: `${FIX1}: livepatch_fix1_dummy_free: dummy @` },
        { log: `${FIX1}: livepatch_fix1_dummy_leak_dtor: dummy @` },
        { funcStack: 'dummy_alloc', is: [FIX1], transition: false },
      ],
    },
    {
      do: { command: 'modprobe livepatch-shadow-fix2' },
      caption:
        "livepatch-shadow-fix2 goes on top. It replaces dummy_check and, again, dummy_free, whose func_stack now holds both fixes; dummy_alloc stays fix1's. fix2 allocates no dummies: it works on the ones fix1's code makes.",
      fn: 'klp_enable_patch',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['funcs', 'patches'], actors: [{ func: 'dummy_check' }, { func: 'dummy_free' }, { patch: FIX2 }] },
      claims: [
        { funcStack: 'dummy_check', is: [FIX2], transition: true },
        { funcStack: 'dummy_free', is: [FIX2, FIX1], transition: true },
        { funcStack: 'dummy_alloc', is: [FIX1] },
        { card: FIX2, on: 'stack', top: true, tone: 'patching' },
      ],
    },
    {
      do: { advance: 6 },
      caption:
        "At every check fix2's dummy_check calls klp_shadow_get_or_alloc(d, SV_COUNTER, …): a dummy without a counter (id 2) gets one, those already in flight too, and it counts. fix2's dummy_free frees the int as fix1's did, then prints the count and frees the counter.",
      fn: 'klp_shadow_get_or_alloc',
      file: 'kernel/livepatch/shadow.c',
      focus: { views: ['state', 'log'], actors: [{ shadow: String(SV_COUNTER) }] },
      claims: [
        { shadowVars: SV_COUNTER, count: 12, onFreed: 0, owners: [FIX2] },
        { log: `${FIX2}: livepatch_fix2_dummy_free: dummy @` },
        { log: ', check counter = 2' },
        { log: `${FIX2}: livepatch_fix2_dummy_leak_dtor: dummy @` },
      ],
    },
    {
      do: { command: `echo 0 > ${LP}/${FIX2}/enabled` },
      caption:
        "Disabling fix2 starts the unpatching transition. The patch has no callbacks, and livepatch itself never touches shadow variables: the 12 counters stay in klp_shadow_hash.",
      fn: '__klp_disable_patch',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['state', 'patches'], actors: [{ patch: FIX2 }, { shadow: String(SV_COUNTER) }] },
      claims: [
        { card: FIX2, tone: 'unpatching' },
        { funcStack: 'dummy_check', is: [FIX2], transition: true },
        { shadowVars: SV_COUNTER, count: 12 },
      ],
    },
    {
      do: { advance: 3 },
      caption:
        "fix2's patch is unpatched and freed; dummy_free is fix1's again, which calls klp_shadow_free() for SV_LEAK only. The next check frees three dummies and leaves their counters in the hash, attached to freed memory.",
      fn: 'klp_shadow_free',
      file: 'kernel/livepatch/shadow.c',
      focus: { views: ['state', 'log'], actors: [{ shadow: String(SV_COUNTER) }] },
      claims: [
        { card: FIX2, on: 'none' },
        { funcStack: 'dummy_free', is: [FIX1] },
        { shadowVars: SV_COUNTER, count: 12, onFreed: 3 },
        { log: `${FIX1}: livepatch_fix1_dummy_leak_dtor: dummy @` },
      ],
    },
    {
      do: { command: `echo 0 > ${LP}/${FIX1}/enabled` },
      caption: "Disabling fix1 too: dummy_alloc and dummy_free return to the module's own code, which knows nothing of shadow variables.",
      fn: '__klp_disable_patch',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['funcs', 'patches'], actors: [{ func: 'dummy_alloc' }, { func: 'dummy_free' }, { patch: FIX1 }] },
      claims: [
        { card: FIX1, tone: 'unpatching' },
        { funcStack: 'dummy_alloc', is: [FIX1], transition: true },
      ],
    },
    {
      do: { advance: 3 },
      caption:
        "New dummies leak again. The module's dummy_free() frees three expired dummies and leaves their SV_LEAK variables behind: freeing an object does not free its shadow data. 3 of the 13 SV_LEAK and 6 of the 12 counters now hang on freed dummies.",
      fn: 'dummy_free',
      file: SAMPLE,
      focus: { views: ['state', 'log'], actors: [{ shadow: String(SV_LEAK) }, { shadow: String(SV_COUNTER) }] },
      claims: [
        { funcStack: 'dummy_alloc', is: [] },
        { log: 'dummy_free: dummy @' },
        { shadowVars: SV_LEAK, count: 13, onFreed: 3 },
        { shadowVars: SV_COUNTER, count: 12, onFreed: 6 },
      ],
    },
    {
      do: { command: 'rmmod livepatch-shadow-fix2' },
      caption:
        "The sample frees its shadow data when its module goes, not when it is disabled: fix2's module_exit calls klp_shadow_free_all(2, NULL), which takes every counter out of the hash. No destructor, so nothing is printed.",
      fn: 'klp_shadow_free_all',
      file: 'kernel/livepatch/shadow.c',
      focus: { views: ['state', 'modules'], actors: [{ shadow: String(SV_COUNTER) }, { module: FIX2 }] },
      claims: [{ moduleGone: FIX2 }, { shadowVars: SV_COUNTER, count: 0 }, { shadowVars: SV_LEAK, count: 13 }, { noLog: FIX2 }],
    },
    {
      do: { command: 'rmmod livepatch-shadow-fix1' },
      caption:
        "fix1's module_exit calls klp_shadow_free_all(1, livepatch_fix1_dummy_leak_dtor): for each of the 13 left, in the hash's order, the destructor frees the int the variable kept, for dummies freed long ago too. The ints leaked before fix1 and since it was disabled stay leaked.",
      fn: 'klp_shadow_free_all',
      file: 'kernel/livepatch/shadow.c',
      focus: { views: ['state', 'log'], actors: [{ shadow: String(SV_LEAK) }] },
      claims: [{ moduleGone: FIX1 }, { shadowVars: SV_LEAK, count: 0 }, { log: `${FIX1}: livepatch_fix1_dummy_leak_dtor: dummy @` }],
    },
  ],
};
