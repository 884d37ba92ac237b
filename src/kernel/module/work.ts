/**
 * A module's work items on the system workqueue. The modules in the
 * catalogue wait for their work to start (wait_for_completion()), so it runs
 * at once on a kworker; a work function that keeps sleeping in a loop
 * (busymod_work_func with block_transition set) leaves that kworker asleep
 * inside it, which is what stalls a transition.
 */
import type { Kernel } from '../kernel';
import type { WorkFn } from '../catalog/api';
import { moduleApi } from './api';
import type { LoadedModule, ModuleWork } from './types';
import { idleWorker, workerRuns } from '../world/workqueue';
import { sameCode } from '../world/code';
import { resolveCall } from '../livepatch/patch';
import { jiffiesToUsec } from '../world/jiffies';

/** msleep(20) granularity: how soon a sleeping work loop notices its condition changed. */
const MSLEEP = 20_000;

export function startWork(k: Kernel, mod: LoadedModule, name: string, fn: WorkFn): void {
  const worker = k.pickWorker(k.current?.cpu ?? 0);
  const work: ModuleWork = { name, worker: null, blockedWhile: null, then: null };
  mod.works.set(name, work);
  workerRuns(k, worker, mod.name, name);
  worker.state = 'R';
  // process_one_work() calls work->func: a livepatch may redirect it like any call.
  const code = { obj: mod.name, fn: name };
  if (!sameCode(resolveCall(k, worker, code), code)) {
    k.runAs(worker, () => k.callFunction(worker, code, 'process_one_work'));
    idleWorker(worker);
    return;
  }
  const m = moduleApi(k, mod);
  const res = k.runAs(worker, () => fn(m));
  if (res && res.while(m)) {
    workerRuns(k, worker, mod.name, name, res.sleepsIn);
    worker.state = 'D';
    worker.waitingFor = `${mod.name}: ${name}`;
    work.worker = worker;
    work.blockedWhile = res.while;
    work.then = res.then;
    if (res.wakesAfter !== undefined) {
      work.wakesAt = k.now + res.wakesAfter;
      k.schedule(res.wakesAfter, 'timer', `${name}: ${mod.name}`, msleepReturns, mod, work);
    }
    return;
  }
  if (res) k.runAs(worker, () => res.then(m));
  idleWorker(worker);
}

/**
 * schedule_delayed_work(): when the timer expires the work runs on a kworker
 * of CPU 0 (the CPU does not matter to livepatch: every idle kworker sits in
 * worker_thread). Queuing a work that is already pending does nothing.
 */
export function scheduleDelayedWork(k: Kernel, mod: LoadedModule, name: string, delay: number, fn: WorkFn): void {
  if (mod.timers.has(name)) return;
  // __queue_delayed_work(): no delay, no timer: the work is queued at once
  if (delay === 0) return startWork(k, mod, name, fn);
  const ev = k.schedule(jiffiesToUsec(delay), 'delayed-work', `${name}: ${mod.name}`, timerExpires, mod, name, fn);
  mod.timers.set(name, ev);
}

/** delayed_work_timer_fn(): the timer expired, the work runs. */
function timerExpires(k: Kernel, mod: LoadedModule, name: string, fn: WorkFn): void {
  mod.timers.delete(name);
  startWork(k, mod, name, fn);
}

/**
 * cancel_delayed_work_sync(): the timer is stopped; a work function running
 * now asleep in a timed msleep() is waited for: time passes for the caller,
 * with every event due on the way, until it has returned. (The catalogue has
 * no work that sleeps without end and is cancelled: that wait would never end.)
 */
export function cancelDelayedWork(k: Kernel, mod: LoadedModule, name: string): void {
  const ev = mod.timers.get(name);
  if (ev) k.queue.cancel(ev);
  mod.timers.delete(name);
  const work = mod.works.get(name);
  if (!work?.worker || work.wakesAt === undefined) return;
  const caller = k.current;
  for (let next = k.queue.peek(); work.worker && next && next.at <= work.wakesAt; next = k.queue.peek()) k.step();
  k.current = caller;
}

/** The sleeping loop saw its condition gone: it finishes, the kworker goes idle. */
function wake(k: Kernel, mod: LoadedModule, work: ModuleWork): void {
  const worker = work.worker;
  if (!worker || !work.then) return;
  const then = work.then;
  work.worker = null;
  work.blockedWhile = null;
  work.then = null;
  delete work.wakesAt;
  delete worker.waitingFor;
  worker.state = 'R';
  k.runAs(worker, () => then(moduleApi(k, mod)));
  idleWorker(worker);
}

/** flush_work(): returns once the work is done. */
export function finishWork(k: Kernel, mod: LoadedModule, name: string): void {
  const work = mod.works.get(name);
  if (work?.blockedWhile && !work.blockedWhile(moduleApi(k, mod))) wake(k, mod, work);
}

/** After a parameter changed: loops whose condition is gone end at their next msleep(). */
export function pokeWaiters(k: Kernel): void {
  for (const mod of k.modules.values()) {
    for (const work of mod.works.values()) {
      if (!work.blockedWhile || work.blockedWhile(moduleApi(k, mod))) continue;
      k.schedule(MSLEEP, 'task', `${work.name}: ${mod.name}`, msleepReturns, mod, work);
    }
  }
}

/** msleep() returns inside the work's loop, which checks its condition again. */
function msleepReturns(k: Kernel, mod: LoadedModule, work: ModuleWork): void {
  if (work.blockedWhile && !work.blockedWhile(moduleApi(k, mod))) wake(k, mod, work);
}
