import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_TRANSITION, TEST_KLP_CALLBACKS_DEMO } from '../kernel/words';
import { MODULE_STATE_NAMES } from '../kernel/machines/module.machine';

const BUSY = 'test_klp_callbacks_busy';
const DEMO = 'test_klp_callbacks_demo';
const LP = `/sys/kernel/livepatch/${DEMO}`;
const FN = 'busymod_work_func';
const KW = 'kworker/0:1';
const IDLE = ['swapper/1', 'swapper/2', 'swapper/3'];

export const reversing: TimelineScenario = {
  kind: 'timeline',
  id: 'reversing',
  title: 'Reversing a transition',
  summary: 'Writing 0 to enabled while the patch is still being applied turns the transition around.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: 'A transition that cannot finish need not be forced: it can be reversed. The busy module again keeps a kworker inside the function we patch.',
  introFocus: { views: ['tasks', 'patches'] },
  steps: [
    {
      do: { command: `insmod test_modules/${BUSY}.ko block_transition=Y` },
      caption: `${KW} now loops inside busymod_work_func(), sleeping in msleep().`,
      fn: FN,
      focus: { views: ['tasks'], actors: [{ task: KW }] },
      claims: [{ inStack: KW, fn: FN }],
    },
    {
      do: { command: `insmod test_modules/${DEMO}.ko` },
      caption: `The patching transition starts. Its first try switches every task but ${KW}, which sleeps in busymod_work_func, and the three idle tasks running on their CPUs.`,
      fn: 'klp_start_transition',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks', 'patches'], actors: [{ task: KW }, { patch: DEMO }] },
      claims: [
        said(LIVEPATCH_TRANSITION.starting, { patch: DEMO, state: 'patching' }),
        { card: DEMO, on: 'stack', tone: 'patching' },
        { pendingShown: [...IDLE, KW] },
        { blocker: KW, is: 'sleeping', on: FN },
      ],
    },
    {
      do: { settle: true },
      caption: `The idle tasks switch in do_idle(); ${KW} alone stays in the unpatched universe. The transition is stalled: transition reads 1.`,
      fn: 'klp_try_complete_transition',
      focus: { views: ['tasks'], actors: [{ task: KW }] },
      claims: [
        { pending: 1 },
        { file: `${LP}/transition`, equals: '1' },
        { file: `${LP}/enabled`, equals: '1' },
        { pendingShown: [KW] },
        { mark: KW, in: 'unpatched' },
        { switched: 48, of: 49 },
      ],
    },
    {
      do: { command: `echo 0 > ${LP}/enabled` },
      caption: `Writing 0 while the patch is in transition calls klp_reverse_transition(): klp_target_state becomes KLP_TRANSITION_UNPATCHED, and every task that had switched gets TIF_PATCH_PENDING to come back. ${KW} never left, so it is already there; no pre_unpatch callback runs, since post_patch never did.`,
      fn: 'klp_reverse_transition',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks', 'patches'], actors: [{ task: KW }, { patch: DEMO }, { state: 'klp_target_state' }] },
      claims: [
        said(LIVEPATCH_TRANSITION.reversing, { patch: DEMO, direction: 'patching to unpatching' }),
        said(LIVEPATCH_TRANSITION.starting, { patch: DEMO, state: 'unpatching' }),
        { noLog: 'pre_unpatch_callback' },
        { taskPending: 'bash', is: true },
        { file: `${LP}/enabled`, equals: '0' },
        { card: DEMO, on: 'stack', tone: 'unpatching' },
        { mark: KW, in: 'unpatched' },
        { mark: 'swapper/1', in: 'patched' },
        { switched: 1, of: 49 },
      ],
    },
    {
      do: { event: true },
      caption: 'The retry that was already queued now works the other way: klp_try_complete_transition() switches every task back but the three running idle tasks, and kicks their CPUs.',
      fn: 'klp_try_complete_transition',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks'], actors: IDLE.map((task) => ({ task })) },
      claims: [{ switched: 46, of: 49 }, { pendingShown: IDLE }, { mark: 'swapper/1', in: 'patched' }, { mark: 'swapper/0', in: 'unpatched' }],
    },
    {
      do: { settle: true },
      caption:
        'They switch back in do_idle(), and the next retry completes the transition: klp_complete_transition() runs post_unpatch for the objects whose pre_patch ran. The disabled patch is then freed, and free_work drops its module reference.',
      fn: 'klp_complete_transition',
      focus: { views: ['patches', 'free'], actors: [{ patch: DEMO }, { module: DEMO }] },
      claims: [
        said(LIVEPATCH_TRANSITION.complete, { patch: DEMO, state: 'unpatching' }),
        said(TEST_KLP_CALLBACKS_DEMO.callbackModule, { callback: 'post_unpatch_callback', module: BUSY, state: MODULE_STATE_NAMES.live }, { modname: DEMO }),
        { file: `${LP}/enabled`, equals: null },
        { card: DEMO, on: 'none' },
        { freePhase: DEMO, is: 'freed', modulePut: 'done' },
        { moduleRef: DEMO, is: 0 },
        { funcStack: FN, is: [] },
      ],
    },
    {
      do: { command: `rmmod ${DEMO}` },
      caption: 'A reversed patch was never forced: its module reference is gone, and rmmod works.',
      fn: 'delete_module',
      focus: { views: ['modules', 'shell'], actors: [{ module: DEMO }] },
      claims: [{ file: `/sys/module/${DEMO}/refcnt`, equals: null }, { moduleGone: DEMO }],
    },
  ],
};
