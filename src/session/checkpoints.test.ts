import { describe, expect, it } from 'vitest';
import { Checkpoints, CHECKPOINT_STEPS } from './checkpoints';
import { Timeline, DEFAULT_SETUP } from './timeline';
import { Shell } from '../kernel/shell/shell';
import { bootKernel } from '../kernel/boot';
import { snapshot } from '../kernel/view/snapshot';

const machine = (k = bootKernel()) => ({ k, shell: new Shell(k) });

describe('Checkpoints', () => {
  it('keeps a copy at least every CHECKPOINT_STEPS steps, or sooner after much work', () => {
    const c = new Checkpoints();
    expect(c.due(0, 0)).toBe(true);
    c.keep(0, machine());
    expect(c.due(0, 0)).toBe(false);
    expect(c.due(CHECKPOINT_STEPS - 1, 10)).toBe(false);
    expect(c.due(CHECKPOINT_STEPS, 10)).toBe(true);
    expect(c.due(1, 50_000_000)).toBe(true);
  });

  it('restores a copy, and the checkpoint stays as it was for next time', () => {
    const c = new Checkpoints();
    const m = machine();
    m.shell.run('insmod test_modules/test_klp_livepatch.ko');
    c.keep(3, m);
    const was = JSON.stringify(snapshot(m.k));
    const a = c.restore(5)!;
    expect(a.position).toBe(3);
    expect(a.machine.k).not.toBe(m.k);
    a.machine.shell!.run('echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled');
    const b = c.restore(3)!;
    expect(JSON.stringify(snapshot(b.machine.k))).toBe(was);
    expect(c.restore(2)).toBeNull();
  });

  it('stays within its budget, keeping the first and the newest copies', () => {
    const k = bootKernel();
    const cost = 50 + k.tasks.length;
    const c = new Checkpoints(cost * 4);
    for (let i = 0; i < 10; i++) c.keep(i * 8, machine(k));
    expect(c.positions).toHaveLength(4);
    expect(c.positions[0]).toBe(0);
    expect(c.positions.at(-1)).toBe(72);
  });

  it('drops the copies of a future that acting in the past dropped', () => {
    const c = new Checkpoints();
    for (const p of [0, 8, 16]) c.keep(p, machine());
    c.dropAfter(10);
    expect(c.positions).toEqual([0, 8]);
  });
});

describe('a Timeline with checkpoints', () => {
  it('goes back past a day-long sleep of a stalled transition without running it again', () => {
    let progress = 0;
    const t = new Timeline(DEFAULT_SETUP, (k) => new Shell(k), { onProgress: () => progress++ });
    t.command('insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
    t.command('insmod test_modules/test_klp_callbacks_demo.ko');
    const before = JSON.stringify(t.view());
    t.command('sleep 1d');
    const after = JSON.stringify(t.view());
    t.command('cat /sys/kernel/livepatch/test_klp_callbacks_demo/transition');
    // the day of retries reported progress as it ran…
    expect(progress).toBeGreaterThan(10);
    progress = 0;
    t.goto(2);
    expect(JSON.stringify(snapshot(t.k))).toBe(before);
    t.goto(3);
    expect(JSON.stringify(snapshot(t.k))).toBe(after);
    t.goto(1);
    t.goto(4);
    // …going back before it and forward past it again runs none of it
    expect(progress).toBe(0);
    expect(t.records[3]!.term.at(-1)).toEqual({ kind: 'out', text: '1' });
  });

  it('goes to any step of a long session from a checkpoint a few steps before it', () => {
    const t = new Timeline(DEFAULT_SETUP, (k) => new Shell(k));
    for (let i = 0; i < 100; i++) t.command(i % 2 ? 'insmod test_modules/test_klp_livepatch.ko' : 'lsmod');
    const positions = t.checkpointPositions;
    for (let i = 1; i < positions.length; i++) expect(positions[i]! - positions[i - 1]!).toBeLessThanOrEqual(CHECKPOINT_STEPS);
  });
});
