import type { TimelineScenario } from './types';

const BUSY = 'test_klp_callbacks_busy';
const DEMO = 'test_klp_callbacks_demo';
const DEMO2 = 'test_klp_callbacks_demo2';
const LP = `/sys/kernel/livepatch/${DEMO}`;
const FN = 'busymod_work_func';
const KW = 'kworker/0:1';
const IDLE = ['swapper/1', 'swapper/2', 'swapper/3'];

export const stalledTransition: TimelineScenario = {
  kind: 'timeline',
  id: 'stalled-transition',
  title: 'A stalled transition',
  summary: 'A kworker sleeping in the patched function blocks the transition; retries, the fake signal, force, and what force pins.',
  setup: {
    config: {},
    selftest: true,
    lines: [],
    tasks: [{ comm: 'fio', kind: 'user', sleepsIn: ['ksys_read', 'vfs_read', 'filemap_read', 'folio_wait_bit_common', 'io_schedule'], state: 'S', unreliable: true }],
  },
  intro:
    "The selftests' busy module runs a work item that loops in msleep() inside busymod_work_func(). We patch that very function. There is also fio, a user process whose stack the kernel cannot walk reliably.",
  introFocus: { views: ['tasks'], actors: [{ task: 'fio' }, { task: KW }] },
  steps: [
    {
      do: { command: `insmod test_modules/${BUSY}.ko block_transition=Y` },
      caption: `The module queues busymod_work_func() on the system workqueue; ${KW} runs it and stays inside it, sleeping in msleep(20) while block_transition is set.`,
      fn: FN,
      focus: { views: ['tasks', 'modules'], actors: [{ task: KW }, { module: BUSY }] },
      claims: [{ log: `${BUSY}: busymod_work_func enter` }, { inStack: KW, fn: FN }, { moduleRef: BUSY, is: 0 }],
    },
    {
      do: { command: `insmod test_modules/${DEMO}.ko` },
      caption: `klp_enable_patch() starts the transition, and its first try cannot switch ${KW}: klp_check_stack() finds busymod_work_func on its stack. Nor fio, whose stack is unreliable, nor the three idle tasks running on their CPUs.`,
      fn: 'klp_check_stack',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks', 'patches'], actors: [{ task: KW }, { task: 'fio' }, { patch: DEMO }] },
      claims: [
        { log: `livepatch: '${DEMO}': starting patching transition` },
        { taskPending: 'fio', is: true },
        { card: DEMO, on: 'stack', tone: 'patching' },
        { funcStack: FN, is: [DEMO], transition: true },
        { switched: 45, of: 50 },
        { pendingShown: [...IDLE, KW, 'fio'] },
        { blocker: KW, is: 'sleeping', on: FN },
        { blocker: 'fio', is: 'unreliable' },
        { mark: KW, in: 'unpatched' },
        { mark: 'fio', in: 'unpatched' },
      ],
    },
    {
      do: { settle: true },
      caption: `The idle tasks switch in do_idle(). ${KW} and fio stay where they are, so the transition stalls: klp_transition_work_fn() will retry every second.`,
      fn: 'klp_transition_work_fn',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks'], actors: [{ task: KW }, { task: 'fio' }] },
      claims: [
        { pending: 2 },
        { file: `${LP}/transition`, equals: '1' },
        { switched: 48, of: 50 },
        { pendingShown: [KW, 'fio'] },
        { mark: 'swapper/1', in: 'patched' },
      ],
    },
    {
      do: { advance: 14 },
      caption: `Fourteen seconds pass: fourteen retries, each klp_try_complete_transition() finding ${KW} and fio as before and counting klp_signals_cnt up, to 15.`,
      fn: 'klp_try_complete_transition',
      focus: { views: ['tasks', 'state'], actors: [{ state: 'klp_signals_cnt' }, { task: KW }, { task: 'fio' }] },
      claims: [{ noLog: 'signaling remaining tasks' }, { pending: 2 }, { pendingShown: [KW, 'fio'] }, { signalled: 'fio', is: false }],
    },
    {
      do: { event: true },
      caption: `The 15th retry calls klp_send_signals(): 'signaling remaining tasks', and fio gets a fake signal (TIF_NOTIFY_SIGNAL) that wakes it. ${KW} sleeps uninterruptibly in msleep(), so it is not even woken.`,
      fn: 'klp_send_signals',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks'], actors: [{ task: 'fio' }, { task: KW }] },
      claims: [
        { log: 'livepatch: signaling remaining tasks' },
        { taskPending: 'fio', is: true },
        { signalled: 'fio', is: true },
        { mark: 'fio', in: 'unpatched' },
        { pendingShown: [KW, 'fio'] },
      ],
    },
    {
      do: { event: true },
      caption:
        "fio's read is interrupted. On its way back to user space exit_to_user_mode() calls klp_update_patch_state(): fio switches with no stack check, and its read restarts in the patched universe.",
      fn: 'klp_update_patch_state',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks'], actors: [{ task: 'fio' }] },
      claims: [
        { taskPending: 'fio', is: false },
        { pending: 1 },
        { signalled: 'fio', is: false },
        { mark: 'fio', in: 'patched' },
        { switched: 49, of: 50 },
        { pendingShown: [KW] },
      ],
    },
    {
      do: { command: `echo 1 > ${LP}/force` },
      caption: `${KW} will never switch on its own. Writing 1 to force makes klp_force_transition() switch it as it is: it counts as patched, but still runs the old busymod_work_func.`,
      fn: 'klp_force_transition',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks', 'patches'], actors: [{ task: KW }, { patch: DEMO }] },
      claims: [
        { log: 'livepatch: forcing remaining tasks to the patched state' },
        { pending: 0 },
        { switched: 50, of: 50 },
        { mark: KW, in: 'patched' },
        { oldCode: KW, is: FN },
        { oldCode: 'fio', is: null },
        { transitionPatch: DEMO },
      ],
    },
    {
      do: { event: true },
      caption: `force does not complete the transition; the next retry does. ${KW} still runs the old busymod_work_func, yet the newest kernels mark as forced only the patches a forced transition removes: none here, so no module is pinned.`,
      fn: 'klp_complete_transition',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks', 'patches'], actors: [{ task: KW }, { patch: DEMO }] },
      claims: [
        { log: `livepatch: '${DEMO}': patching complete` },
        { transitionPatch: null },
        { oldCode: KW, is: FN },
        { card: DEMO, on: 'stack', tone: 'enabled', forced: false },
        { moduleRef: DEMO, is: 1, pinned: false },
      ],
    },
    {
      do: { command: `insmod test_modules/${DEMO2}.ko replace=1` },
      caption: `A cumulative patch, ${DEMO2}, comes to replace ${DEMO}: for busymod_work_func it has a nop, meaning the original code. ${KW} switches at once, since klp_check_stack() looks for demo's replacement and the kworker still runs the original.`,
      fn: 'klp_check_stack',
      focus: { views: ['tasks', 'funcs'], actors: [{ task: KW }, { func: FN }, { patch: DEMO2 }] },
      claims: [
        { transitionPatch: DEMO2 },
        { funcStack: FN, is: [`${DEMO2} (nop)`, DEMO], transition: true },
        { mark: KW, in: 'patched' },
        { oldCode: KW, is: null },
        { pendingShown: [...IDLE, 'fio'] },
      ],
    },
    {
      do: { command: `echo 1 > /sys/kernel/livepatch/${DEMO2}/force` },
      caption: `An impatient force. klp_force_transition() also marks forced the patch this transition removes, ${DEMO}: the kernel cannot know whether a task still runs its code.`,
      fn: 'klp_force_transition',
      focus: { views: ['patches', 'tasks'], actors: [{ patch: DEMO }, { patch: DEMO2 }] },
      claims: [
        { log: 'livepatch: forcing remaining tasks to the patched state' },
        { card: DEMO, on: 'stack', forced: true },
        { card: DEMO2, on: 'stack', tone: 'patching', forced: false },
        { switched: 50, of: 50 },
      ],
    },
    {
      do: { advance: 1 },
      caption: `A second later the retry completes the replace: klp_unpatch_replaced_patches() takes ${DEMO} off klp_patches silently, with no transition and no callbacks, and its free_work is queued.`,
      fn: 'klp_unpatch_replaced_patches',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['patches', 'free'], actors: [{ patch: DEMO }, { patch: DEMO2 }] },
      claims: [
        { log: `livepatch: '${DEMO2}': patching complete` },
        { card: DEMO, on: 'offList', replacedBy: DEMO2, forced: true },
        { card: DEMO2, on: 'stack', top: true, tone: 'enabled' },
        { freeWork: [DEMO] },
        { funcStack: FN, is: [] },
      ],
    },
    {
      do: { event: true },
      caption: `free_work runs klp_free_patch_finish(): ${DEMO}'s directory goes, but for a forced patch it skips module_put(). The module's refcnt stays 1.`,
      fn: 'klp_free_patch_finish',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['free', 'modules'], actors: [{ patch: DEMO }, { module: DEMO }] },
      claims: [
        { file: `${LP}/enabled`, equals: null },
        { refcnt: DEMO, is: 1 },
        { freePhase: DEMO, is: 'freed', modulePut: 'skipped' },
        { card: DEMO, on: 'none' },
        { moduleRef: DEMO, is: 1, pinned: true },
      ],
    },
    {
      do: { command: `rmmod ${DEMO}` },
      caption: 'And so its module can never be removed: its code may still be running somewhere. Until the next reboot.',
      fn: 'delete_module',
      focus: { views: ['modules', 'shell'], actors: [{ module: DEMO }] },
      claims: [{ term: `rmmod: ERROR: Module ${DEMO} is in use` }, { moduleRef: DEMO, is: 1, pinned: true }],
    },
  ],
};
