import { describe, expect, it } from 'vitest';
import { Timeline } from './timeline';
import { Shell } from '../kernel/shell/shell';
import { SCENARIOS } from '../scenarios';
import { playStep } from '../scenarios/run';
import { snapshot } from '../kernel/view/snapshot';
import type { Kernel } from '../kernel/kernel';
import { bootKernel } from '../kernel/boot';
import { settle } from '../kernel/settle';
import { deepCopy, UncopyableState } from './deep-copy';
import { fork } from './fork';

describe('deepCopy', () => {
  it('copies every object once, keeping shared references, cycles and prototypes', () => {
    class Box {
      constructor(public v: number) {}
      twice(): number {
        return 2 * this.v;
      }
    }
    const shared = { n: 1 };
    const a: Record<string, unknown> = { x: shared, y: shared, box: new Box(21), list: [shared], map: new Map([[shared, 'k']]), set: new Set([shared]) };
    a.self = a;
    const b = deepCopy(a);
    expect(b).not.toBe(a);
    expect(b.x).not.toBe(shared);
    expect(b.x).toEqual(shared);
    expect(b.y).toBe(b.x);
    expect((b.list as unknown[])[0]).toBe(b.x);
    expect([...(b.map as Map<unknown, string>).keys()][0]).toBe(b.x);
    expect([...(b.set as Set<unknown>)][0]).toBe(b.x);
    expect(b.self).toBe(b);
    expect(b.box).toBeInstanceOf(Box);
    expect((b.box as Box).twice()).toBe(42);
    (b.x as { n: number }).n = 2;
    expect(shared.n).toBe(1);
  });

  it('shares functions, frozen objects and what it is told to share', () => {
    const fn = () => 1;
    const frozen = Object.freeze({ a: 1 });
    const told = { b: 2 };
    const c = deepCopy({ fn, frozen, told }, new WeakSet([told]));
    expect(c.fn).toBe(fn);
    expect(c.frozen).toBe(frozen);
    expect(c.told).toBe(told);
  });

  it('refuses state it cannot copy faithfully', () => {
    expect(() => deepCopy({ w: new WeakMap() })).toThrow(UncopyableState);
    expect(() => deepCopy({ d: new Uint8Array(2) })).toThrow(UncopyableState);
  });
});

/** Everything a later step could show of a machine. */
const state = (k: Kernel): string => JSON.stringify([snapshot(k), k.log.records, k.now, k.work, k.queue.pending().map((e) => [e.at, e.label])]);

describe('a copy of the machine (fork)', () => {
  for (const s of SCENARIOS) {
    if (s.kind !== 'timeline') continue;
    it(`${s.id}: going on from a copy after every step gives every step the original gives, and leaves the original as it was`, () => {
      const original = new Timeline(s.setup, (k) => new Shell(k));
      const expected = [state(original.k)];
      for (const st of s.steps) {
        playStep(original, st);
        expected.push(state(original.k));
      }
      // The same steps, each on a copy of the machine the step before left.
      const t = new Timeline(s.setup, (k) => new Shell(k));
      const left: { k: Kernel; was: string }[] = [];
      const shown = [state(t.k)];
      for (const st of s.steps) {
        const machine = { k: t.k, shell: (t as unknown as { shell: Shell }).shell };
        left.push({ k: machine.k, was: state(machine.k) });
        const copy = fork(machine);
        Object.assign(t as unknown as { kernel: Kernel; shell: Shell }, { kernel: copy.k, shell: copy.shell });
        playStep(t, st);
        shown.push(state(t.k));
      }
      expect(shown).toEqual(expected);
      for (const [i, m] of left.entries()) expect(state(m.k), `the machine left before step ${i + 1}`).toBe(m.was);
    });
  }
});

describe('a copy of the machine while a background job sleeps', () => {
  it('goes on as the original does: the job runs the rest of its commands in each, alike, and only there', () => {
    const run = (m: { k: Kernel; shell: Shell }, line: string) => {
      m.shell.run(line);
      settle(m.k);
      return m.shell.takeTerminal();
    };
    const original = { k: bootKernel(), shell: null as unknown as Shell };
    original.shell = new Shell(original.k);
    run(original, '{ sleep 2; echo a; } &');
    run(original, 'sleep 1 && echo b && sleep 3 && echo c > /dev/kmsg &');
    // both paused mid-way: the first in its sleep, the second in its second sleep
    run(original, 'sleep 1');
    const copy = fork(original);
    const before = state(original.k);
    const next = ['echo fg; sleep 3; echo fg2', 'jobs', 'sleep 2'];
    const shownCopy = next.map((l) => run(copy, l));
    expect(state(original.k), 'the original, while the copy ran on').toBe(before);
    const shownOriginal = next.map((l) => run(original, l));
    expect(shownCopy).toEqual(shownOriginal);
    const text = shownOriginal.flat().map((c) => c.text).join('');
    expect(text).toBe('fg\na\n[1]-  Done                    { sleep 2; echo a; }\n[2]+  Done                    sleep 1 && echo b && sleep 3 && echo c > /dev/kmsg\nfg2\n');
    expect(state(copy.k)).toBe(state(original.k));
    for (const m of [original, copy]) expect(m.k.log.records.filter((r) => r.text === 'c')).toHaveLength(1);
  });
});
