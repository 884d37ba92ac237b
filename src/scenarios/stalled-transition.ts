import type { TimelineScenario } from './types';

const DEMO = 'test_klp_callbacks_demo';
const LP = `/sys/kernel/livepatch/${DEMO}`;

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
  steps: [
    {
      do: { command: 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y' },
      caption: 'The module queues busymod_work_func on the system workqueue; a kworker runs it and stays inside it, sleeping in msleep(20) while block_transition is set.',
      fn: 'busymod_work_func',
      claims: [{ log: 'test_klp_callbacks_busy: busymod_work_func enter' }],
    },
    {
      do: { command: `insmod test_modules/${DEMO}.ko` },
      caption:
        "klp_enable_patch(): pre_patch callbacks for vmlinux and the busy module, then klp_start_transition(). The first klp_try_complete_transition() cannot switch the kworker: klp_check_stack() finds busymod_work_func on its stack. fio's stack is unreliable, and the idle CPUs are running.",
      fn: 'klp_check_stack',
      file: 'kernel/livepatch/transition.c',
      claims: [{ log: `livepatch: '${DEMO}': starting patching transition` }, { taskPending: 'fio', is: true }],
    },
    {
      do: { settle: true },
      caption:
        'The idle CPUs go round their loop and switch. The retry a second later finds the kworker and fio where they were: nothing would change, so the transition simply waits. It stalls.',
      fn: 'klp_transition_work_fn',
      claims: [{ pending: 2 }, { file: `${LP}/transition`, equals: '1' }],
    },
    {
      do: { advance: 14 },
      caption: 'Fourteen seconds: fourteen retries, each calling klp_try_complete_transition() and rescheduling itself with round_jiffies_relative(HZ).',
      fn: 'klp_try_complete_transition',
      claims: [{ noLog: 'signaling remaining tasks' }, { pending: 2 }],
    },
    {
      do: { advance: 1 },
      caption:
        "The 15th retry: klp_send_signals(). It prints 'signaling remaining tasks' once, sets TIF_NOTIFY_SIGNAL on pending user tasks (fio) and wakes pending kthreads that sleep interruptibly. The kworker sleeps in msleep(), TASK_UNINTERRUPTIBLE: it does not even wake.",
      fn: 'klp_send_signals',
      file: 'kernel/livepatch/transition.c',
      claims: [{ log: 'livepatch: signaling remaining tasks' }],
    },
    {
      do: { event: true },
      caption: "fio's read is interrupted; on its way back to user space exit_to_user_mode() calls klp_update_patch_state(): it switches without any stack check. Then it reads again.",
      fn: 'klp_update_patch_state',
      claims: [{ taskPending: 'fio', is: false }, { pending: 1 }],
    },
    {
      do: { command: `echo 1 > ${LP}/force` },
      caption:
        "The kworker will never switch on its own. force_store() → klp_force_transition() switches every pending task as it is, 'forcing remaining tasks to the patched state' — the consistency model is broken on purpose: the kworker keeps running the old busymod_work_func.",
      fn: 'klp_force_transition',
      file: 'kernel/livepatch/transition.c',
      claims: [{ log: 'livepatch: forcing remaining tasks to the patched state' }, { pending: 0 }],
    },
    {
      do: { settle: true },
      caption:
        'force does not complete the transition itself; the next retry does. In the newest kernels a forced transition marks only the patches it removes; this one removed none, so no module is pinned (from 5.1 to 5.16, every patch on the list was).',
      fn: 'klp_complete_transition',
      claims: [{ log: `livepatch: '${DEMO}': patching complete` }, { transitionPatch: null }],
    },
    {
      do: { command: 'insmod test_modules/test_klp_callbacks_demo2.ko replace=1' },
      caption: 'Now an atomic-replace patch that replaces everything. Its transition starts; a few tasks (the idle CPUs) have not switched yet.',
      fn: 'klp_enable_patch',
      claims: [{ transitionPatch: 'test_klp_callbacks_demo2' }],
    },
    {
      do: { command: 'echo 1 > /sys/kernel/livepatch/test_klp_callbacks_demo2/force' },
      caption:
        "An impatient force. klp_force_transition() marks the patches this transition removes — the replaced test_klp_callbacks_demo — as forced: the kernel cannot know whether a task still runs that patch's code.",
      fn: 'klp_force_transition',
      claims: [{ log: 'livepatch: forcing remaining tasks to the patched state' }],
    },
    {
      do: { settle: true },
      caption:
        "The replace completes; the replaced patch is disabled silently and freed by its free_work — but klp_free_patch_finish() skips module_put() for a forced patch.",
      fn: 'klp_free_patch_finish',
      claims: [{ file: `${LP}/enabled`, equals: null }, { refcnt: DEMO, is: 1 }],
    },
    {
      do: { command: `rmmod ${DEMO}` },
      caption: 'And so its module can never be removed: its code may still be running somewhere. Until the next reboot.',
      fn: 'module_put',
      claims: [{ term: `rmmod: ERROR: Module ${DEMO} is in use` }],
    },
  ],
};
