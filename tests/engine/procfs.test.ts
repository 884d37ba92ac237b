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
