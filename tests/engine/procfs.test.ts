/**
 * /proc as a real kernel shows it. Where a test quotes the real kernel, the
 * words are what Debian 12's 6.1 kernel (../shared/realkernel/ask.sh) printed.
 */
import { describe, expect, it } from 'vitest';
import { machine } from './machine';

const status = (m: ReturnType<typeof machine>, pid: number) =>
  Object.fromEntries(m.read(`/proc/${pid}/status`)!.trim().split('\n').map((l) => l.split(':\t') as [string, string]));

describe('/proc/<pid>/status', () => {
  it('kernel threads are children of kthreadd (PPid: 2); kthreadd and init have PPid 0', () => {
    // Real 6.1: kthreadd "Pid: 2, PPid: 0"; rcu_gp, kworker/*, ksoftirqd/*, khungtaskd … "PPid: 2".
    const m = machine();
    const kthreadd = m.k.tasks.find((t) => t.comm === 'kthreadd')!;
    expect(kthreadd.pid).toBe(2);
    expect(status(m, 2).PPid).toBe('0');
    expect(status(m, 1).PPid).toBe('0');
    for (const t of m.k.tasks.filter((t) => t.kind === 'kthread' && t !== kthreadd)) expect(status(m, t.pid).PPid, t.comm).toBe('2');
    // A kworker created later (a busy pool) is kthreadd's child too.
    const before = new Set(m.k.tasks.map((t) => t.pid));
    let fresh = m.k.pickWorker(0);
    while (before.has(fresh.pid)) {
      fresh.state = 'R';
      fresh = m.k.pickWorker(0);
    }
    expect(status(m, fresh.pid).PPid).toBe('2');
  });
});

describe('/proc/<pid>/stack', () => {
  const frames = (m: ReturnType<typeof machine>, pid: number) =>
    m.read(`/proc/${pid}/stack`)!.trim().split('\n').map((l) => /^\[<0>\] (\S+?)\+0x[0-9a-f]+\/0x[0-9a-f]+( \[\S+\])?$/.exec(l)![1]! + (/ \[(\S+)\]$/.exec(l)?.[0] ?? ''));

  it('leaves out the scheduler functions: a kworker in msleep() starts at msleep, not schedule', () => {
    // Real 6.1, the kworker running busymod_work_func with block_transition=Y:
    //   [<0>] msleep+0x29/0x40
    //   [<0>] busymod_work_func+0x38/0x4d [test_klp_callbacks_busy]
    //   [<0>] process_one_work+0x1c7/0x380
    //   [<0>] worker_thread+0x4d/0x380
    //   [<0>] kthread+0xda/0x100
    //   [<0>] ret_from_fork+0x22/0x30
    // (mainline since 6.7 adds ret_from_fork_asm below ret_from_fork).
    const m = machine({ selftest: true });
    m.run('insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
    const worker = m.k.tasks.find((t) => t.chain.some((f) => f.fn === 'busymod_work_func'))!;
    expect(frames(m, worker.pid)).toEqual([
      'msleep',
      'busymod_work_func [test_klp_callbacks_busy]',
      'process_one_work',
      'worker_thread',
      'kthread',
      'ret_from_fork',
      'ret_from_fork_asm',
    ]);
    // The stack checker still sees every frame, schedule_timeout() and schedule() included.
    expect(worker.chain.map((f) => f.fn).slice(-3)).toEqual(['msleep', 'schedule_timeout', 'schedule']);
  });

  it('a task asleep in a system call starts at the function that called into the scheduler', () => {
    // Real 6.1, bash waiting for its child: do_wait, kernel_wait4, __do_sys_wait4, do_syscall_64,
    // entry_SYSCALL_64_after_hwframe; `sleep 100`: hrtimer_nanosleep, common_nsleep,
    // __x64_sys_clock_nanosleep, …; rcu_preempt: rcu_gp_fqs_loop, rcu_gp_kthread, kthread, ret_from_fork.
    const m = machine();
    expect(frames(m, m.k.loginShell.pid)[0]).toBe('do_wait');
    const cron = m.k.tasks.find((t) => t.comm === 'cron')!;
    expect(frames(m, cron.pid).slice(0, 2)).toEqual(['hrtimer_nanosleep', 'common_nsleep']);
    const rcu = m.k.tasks.find((t) => t.comm === 'rcu_preempt')!;
    expect(frames(m, rcu.pid)[0]).toBe('rcu_gp_fqs_loop');
    for (const t of m.k.tasks) for (const f of frames(m, t.pid)) expect(f).not.toMatch(/^(schedule|schedule_timeout|schedule_hrtimeout_range|do_nanosleep)$/);
  });
});
