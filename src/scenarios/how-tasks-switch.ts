import { FACTS, range, since } from '../kernel/release/facts';
import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_TRANSITION } from '../kernel/words';

const P = 'test_klp_livepatch';
/** The selftests' user-space helper; its comm is cut to TASK_COMM_LEN - 1 characters. */
const HELPER = 'test_klp-call_g';
const XZ = 'xz';
const KSMD = 'ksmd';
const IDLE = 'swapper/4';

export const howTasksSwitch: TimelineScenario = {
  kind: 'timeline',
  id: 'how-tasks-switch',
  title: 'How tasks switch',
  summary:
    'A normal patching transition task by task: stack checks for sleepers, the way back to user space, the idle loop, a busy kthread going to sleep, and what a forked child inherits.',
  setup: {
    config: { cpus: 5 },
    selftest: true,
    // The selftests silence klp_try_switch_task()'s pr_debug; here the log may say why a task waits.
    lines: ["echo 'func klp_try_switch_task +p' > /sys/kernel/debug/dynamic_debug/control", './test_klp-call_getpid &'],
    tasks: [
      { comm: XZ, kind: 'user', sleepsIn: [], state: 'R', cpu: 2 },
      { comm: KSMD, kind: 'kthread', sleepsIn: ['ksm_scan_thread', 'ksm_do_scan'], state: 'R', cpu: 3, freezable: true },
    ],
  },
  intro:
    "Five CPUs. The shell is on CPU 0. On CPU 1 the selftests' helper, test_klp-call_getpid, started in the background, calls getpid() in a loop; xz compresses a file on CPU 2, all in user space; ksmd, the kernel thread that merges identical pages, is in the middle of a scan on CPU 3. CPU 4 is idle; every other task sleeps. The log shows klp_try_switch_task()'s debug messages, which the selftests turn off.",
  introFocus: { views: ['tasks'], actors: [{ task: HELPER }, { task: XZ }, { task: KSMD }] },
  steps: [
    {
      do: { command: 'cat /proc/$!/patch_state' },
      caption:
        "Each task has a patch_state, which /proc/<pid>/patch_state shows through proc_pid_patch_state(). The helper's is -1, KLP_TRANSITION_IDLE: outside a transition every task's is.",
      fn: 'proc_pid_patch_state',
      file: 'fs/proc/base.c',
      focus: { views: ['shell', 'tasks'], actors: [{ task: HELPER }] },
      claims: [{ termLine: '-1' }, { mark: HELPER, in: 'none' }],
    },
    {
      do: { command: `insmod test_modules/${P}.ko` },
      caption:
        "The first try, klp_try_complete_transition(), runs klp_try_switch_task() on every task. A task off its CPU has its stack saved (stack_trace_save_tsk_reliable) and searched for cmdline_proc_show: none holds it, so each switches. A task on a CPU cannot be checked; the log says 'is running' for the helper, xz, ksmd and swapper/4.",
      fn: 'klp_try_switch_task',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks', 'log'], actors: [{ task: XZ }, { task: KSMD }, { task: IDLE }] },
      claims: [
        said(LIVEPATCH_TRANSITION.starting, { patch: P, state: 'patching' }),
        { log: `klp_try_switch_task: ${KSMD}:` },
        { pendingShown: [HELPER, XZ, KSMD, IDLE] },
        { blocker: XZ, is: 'running' },
        { blocker: KSMD, is: 'running' },
        { blocker: IDLE, is: 'running' },
        { mark: 'bash', in: 'patched' },
        { mark: 'swapper/2', in: 'patched' },
      ],
    },
    {
      do: { command: 'cat /proc/self/patch_state /proc/$!/patch_state' },
      caption:
        'bash forks cat. klp_copy_process() gives the child its parent\'s patch_state and TIF_PATCH_PENDING: bash, asleep while insmod ran, switched in the first try, so cat starts patched and reads 1 for itself. The helper, not switched yet, reads 0.',
      fn: 'klp_copy_process',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['shell', 'tasks'], actors: [{ task: 'bash' }, { task: HELPER }] },
      claims: [{ termLine: '1' }, { termLine: '0' }, { mark: HELPER, in: 'unpatched' }],
    },
    {
      do: { event: true },
      caption:
        'The helper\'s getpid returns. On the way back to user space exit_to_user_mode_loop() finds TIF_PATCH_PENDING and calls klp_update_patch_state(): the helper switches without a stack check, since no kernel function is left on its stack.',
      fn: 'exit_to_user_mode_loop',
      file: 'kernel/entry/common.c',
      focus: { views: ['tasks', 'state'], actors: [{ task: HELPER }] },
      claims: [{ mark: HELPER, in: 'patched' }, { taskPending: HELPER, is: false }, { pendingShown: [XZ, KSMD, IDLE] }],
    },
    {
      do: { event: true },
      caption:
        `The first try also kicked idle CPU 4 (wake_up_if_idle, ${since(FACTS.idleKick)}). Its idle task goes round do_idle(), which ends by calling klp_update_patch_state() for a pending idle task: swapper/4 switches.`,
      fn: 'do_idle',
      file: 'kernel/sched/idle.c',
      focus: { views: ['tasks', 'state'], actors: [{ task: IDLE }] },
      claims: [{ mark: IDLE, in: 'patched' }, { pendingShown: [XZ, KSMD] }],
    },
    {
      do: { event: true },
      caption:
        'xz makes no system call, but the timer tick interrupts it every 4 ms (CONFIG_HZ=250, the default). The way back from the interrupt to user space goes through the same exit_to_user_mode_loop(): xz switches too.',
      fn: 'exit_to_user_mode_loop',
      file: 'kernel/entry/common.c',
      focus: { views: ['tasks', 'state'], actors: [{ task: XZ }] },
      claims: [{ mark: XZ, in: 'patched' }, { pendingShown: [KSMD] }],
    },
    {
      do: { event: true },
      caption:
        `ksmd ends its pass and goes to a freezable sleep in wait_event_freezable_timeout. In a transition, __schedule() then calls __klp_sched_try_switch(): ksmd checks its own stack and switches. That is ${since(FACTS.schedTrySwitch)}; ${range(FACTS.condReschedSwitch)} switched it at its next cond_resched, and before ${FACTS.condReschedSwitch.since} a retry had to find it asleep.`,
      fn: '__klp_sched_try_switch',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks', 'state'], actors: [{ task: KSMD }] },
      claims: [{ mark: KSMD, in: 'patched' }, { pendingShown: [] }, { pending: 0 }, { transitionPatch: P }],
    },
    {
      do: { event: true },
      caption:
        'A second after the first try, klp_transition_work_fn() tries again and finds every task switched: klp_complete_transition() ends the transition, and every patch_state is -1 again.',
      fn: 'klp_complete_transition',
      file: 'kernel/livepatch/transition.c',
      focus: { views: ['tasks', 'patches'], actors: [{ patch: P }] },
      claims: [
        said(LIVEPATCH_TRANSITION.complete, { patch: P, state: 'patching' }),
        { transitionPatch: null },
        { card: P, on: 'stack', tone: 'enabled' },
        { file: '/proc/1/patch_state', equals: '-1' },
        { mark: KSMD, in: 'none' },
      ],
    },
  ],
};
