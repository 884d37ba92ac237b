/**
 * A transition stalled by a task sleeping in the function being patched:
 * retries every second, the fake signal on the 15th, reversal, force, and
 * what force pins for good.
 */
import { describe, expect, it } from 'vitest';
import { ins, LP, machine } from './machine';
import { SLEEP_MAX } from '../../src/kernel/shell/commands/system';
import { USEC_PER_SEC } from '../../src/kernel/world/events';
import { snapshot } from '../../src/kernel/view/snapshot';
import { blockerText } from '../../src/views/task-migration';
import { checkInvariants } from '../../src/kernel/invariants';

function stalled() {
  const m = machine({ selftest: true });
  m.run(ins('test_klp_callbacks_busy', 'block_transition=Y'));
  m.run(ins('test_klp_callbacks_demo'));
  return m;
}

describe('a stalled transition', () => {
  it('stays stalled when no time passes, and the busy kworker is the one blocking', () => {
    const m = stalled();
    expect(m.read(`${LP}/test_klp_callbacks_demo/transition`)).toBe('1\n');
    const pending = m.k.tasks.filter((t) => t.pending);
    expect(pending).toHaveLength(1);
    expect(pending[0]!.comm).toMatch(/^kworker\//);
    expect(pending[0]!.chain.map((f) => f.fn)).toContain('busymod_work_func');
    expect(m.log()).not.toContain('livepatch: signaling remaining tasks');
  });

  it('signals the remaining tasks once, on the 15th retry', () => {
    const m = stalled();
    m.mark();
    m.run('sleep 14');
    expect(m.log()).not.toContain('livepatch: signaling remaining tasks');
    m.run('sleep 2');
    expect(m.log().filter((l) => l === 'livepatch: signaling remaining tasks')).toHaveLength(1);
    m.run('sleep 30');
    expect(m.log().filter((l) => l === 'livepatch: signaling remaining tasks')).toHaveLength(1);
    // A kthread in an uninterruptible msleep() is not moved by the signal.
    expect(m.read(`${LP}/test_klp_callbacks_demo/transition`)).toBe('1\n');
  });

  it('refuses a second livepatch with EBUSY and logs nothing for it', () => {
    const m = stalled();
    m.mark();
    const r = m.run(ins('test_klp_livepatch'));
    expect(r.stderr).toBe('insmod: ERROR: could not insert module test_modules/test_klp_livepatch.ko: Device or resource busy\n');
    expect(m.log().filter((l) => l.startsWith('livepatch:'))).toEqual([]);
    expect(m.exists(`${LP}/test_klp_livepatch`)).toBe(false);
    expect(m.k.modules.has('test_klp_livepatch')).toBe(false);
  });

  it('ends when the module lets its worker leave the patched function', () => {
    const m = stalled();
    m.mark();
    m.run('echo N > /sys/module/test_klp_callbacks_busy/parameters/block_transition');
    m.run('sleep 2');
    expect(m.log()).toContain('test_klp_callbacks_busy: busymod_work_func exit');
    expect(m.log()).toContain("livepatch: 'test_klp_callbacks_demo': patching complete");
    expect(m.read(`${LP}/test_klp_callbacks_demo/transition`)).toBe('0\n');
  });

  it('force completes it on the next retry, in the newest kernel without pinning a patched-in patch', () => {
    const m = stalled();
    m.mark();
    m.run(`echo 1 > ${LP}/test_klp_callbacks_demo/force`);
    expect(m.log()).toEqual([
      'livepatch: forcing remaining tasks to the patched state',
      "livepatch: 'test_klp_callbacks_demo': completing patching transition",
      'test_klp_callbacks_demo: post_patch_callback: vmlinux',
      'test_klp_callbacks_demo: post_patch_callback: test_klp_callbacks_busy -> [MODULE_STATE_LIVE] Normal state',
      "livepatch: 'test_klp_callbacks_demo': patching complete",
    ]);
    m.run(`echo 0 > ${LP}/test_klp_callbacks_demo/enabled`);
    expect(m.exists(`${LP}/test_klp_callbacks_demo`)).toBe(false);
    expect(m.run('rmmod test_klp_callbacks_demo').status).toBe(0);
  });

  it('a forced unpatching transition pins its module forever', () => {
    const m = machine({ selftest: true });
    m.run(ins('test_klp_livepatch'));
    // Without settling: idle CPUs have not gone round their loop yet.
    m.sh.run(`echo 0 > ${LP}/test_klp_livepatch/enabled`);
    expect(m.read(`${LP}/test_klp_livepatch/transition`)).toBe('1\n');
    m.run(`echo 1 > ${LP}/test_klp_livepatch/force`);
    expect(m.exists(`${LP}/test_klp_livepatch`)).toBe(false);
    expect(m.read('/sys/module/test_klp_livepatch/refcnt')).toBe('1\n');
    expect(m.run('rmmod test_klp_livepatch').stderr).toBe('rmmod: ERROR: Module test_klp_livepatch is in use\n');
  });

  it('in 5.1 to 5.16, force pinned every patch on the list, the patched-in one too', () => {
    const m = machine({ selftest: true, config: { forceMarksEveryPatch: true } });
    m.run(ins('test_klp_livepatch'));
    m.run(ins('test_klp_callbacks_busy', 'block_transition=Y'));
    m.run(ins('test_klp_callbacks_demo'));
    m.run(`echo 1 > ${LP}/test_klp_callbacks_demo/force`);
    for (const p of ['test_klp_livepatch', 'test_klp_callbacks_demo']) {
      m.run(`echo 0 > ${LP}/${p}/enabled`);
      expect(m.exists(`${LP}/${p}`)).toBe(false);
      expect(m.run(`rmmod ${p}`).stderr).toBe(`rmmod: ERROR: Module ${p} is in use\n`);
    }
  });

  it('a worker started while its function is patched runs the new code and does not block', () => {
    const m = machine({ selftest: true });
    m.run(ins('test_klp_callbacks_demo'));
    m.mark();
    m.run(ins('test_klp_callbacks_busy', 'block_transition=Y'));
    expect(m.log()).toContain('test_klp_callbacks_demo: patched_work_func');
    expect(m.log()).not.toContain('test_klp_callbacks_busy: busymod_work_func enter');
    // No kworker sleeps in it; insmod does, in the init waiting for it (hung-init.test.ts).
    expect(m.k.tasks.filter((t) => t.state === 'D').map((t) => t.comm)).toEqual(['insmod']);
  });

  it("a kworker forked meanwhile takes kthreadd's universe and flag, as klp_copy_process() copies them", () => {
    const m = stalled();
    // Every kworker of CPU 0 busy: the pool needs a new one, which kthreadd forks.
    for (const t of m.k.tasks) if (t.comm.startsWith('kworker/0:')) t.state = 'R';
    const fresh = m.k.pickWorker(0);
    const kthreadd = m.k.kthreadd!;
    expect(fresh.ppid).toBe(kthreadd.pid);
    expect([fresh.patchState, fresh.pending]).toEqual([kthreadd.patchState, kthreadd.pending]);
    expect(checkInvariants(m.k)).toEqual([]);
  });

  it('reverses when 0 is written while patching, without pre_unpatch callbacks', () => {
    const m = stalled();
    m.mark();
    m.run(`echo 0 > ${LP}/test_klp_callbacks_demo/enabled`);
    const log = m.log();
    expect(log[0]).toBe("livepatch: 'test_klp_callbacks_demo': reversing transition from patching to unpatching");
    expect(log[1]).toBe("livepatch: 'test_klp_callbacks_demo': starting unpatching transition");
    expect(log.some((l) => l.includes('pre_unpatch'))).toBe(false);
    expect(log).toContain("livepatch: 'test_klp_callbacks_demo': unpatching complete");
  });

  it('a sleep longer than a day runs one simulated day of retries, no more', () => {
    const m = stalled();
    const start = m.k.now;
    m.run('sleep 2d');
    expect(m.k.now - start).toBe(SLEEP_MAX * USEC_PER_SEC);
    // Still stalled after a day of retries: the busy kworker never leaves busymod_work_func.
    expect(m.read(`${LP}/test_klp_callbacks_demo/transition`)).toBe('1\n');
  });
});

describe('why a task cannot switch, one answer', () => {
  it('the task view says exactly what the next retry prints for every task still pending', () => {
    const m = stalled();
    // The selftests turn klp_try_switch_task's lines off; on, each retry prints its reasons.
    m.run("echo 'func klp_try_switch_task +p' > /sys/kernel/debug/dynamic_debug/control");
    const view = snapshot(m.k);
    const said = view.tasks.filter((t) => t.blocker !== null).map((t) => blockerText(t, view.transition));
    expect(said.length).toBeGreaterThan(0);
    m.mark();
    m.run('sleep 1');
    const printed = m.log().filter((l) => l.startsWith('livepatch: klp_try_switch_task: ')).map((l) => l.slice('livepatch: '.length));
    expect(printed.sort()).toEqual(said.sort());
  });

  it('without reliable stacks nothing is switched by its stack check, and the view says so', () => {
    const m = machine({ selftest: true, config: { reliableStacks: false } });
    m.run(ins('test_klp_callbacks_busy', 'block_transition=Y'));
    m.sh.run('insmod test_modules/test_klp_callbacks_demo.ko');
    const pending = snapshot(m.k).tasks.filter((t) => t.pending && t.patchState !== 1);
    expect(pending.length).toBeGreaterThan(0);
    for (const t of pending) expect(t.blocker).toBe('no-reliable-stack');
  });
});
