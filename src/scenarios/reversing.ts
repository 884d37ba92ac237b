import type { TimelineScenario } from './types';

const DEMO = 'test_klp_callbacks_demo';
const LP = `/sys/kernel/livepatch/${DEMO}`;

export const reversing: TimelineScenario = {
  kind: 'timeline',
  id: 'reversing',
  title: 'Reversing a transition',
  summary: 'Writing 0 to enabled while the patch is still being applied turns the transition around.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: 'A transition that cannot finish need not be forced: it can be reversed. The busy module again keeps a kworker inside the function we patch.',
  steps: [
    {
      do: { command: 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y' },
      caption: 'A kworker now loops inside busymod_work_func().',
      fn: 'busymod_work_func',
    },
    {
      do: { command: `insmod test_modules/${DEMO}.ko` },
      caption: 'The patching transition starts; the kworker cannot switch.',
      fn: 'klp_start_transition',
      claims: [{ log: `livepatch: '${DEMO}': starting patching transition` }],
    },
    {
      do: { settle: true },
      caption: 'Everyone else switches to the patched universe; the kworker stays in the old one. Stalled: transition reads 1.',
      fn: 'klp_try_complete_transition',
      claims: [{ pending: 1 }, { file: `${LP}/transition`, equals: '1' }, { file: `${LP}/enabled`, equals: '1' }],
    },
    {
      do: { command: `echo 0 > ${LP}/enabled` },
      caption:
        "enabled_store() sees a patch that is klp_transition_patch and calls klp_reverse_transition(): it clears every TIF_PATCH_PENDING, flips patch->enabled and klp_target_state, and klp_start_transition() marks the tasks that had switched — they must come back. No pre_unpatch callback runs: post_patch never did.",
      fn: 'klp_reverse_transition',
      file: 'kernel/livepatch/transition.c',
      claims: [
        { log: `livepatch: '${DEMO}': reversing transition from patching to unpatching` },
        { log: `livepatch: '${DEMO}': starting unpatching transition` },
        { noLog: 'pre_unpatch_callback' },
        { taskPending: 'bash', is: true },
        { file: `${LP}/enabled`, equals: '0' },
      ],
    },
    {
      do: { settle: true },
      caption:
        'The kworker never left the old universe, so it is already where the reversed transition goes. The others switch back; klp_complete_transition() runs the post_unpatch callbacks of the objects whose pre_patch ran, and the patch is freed.',
      fn: 'klp_complete_transition',
      claims: [
        { log: `livepatch: '${DEMO}': unpatching complete` },
        { log: 'test_klp_callbacks_demo: post_unpatch_callback: test_klp_callbacks_busy -> [MODULE_STATE_LIVE] Normal state' },
        { file: `${LP}/enabled`, equals: null },
      ],
    },
    {
      do: { command: `rmmod ${DEMO}` },
      caption: 'A reversed patch was never forced: free_work dropped its module reference, and rmmod works.',
      fn: 'module_put',
      claims: [{ file: `/sys/module/${DEMO}/refcnt`, equals: null }],
    },
  ],
};
