/**
 * kernel/workqueue.c, as far as livepatch sees it: a kworker's call chain
 * while process_one_work() runs a work function, and the kernel's own work
 * functions (klp_transition_work_fn, klp_free_patch_work_fn) run on a kworker
 * of a CPU. A module's work items are module/work.ts; picking or forking the
 * kworker is the Kernel's (pickWorker()).
 */
import type { Kernel } from '../kernel';
import { VMLINUX } from './code';
import { KTHREAD_SITES, type Task } from './tasks';
import { reenter } from './task-events';

/** The kworker is back in worker_thread(), asleep. */
export function idleWorker(task: Task): void {
  task.calls = [...KTHREAD_SITES.worker.chain];
  task.chain = [...KTHREAD_SITES.worker.chain];
  task.state = 'S';
}

/** The worker's call chain while it runs `fn` of `obj` from process_one_work(). */
export function workerRuns(k: Kernel, worker: Task, obj: string, fn: string, more: string[] = []): void {
  const base = KTHREAD_SITES.worker.chain.slice(0, KTHREAD_SITES.worker.loopAt + 1);
  worker.calls = [...base, { obj: VMLINUX, fn: 'process_one_work' }, { obj, fn }, ...more.map((f) => ({ obj: VMLINUX, fn: f }))];
  reenter(k, worker, base.length);
}

/** Runs a kernel work function on a kworker of the CPU, as current. */
export function runWork(k: Kernel, cpu: number, fn: string, body: () => void): void {
  const worker = k.pickWorker(cpu);
  workerRuns(k, worker, VMLINUX, fn);
  worker.state = 'R';
  try {
    k.runAs(worker, body);
  } finally {
    idleWorker(worker);
  }
}
