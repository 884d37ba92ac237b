import { FACTS, range, since } from '../kernel/release/facts';
import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_TRANSITION, TEST_KLP_CALLBACKS_BUSY } from '../kernel/words';

const BUSY = 'test_klp_callbacks_busy';
const DEMO = 'test_klp_callbacks_demo';
const DEMO2 = 'test_klp_callbacks_demo2';
const LP = `/sys/kernel/livepatch/${DEMO}`;
const FN = 'busymod_work_func';
const KW = 'kworker/0:1';
const IDLE = ['swapper/1', 'swapper/2', 'swapper/3'];
/**
 * A user process reading its stdin, an empty pipe: it sleeps interruptibly (S)
 * in pipe_read. A bpftrace fexit probe on vfs_read() has put a BPF trampoline
 * between ksys_read and vfs_read; that JIT code has no ORC data, so the
 * unwinder cannot vouch for the stack and stack_trace_save_tsk_reliable()
 * fails (a sleeping user task's stack is otherwise reliable with ORC). The
 * fake signal wakes it (an interruptible sleep), the read returns to restart,
 * and exit_to_user_mode_loop() switches it with no stack check.
 */
const LOGGER = 'logger';
const TRAMPOLINE = 'bpf_trampoline_6442522835';

export const stalledTransition: TimelineScenario = {
  kind: 'timeline',
  id: 'stalled-transition',
  title: 'A stalled transition',
  summary: 'A kworker sleeping in the patched function and a user task with an unreliable stack block the transition; retries, the fake signal, force, and what force pins.',
  setup: {
    config: {},
    selftest: true,
    lines: [],
    tasks: [{ comm: LOGGER, kind: 'user', sleepsIn: ['ksys_read', TRAMPOLINE, 'vfs_read', 'pipe_read'], state: 'S', unreliable: true }],
  },
  intro:
    "The selftests' busy module runs a work item that loops in msleep() inside busymod_work_func(). We patch that very function. There is also logger, a user process asleep reading an empty pipe; a bpftrace fexit probe on vfs_read() put a BPF trampoline on its stack, JIT code the ORC unwinder has no data for, so its stack is unreliable.",
  introFocus: { views: ['tasks'], actors: [{ task: LOGGER }, { task: KW }] },
  steps: [
    {
      do: { command: `insmod test_modules/${BUSY}.ko block_transition=Y` },
      caption: `The module queues busymod_work_func() on the system workqueue; ${KW} runs it and stays inside it, sleeping in msleep(20) while block_transition is set.`,
      fn: FN,
      focus: { views: ['tasks', 'modules'], actors: [{ task: KW }, { module: BUSY }] },
      claims: [said(TEST_KLP_CALLBACKS_BUSY.workEnter, {}, { modname: BUSY }), { inStack: KW, fn: FN }, { moduleRef: BUSY, is: 0 }],
    },
    {
      do: { command: `insmod test_modules/${DEMO}.ko` },
      caption: `klp_enable_patch() starts the transition, and its first try cannot switch ${KW}: klp_check_stack() finds busymod_work_func on its stack. Nor logger, whose stack holds a BPF trampoline with no ORC data (unreliable), nor the three idle tasks running on their CPUs.`,
      fn: 'klp_check_stack',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks', 'patches'], actors: [{ task: KW }, { task: LOGGER }, { patch: DEMO }] },
      claims: [
        said(LIVEPATCH_TRANSITION.starting, { patch: DEMO, state: 'patching' }),
        { taskPending: LOGGER, is: true },
        { card: DEMO, on: 'stack', tone: 'patching' },
        { funcStack: FN, is: [DEMO], transition: true },
        { switched: 45, of: 50 },
        { pendingShown: [...IDLE, KW, LOGGER] },
        { blocker: KW, is: 'sleeping', on: FN },
        { blocker: LOGGER, is: 'unreliable' },
        { mark: KW, in: 'unpatched' },
        { mark: LOGGER, in: 'unpatched' },
      ],
    },
    {
      do: { settle: true },
      caption: `The idle tasks switch in do_idle(). ${KW} and logger stay where they are, so the transition stalls: klp_transition_work_fn() will try again in a second, and every second after.`,
      fn: 'klp_transition_work_fn',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks'], actors: [{ task: KW }, { task: LOGGER }] },
      claims: [
        { pending: 2 },
        { file: `${LP}/transition`, equals: '1' },
        { switched: 48, of: 50 },
        { pendingShown: [KW, LOGGER] },
        { mark: 'swapper/1', in: 'patched' },
        { tries: 1, nextTryIn: 1 },
      ],
    },
    {
      do: { advance: 14 },
      caption: `Fourteen seconds pass: fourteen more tries, one a second, each klp_try_complete_transition() finding ${KW} and logger as before. klp_signals_cnt counts the tries, the first one included: 15.`,
      fn: 'klp_try_complete_transition',
      focus: { views: ['tasks', 'state'], actors: [{ state: 'klp_signals_cnt' }, { task: KW }, { task: LOGGER }] },
      claims: [{ noLog: 'signaling remaining tasks' }, { pending: 2 }, { pendingShown: [KW, LOGGER] }, { signalled: LOGGER, is: false }, { tries: 15, nextTryIn: 1 }],
    },
    {
      do: { event: true },
      caption: `The 16th try finds klp_signals_cnt at 15 and calls klp_send_signals(): logger, asleep interruptibly in pipe_read, gets a fake signal (TIF_NOTIFY_SIGNAL) that wakes it. ${KW} sleeps uninterruptibly in msleep, so it is not even woken.`,
      fn: 'klp_send_signals',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks'], actors: [{ task: LOGGER }, { task: KW }] },
      claims: [
        said(LIVEPATCH_TRANSITION.signaling),
        { taskPending: LOGGER, is: true },
        { signalled: LOGGER, is: true },
        { mark: LOGGER, in: 'unpatched' },
        { pendingShown: [KW, LOGGER] },
        { tries: 16 },
      ],
    },
    {
      do: { event: true },
      caption:
        "logger's read is interrupted. On its way back to user space exit_to_user_mode_loop() calls klp_update_patch_state(): logger switches with no stack check, and its read restarts in the patched universe.",
      fn: 'klp_update_patch_state',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks'], actors: [{ task: LOGGER }] },
      claims: [
        { taskPending: LOGGER, is: false },
        { pending: 1 },
        { signalled: LOGGER, is: false },
        { mark: LOGGER, in: 'patched' },
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
        said(LIVEPATCH_TRANSITION.forcing),
        { pending: 0 },
        { switched: 50, of: 50 },
        { mark: KW, in: 'patched' },
        { oldCode: KW, is: FN },
        { oldCode: LOGGER, is: null },
        { transitionPatch: DEMO },
      ],
    },
    {
      do: { event: true },
      caption: `force does not complete the transition; the next try does. ${KW} still runs the old busymod_work_func, yet ${since(FACTS.forceMarksRemoved)} force marks only the patches a forced transition removes (${range(FACTS.forceMarksEveryPatch)} marked every patch): none here, so ${DEMO}'s module may still be removed once it is disabled.`,
      fn: 'klp_complete_transition',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks', 'patches'], actors: [{ task: KW }, { patch: DEMO }] },
      claims: [
        said(LIVEPATCH_TRANSITION.complete, { patch: DEMO, state: 'patching' }),
        { transitionPatch: null },
        { oldCode: KW, is: FN },
        { card: DEMO, on: 'stack', tone: 'enabled', forced: false },
        { moduleRef: DEMO, is: 1, pinned: false },
      ],
    },
    {
      do: { command: `insmod test_modules/${DEMO2}.ko replace=1` },
      caption: `A cumulative patch, ${DEMO2}, comes to replace ${DEMO}: for busymod_work_func it has a nop, meaning the original code. ${KW} switches at once: klp_check_stack() looks for the code being replaced, ${DEMO}'s new function, and the kworker still runs the original.`,
      fn: 'klp_check_stack',
      focus: { views: ['tasks', 'funcs'], actors: [{ task: KW }, { func: FN }, { patch: DEMO2 }] },
      claims: [
        { transitionPatch: DEMO2 },
        { funcStack: FN, is: [`${DEMO2} (nop)`, DEMO], transition: true },
        { mark: KW, in: 'patched' },
        { oldCode: KW, is: null },
        { pendingShown: [...IDLE, LOGGER] },
      ],
    },
    {
      do: { command: `echo 1 > /sys/kernel/livepatch/${DEMO2}/force` },
      caption: `An impatient force. klp_force_transition() also marks forced the patch this transition removes, ${DEMO}: the kernel cannot know whether a task still runs its code.`,
      fn: 'klp_force_transition',
      focus: { views: ['patches', 'tasks'], actors: [{ patch: DEMO }, { patch: DEMO2 }] },
      claims: [
        said(LIVEPATCH_TRANSITION.forcing),
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
        said(LIVEPATCH_TRANSITION.complete, { patch: DEMO2, state: 'patching' }),
        { card: DEMO, on: 'offList', replacedBy: DEMO2, forced: true },
        { card: DEMO2, on: 'stack', top: true, tone: 'enabled' },
        { freeWork: [DEMO] },
        { funcStack: FN, is: [] },
      ],
    },
    {
      do: { event: true },
      caption: `free_work runs klp_free_patch_finish(): ${DEMO} is freed, but for a forced patch it skips module_put(). The module's refcnt stays 1.`,
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
