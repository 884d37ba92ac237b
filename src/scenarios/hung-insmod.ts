import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_CORE, LIVEPATCH_TRANSITION, HUNG_TASK, TEST_KLP_CALLBACKS_DEMO } from '../kernel/words';

const DEMO = 'test_klp_callbacks_demo';
const BUSY = 'test_klp_callbacks_busy';

export const hungInsmod: TimelineScenario = {
  kind: 'timeline',
  id: 'hung-insmod',
  title: 'A hung insmod',
  summary:
    "A module whose init waits for a function a patch already replaced: insmod sleeps in D state for good, the module stays coming, rmmod and SIGKILL cannot help, and khungtaskd reports it.",
  setup: { config: {}, selftest: true, lines: [`insmod test_modules/${DEMO}.ko`] },
  intro:
    `${DEMO} is enabled. Among others it patches busymod_work_func() of ${BUSY}, a module not loaded yet. That module's init queues busymod_work_func() as a work item and waits until it has started, which the original function signals by calling complete().`,
  introFocus: { views: ['patches', 'modules'], actors: [{ patch: DEMO }] },
  steps: [
    {
      do: { command: `insmod test_modules/${BUSY}.ko block_transition=Y &` },
      caption:
        "As the module comes, the demo's patch is applied to it first. Its init queues the work and sleeps in wait_for_completion() until the work has started; but the kworker runs the demo's patched_work_func(), which never calls complete. insmod, in the background, will never return.",
      fn: 'wait_for_completion',
      file: 'kernel/sched/completion.c',
      focus: { views: ['log', 'modules'], actors: [{ module: BUSY }] },
      claims: [
        { term: '[1] ' },
        said(LIVEPATCH_CORE.applyingToLoading, { patch: DEMO, module: BUSY }),
        said(TEST_KLP_CALLBACKS_DEMO.patchedWorkFunc, {}, { modname: DEMO }),
        { noLog: 'busymod_work_func enter' },
        { object: `${DEMO}/${BUSY}`, loaded: true, patched: true },
      ],
    },
    {
      do: { command: `jobs -l; cat /sys/module/${BUSY}/initstate` },
      caption:
        "bash lists the job as Running: insmod has not come back from the finit_module system call. The module's initstate reads coming: do_init_module() makes a module live only after its init has returned.",
      fn: 'do_init_module',
      file: 'kernel/module/main.c',
      focus: { views: ['shell', 'modules'], actors: [{ module: BUSY }] },
      claims: [{ term: 'Running' }, { termLine: 'coming' }, { file: `/sys/module/${BUSY}/initstate`, equals: 'coming' }],
    },
    {
      do: { command: 'grep State /proc/$!/status' },
      caption:
        "proc_pid_status() reports insmod's state as D, disk sleep: TASK_UNINTERRUPTIBLE, the sleep wait_for_completion() uses. Only the complete call it waits for can end it; no signal can.",
      fn: 'proc_pid_status',
      file: 'fs/proc/array.c',
      focus: { views: ['shell', 'modules'], actors: [{ module: BUSY }] },
      claims: [{ termLine: 'State:\tD (disk sleep)' }],
    },
    {
      do: { command: 'cat /proc/$!/stack' },
      caption:
        "Its kernel stack, as proc_pid_stack() prints it, shows where it waits: in the module's init, called by do_one_initcall from do_init_module(), inside the finit_module system call.",
      fn: 'proc_pid_stack',
      file: 'fs/proc/base.c',
      focus: { views: ['shell', 'modules'], actors: [{ module: BUSY }] },
      claims: [{ term: 'test_klp_callbacks_busy_init+' }, { term: 'do_init_module+' }],
    },
    {
      do: { command: `rmmod ${BUSY}; rmmod -f ${BUSY}` },
      caption:
        'rmmod refuses: the module\'s refcnt is 1, the reference it holds on itself while init runs. Forced, rmmod calls the system call anyway, and delete_module() lets only a live module go: EBUSY.',
      fn: 'delete_module',
      file: 'kernel/module/main.c',
      focus: { views: ['shell', 'modules'], actors: [{ module: BUSY }] },
      claims: [
        { term: `rmmod: ERROR: Module ${BUSY} is in use` },
        { term: `rmmod: ERROR: could not remove module ${BUSY}: Device or resource busy` },
        { moduleRef: BUSY, is: 1 },
      ],
    },
    {
      do: { command: 'kill -9 $!; grep State /proc/$!/status' },
      caption:
        'Nor does SIGKILL end it. signal_wake_up_state() sets TIF_SIGPENDING but wakes a task only from an interruptible or killable sleep: the signal stays pending, and insmod sleeps on in D state.',
      fn: 'signal_wake_up_state',
      file: 'kernel/signal.c',
      focus: { views: ['shell', 'modules'], actors: [{ module: BUSY }] },
      claims: [{ termLine: 'State:\tD (disk sleep)' }, { file: `/sys/module/${BUSY}/initstate`, equals: 'coming' }],
    },
    {
      do: { advance: 240 },
      caption:
        "Four minutes pass. khungtaskd wakes every hung_task_timeout_secs, 120, and check_hung_uninterruptible_tasks() reports a D-state task that has not run since its previous check: the first check only noted insmod, the second reports it, with its stack.",
      fn: 'check_hung_uninterruptible_tasks',
      file: 'kernel/hung_task.c',
      focus: { views: ['log'] },
      claims: [
        { log: 'INFO: task insmod:' },
        { log: 'blocked for more than 120 seconds.' },
        said(HUNG_TASK.disables),
      ],
    },
    {
      do: { command: `echo 0 > /sys/kernel/livepatch/${DEMO}/enabled; sleep 2; grep State /proc/$!/status` },
      caption:
        "Disabling the patch: its unpatching transition completes, and busymod_work_func() would run its own code again. Too late for insmod: patched_work_func() ran and returned long ago, and nothing will ever complete what init waits for. It stays in D state until the machine reboots.",
      fn: '__klp_disable_patch',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['patches', 'shell'], actors: [{ patch: DEMO }] },
      claims: [
        said(LIVEPATCH_TRANSITION.complete, { patch: DEMO, state: 'unpatching' }),
        { card: DEMO, on: 'none' },
        { termLine: 'State:\tD (disk sleep)' },
        { file: `/sys/module/${BUSY}/initstate`, equals: 'coming' },
      ],
    },
  ],
};
