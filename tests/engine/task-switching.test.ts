/**
 * How each kind of task reaches the patched universe during a normal
 * transition (kernel/livepatch/transition.c and its callers in current
 * mainline): a sleeping task by a stack check, a user task on its way back
 * to user space (from a system call or an interrupt), an idle task in
 * do_idle(), a busy kthread in __schedule() when it goes to a freezable
 * sleep (klp_sched_try_switch(), since 6.16), and a forked child by
 * inheriting its parent's state (klp_copy_process()).
 */
import { describe, expect, it } from 'vitest';
import { Timeline, type TaskSetup } from '../../src/session/timeline';
import { Shell } from '../../src/kernel/shell/shell';
import { TICK_USEC, BUSY_PASS_USEC } from '../../src/kernel/world/task-events';
import { KLP_TRANSITION_IDLE, KLP_TRANSITION_PATCHED, KLP_TRANSITION_UNPATCHED } from '../../src/kernel/machines/transition.machine';
import type { Task } from '../../src/kernel/world/tasks';

const P = 'test_klp_livepatch';
const XZ: TaskSetup = { comm: 'xz', kind: 'user', sleepsIn: [], state: 'R', cpu: 2 };
const KSMD: TaskSetup = { comm: 'ksmd', kind: 'kthread', sleepsIn: ['ksm_scan_thread', 'ksm_do_scan'], state: 'R', cpu: 3, freezable: true };

/** The selftests' set-up silences klp_try_switch_task()'s pr_debug; these tests want to read it. */
const DEBUG_SWITCH = "echo 'func klp_try_switch_task +p' > /sys/kernel/debug/dynamic_debug/control";

function timeline(tasks: TaskSetup[]): Timeline {
  return new Timeline({ config: {}, selftest: true, lines: [DEBUG_SWITCH], tasks }, (k) => new Shell(k));
}

const task = (t: Timeline, comm: string): Task => t.k.tasks.find((x) => x.comm === comm)!;
const texts = (t: Timeline) => t.log().map((r) => r.text);

/** Runs kernel events until `done`, returning the labels of those that ran. */
function eventsUntil(t: Timeline, done: () => boolean): string[] {
  const labels: string[] = [];
  while (!done()) {
    const rec = t.forward();
    if (!rec) throw new Error('no event left');
    labels.push(rec.event ?? '');
  }
  return labels;
}

describe('a task computing in user space', () => {
  it('is refused as running, and switches when the next timer tick returns to user space', () => {
    const t = timeline([XZ]);
    t.command(`insmod test_modules/${P}.ko`);
    const xz = task(t, 'xz');
    expect(xz).toMatchObject({ pending: true, patchState: KLP_TRANSITION_UNPATCHED, onCpu: true, chain: [] });
    expect(texts(t)).toContain(`livepatch: klp_try_switch_task: xz:${xz.pid} is running`);
    const labels = eventsUntil(t, () => !xz.pending);
    expect(labels.at(-1)).toBe(`irqentry_exit_to_user_mode: xz:${xz.pid}`);
    expect(t.k.now % TICK_USEC).toBe(0);
    expect(xz).toMatchObject({ patchState: KLP_TRANSITION_PATCHED, onCpu: true, state: 'R' });
  });
});

describe('a busy kthread', () => {
  it('whose sleep is freezable switches itself in __schedule(), before the next retry', () => {
    const t = timeline([KSMD]);
    t.command(`insmod test_modules/${P}.ko`);
    const ksmd = task(t, 'ksmd');
    const start = t.k.now;
    const retryAt = t.k.klp.retry!.at;
    expect(texts(t)).toContain(`livepatch: klp_try_switch_task: ksmd:${ksmd.pid} is running`);
    const labels = eventsUntil(t, () => !ksmd.pending);
    expect(labels.at(-1)).toBe(`__schedule: ksmd:${ksmd.pid}`);
    expect(t.k.now - start).toBeGreaterThanOrEqual(BUSY_PASS_USEC);
    expect(t.k.now).toBeLessThan(retryAt);
    expect(ksmd).toMatchObject({ patchState: KLP_TRANSITION_PATCHED, state: 'S', onCpu: false });
    expect(ksmd.chain.map((f) => f.fn)).toEqual(['ret_from_fork_asm', 'ret_from_fork', 'kthread', 'ksm_scan_thread', 'schedule_timeout', 'schedule']);
  });

  it('whose sleep is not freezable is left for the next retry, which finds it asleep and checks its stack', () => {
    const t = timeline([{ ...KSMD, freezable: false }]);
    t.command(`insmod test_modules/${P}.ko`);
    const ksmd = task(t, 'ksmd');
    eventsUntil(t, () => ksmd.state === 'S');
    expect(ksmd.pending).toBe(true);
    const retryAt = t.k.klp.retry!.at;
    eventsUntil(t, () => !ksmd.pending);
    expect(t.k.now).toBe(retryAt);
    expect(texts(t)).toContain(`livepatch: '${P}': patching complete`);
  });

  it('outside a transition runs on: nothing is queued for it', () => {
    const t = timeline([KSMD, XZ]);
    expect(t.k.queue.pending().filter((e) => e.kind === 'task')).toEqual([]);
    t.advance(5);
    expect(task(t, 'ksmd')).toMatchObject({ state: 'R', onCpu: true, patchState: KLP_TRANSITION_IDLE });
  });
});

describe('a forked child (klp_copy_process())', () => {
  it("gets its parent's patch_state and TIF_PATCH_PENDING, as /proc/<pid>/patch_state shows", () => {
    const t = timeline([XZ]);
    const read = (line: string) => t.command(line).term.filter((l) => l.kind === 'out').map((l) => l.text);
    expect(read('cat /proc/self/patch_state')).toEqual(['-1']);
    t.command(`insmod test_modules/${P}.ko`);
    // bash was asleep in wait4 during the first try: switched, so its child starts patched with nothing pending.
    expect(read('cat /proc/self/patch_state')).toEqual(['1']);
    const xz = task(t, 'xz');
    expect(read(`cat /proc/${xz.pid}/patch_state`)).toEqual(['0']);
    // A child of the unswitched xz would start unswitched and pending, and switch like any task.
    const child = t.k.spawn({ comm: 'xz', kind: 'user', cpu: 2, chain: [], behavior: { type: 'sleeper' }, parent: xz });
    expect(child).toMatchObject({ patchState: KLP_TRANSITION_UNPATCHED, pending: true });
  });

  it("a kthread created during a transition is kthreadd's child, in kthreadd's universe", () => {
    const t = timeline([]);
    t.command(`insmod test_modules/${P}.ko`);
    const kthreadd = task(t, 'kthreadd');
    expect(kthreadd.patchState).toBe(KLP_TRANSITION_PATCHED);
    const before = new Set(t.k.tasks.map((x) => x.pid));
    let fresh = t.k.pickWorker(0);
    while (before.has(fresh.pid)) {
      fresh.state = 'R';
      fresh = t.k.pickWorker(0);
    }
    expect(fresh).toMatchObject({ ppid: kthreadd.pid, patchState: KLP_TRANSITION_PATCHED, pending: false });
  });
});

describe('the getpid helper', () => {
  it('starts on a CPU where nothing runs, not the shell\'s, and switches on its way back from getpid()', () => {
    const t = timeline([XZ]);
    t.command('./test_klp-call_getpid &');
    const helper = task(t, 'test_klp-call_g'); // TASK_COMM_LEN: 15 characters
    expect(helper.cpu).not.toBe(t.k.loginShell.cpu);
    expect(helper.cpu).not.toBe(2);
    t.command(`insmod test_modules/${P}.ko`);
    expect(helper.pending).toBe(true);
    const labels = eventsUntil(t, () => !helper.pending);
    expect(labels.at(-1)).toBe(`exit_to_user_mode: test_klp-call_g:${helper.pid}`);
  });
});
