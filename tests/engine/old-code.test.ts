/**
 * TaskView.oldCode: a task counted as switched that still sits in a frame
 * whose code is not what klp_ftrace_handler() would give it now. Only force
 * can leave one behind (klp_check_stack() refuses such a switch otherwise),
 * and it lasts until the task leaves that function.
 */
import { describe, expect, it } from 'vitest';
import { ins, LP, machine, type TestMachine } from './machine';
import { snapshot } from '../../src/kernel/view/snapshot';
import { Timeline } from '../../src/session/timeline';
import { Shell } from '../../src/kernel/shell/shell';
import { SCENARIOS } from '../../src/scenarios/index';
import { playStep } from '../../src/scenarios/run';
import type { TimelineScenario } from '../../src/scenarios/types';

const DEMO = 'test_klp_callbacks_demo';

function withOldCode(m: TestMachine): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of snapshot(m.k).tasks) if (t.oldCode !== null) out[t.comm] = t.oldCode;
  return out;
}

function forced(): TestMachine {
  const m = machine({ selftest: true });
  m.run(ins('test_klp_callbacks_busy', 'block_transition=Y'));
  // Without settling, so the forced switch is seen before the retry completes.
  m.sh.run(ins(DEMO));
  m.sh.run(`echo 1 > ${LP}/${DEMO}/force`);
  return m;
}

describe('oldCode: a forced task still running old code', () => {
  it('is null for every task while the transition waits for the kworker', () => {
    const m = machine({ selftest: true });
    m.run(ins('test_klp_callbacks_busy', 'block_transition=Y'));
    m.run(ins(DEMO));
    const v = snapshot(m.k);
    expect(v.tasks.find((t) => t.pending && t.comm.startsWith('kworker/'))?.blockedBy).toBe('busymod_work_func');
    expect(withOldCode(m)).toEqual({});
  });

  it('names busymod_work_func for the forced kworker, and only for it', () => {
    const m = forced();
    const v = snapshot(m.k);
    const worker = v.tasks.find((t) => t.oldCode !== null)!;
    expect(worker.comm).toMatch(/^kworker\//);
    expect(worker.pending).toBe(false);
    expect(worker.patchState).toBe(1);
    expect(worker.stack).toContain('busymod_work_func [test_klp_callbacks_busy]');
    expect(withOldCode(m)).toEqual({ [worker.comm]: 'busymod_work_func' });
  });

  it('stays after the forced transition completes: the handler now gives every task the new code', () => {
    const m = forced();
    m.run('true');
    expect(m.read(`${LP}/${DEMO}/transition`)).toBe('0\n');
    expect(Object.values(withOldCode(m))).toEqual(['busymod_work_func']);
  });

  it('goes when the kworker leaves busymod_work_func', () => {
    const m = forced();
    m.run('true');
    m.mark();
    m.run('echo N > /sys/module/test_klp_callbacks_busy/parameters/block_transition');
    m.run('sleep 1');
    expect(m.log()).toContain('test_klp_callbacks_busy: busymod_work_func exit');
    expect(withOldCode(m)).toEqual({});
  });

  it('goes when a replace patch puts a nop on busymod_work_func: the original is what the handler gives again', () => {
    const m = forced();
    m.run('true');
    m.sh.run(ins('test_klp_callbacks_demo2', 'replace=1'));
    expect(m.read(`${LP}/test_klp_callbacks_demo2/transition`)).toBe('1\n');
    expect(withOldCode(m)).toEqual({});
  });

  it('is null for a getpid helper once it switched: it enters its system call again, in its new universe', () => {
    const m = machine({ selftest: true });
    m.run('start_getpid_helpers');
    m.run(ins('test_klp_syscall'));
    expect(m.read(`${LP}/test_klp_syscall/transition`)).toBe('0\n');
    const helpers = snapshot(m.k).tasks.filter((t) => t.behavior === 'syscall-loop');
    expect(helpers.length).toBe(m.k.cpus.length);
    expect(helpers.map((t) => [t.stack[0], t.oldCode])).toEqual(helpers.map(() => ['lp_sys_getpid [test_klp_syscall]', null]));
  });

  it('is null for a getpid helper started once the patch is in place, before its first call returns', () => {
    const m = machine({ selftest: true });
    m.run(ins('test_klp_syscall'));
    m.sh.run('start_getpid_helpers');
    const helpers = snapshot(m.k).tasks.filter((t) => t.behavior === 'syscall-loop');
    expect(helpers.map((t) => [t.stack[0], t.oldCode])).toEqual(helpers.map(() => ['lp_sys_getpid [test_klp_syscall]', null]));
  });

  for (const s of SCENARIOS.filter((x): x is TimelineScenario => x.kind === 'timeline' && x.id !== 'stalled-transition')) {
    it(`is null for every task at every step of ${s.id} (nothing forced there)`, () => {
      const t = new Timeline(s.setup, (k) => new Shell(k));
      for (const st of s.steps) {
        playStep(t, st);
        expect(t.view().tasks.filter((x) => x.oldCode !== null)).toEqual([]);
      }
    });
  }
});
