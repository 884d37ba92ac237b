import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { Random } from '../../kernel/world/random';
import {
  ATTRS,
  FILES,
  PARTS,
  storySteps,
  THREADS,
  variants,
  findCycles,
  kernfsNodeMachine,
  mutexMachine,
  simulate,
  storyState,
  type Edge,
  type SimulateOptions,
  type StoryState,
  type ThreadId,
  type VariantId,
} from './model';

const states = (variant: VariantId): StoryState[] => {
  const v = variants().find((x) => x.id === variant)!;
  return Array.from({ length: v.count }, (_, i) => storyState(v.first + i));
};
const forbidden = states('forbidden');
const real = states('real');
const last = <T>(xs: readonly T[]): T => xs[xs.length - 1]!;

const randomPick = (seed: number): SimulateOptions['pick'] => {
  const r = new Random(seed); // seeded, so random interleavings replay
  return (movable) => r.pick(movable);
};

/** Invariants every state of every run must keep. */
function checkInvariants(run: readonly StoryState[]) {
  run.forEach((s, i) => {
    // klp_mutex: at most one owner, and the threads agree with the mutex
    const owners = s.threads.filter((t) => t.holds.includes('klp_mutex')).map((t) => t.id);
    expect(owners.length).toBeLessThanOrEqual(1);
    expect(s.resources.mutex.owner).toBe(owners[0] ?? null);
    for (const f of s.resources.files) {
      // the active count is exactly the references threads say they hold
      expect(f.active).toBe(s.threads.filter((t) => t.holds.includes(f.id)).length);
      // a node drained or removed has no active reference
      if (f.state === 'drained' || f.state === 'removed') expect(f.active).toBe(0);
    }
    // a kernfs_drain() that returned saw every count at 0, before and after
    const drainer = s.actor && s.fn === 'kernfs_drain' ? s.threads.find((t) => t.id === s.actor) : undefined;
    if (drainer && drainer.status !== 'blocked') {
      const before = run[i - 1]!;
      for (const f of [...before.resources.files, ...s.resources.files]) expect(f.active).toBe(0);
      expect(s.resources.patch.dir).toBe('removed');
    }
    // the directory is gone only once every file is
    if (s.resources.patch.dir === 'removed') expect(s.resources.files.every((f) => f.state === 'removed')).toBe(true);
    // waits edges only for sleeping threads
    for (const t of s.threads) if (t.waitsFor.length) expect(t.status).toBe('blocked');
  });
}

describe('the story', () => {
  it('tells the forbidden variant, then the real one', () => {
    expect(variants().map((v) => v.id)).toEqual(['forbidden', 'real']);
    expect(variants()[0]!.first).toBe(0);
    expect(variants()[1]!.first).toBe(variants()[0]!.count);
    expect(storySteps().length).toBe(variants()[0]!.count + variants()[1]!.count);
    storySteps().forEach((step, i) => {
      const s = storyState(i);
      expect(s.step).toBe(i);
      expect(s.caption).toBe(step.caption);
      expect(s.fn).toBe(step.fn);
    });
    expect(storyState(-5).step).toBe(0);
    expect(storyState(10_000).step).toBe(storySteps().length - 1);
    expect(storyState(Number.NaN).step).toBe(0);
  });

  it('gives every step a focus: parts of its picture, the acting thread among them', () => {
    storySteps().forEach((step, i) => {
      expect(step.focus.views).toEqual(['story']);
      const parts = step.focus.actors.map((a) => a.part);
      expect(parts.length, `step ${i}`).toBeGreaterThan(0);
      for (const p of parts) expect(PARTS, `step ${i}`).toContain(p);
      expect(new Set(parts).size).toBe(parts.length);
      const s = storyState(i);
      if (s.actor) expect(parts).toContain(s.actor);
      // the step that closes a cycle, and the hung threads after it, are about the verdict
      if (s.cycle && !storyState(i - 1).cycle) expect(parts).toContain('verdict');
    });
  });

  it('keeps captions short: one or two sentences, naming at most two kernel functions', () => {
    storySteps().forEach((step, i) => {
      const sentences = step.caption.split(/(?<=[.!?]["”]?)\s+(?=[A-Z])/);
      expect(sentences.length, `step ${i}: ${step.caption}`).toBeLessThanOrEqual(2);
      const fns = new Set([...step.caption.matchAll(/\b([a-z_][a-z0-9_]*)\((?:\)|&)/g)].map((m) => m[1]));
      expect(fns.size, `step ${i}: ${step.caption}`).toBeLessThanOrEqual(2);
      expect(fns.has(step.fn), `step ${i}`).toBe(true);
    });
  });

  it('names a kernel function in every caption', () => {
    for (const s of storySteps()) {
      expect(s.fn).toMatch(/^[a-z_][a-z0-9_]*$/);
      expect(s.caption).toContain(`${s.fn}(`);
      expect(s.file).toMatch(/^(fs|kernel|lib|include)\/[\w/]+\.[ch]$/);
    }
  });
});

describe('forbidden: enabled_store() puts the kobject under klp_mutex', () => {
  it('ends in a cycle through A, B, klp_mutex and active(force)', () => {
    const end = last(forbidden);
    expect(end.stuck).toBe(true);
    const c = end.cycle!;
    expect(c).not.toBeNull();
    expect(c.threads).toEqual(expect.arrayContaining(['A', 'B']));
    expect(c.resources).toEqual(expect.arrayContaining(['klp_mutex', 'active(force)']));
    expect(c.nodes).toEqual(['A', 'active(force)', 'B', 'klp_mutex']);
    // A also waits for the reference it holds itself
    expect(end.cycles.map((x) => x.nodes)).toContainEqual(['A', 'active(enabled)']);
    expect(end.deadlock).toContain('A waits in kernfs_drain() for active(force), held by B');
    expect(end.deadlock).toContain('B waits in mutex_lock() for klp_mutex, held by A');
    expect(end.deadlock).toContain('held by A itself');
  });

  it('finds the cycle when A sleeps in kernfs_drain(), not before', () => {
    const first = forbidden.findIndex((s) => s.cycle !== null);
    expect(first).toBeGreaterThan(0);
    expect(forbidden.slice(0, first).every((s) => s.cycles.length === 0 && s.deadlock === null)).toBe(true);
    const s = forbidden[first]!;
    expect(s.actor).toBe('A');
    expect(s.fn).toBe('kernfs_drain');
    expect(s.threads.find((t) => t.id === 'A')!.status).toBe('blocked');
    expect(variants()[0]!.firstCycle).toBe(s.step);
    // from then on the cycle stays
    expect(forbidden.slice(first).every((x) => x.cycle !== null)).toBe(true);
  });

  it('never queues free_work and never frees anything', () => {
    const end = last(forbidden);
    expect(end.resources.freeWork).toBe('none');
    expect(end.threads.find((t) => t.id === 'W')!.status).toBe('idle');
    expect(end.resources.patch.dir).toBe('deactivated');
    expect(end.resources.finish.done).toBe(false);
    expect(end.resources.module.refcnt).toBe(1);
    expect(end.fn).toBe('check_hung_task');
  });

  it('keeps the invariants', () => checkInvariants(forbidden));
});

describe('real: free_work', () => {
  it('never has a cycle', () => {
    for (const s of real) {
      expect(s.cycles).toEqual([]);
      expect(s.cycle).toBeNull();
      expect(s.deadlock).toBeNull();
    }
  });

  it('ends with the directory removed, the finish completed and module_put() done', () => {
    const end = last(real);
    expect(end.stuck).toBe(true);
    expect(end.fn).toBe('module_put');
    expect(end.resources.patch.dir).toBe('removed');
    expect(end.resources.patch.kobjRefcount).toBe(0);
    expect(end.resources.patch.released).toBe(true);
    expect(end.resources.finish.done).toBe(true);
    expect(end.resources.module.refcnt).toBe(0);
    expect(end.resources.freeWork).toBe('done');
    expect(end.resources.files.every((f) => f.state === 'removed' && f.active === 0)).toBe(true);
    expect(end.threads.every((t) => t.status === 'done')).toBe(true);
    expect(end.edges).toEqual([]);
  });

  it('lets B take klp_mutex after A and fail with -EINVAL', () => {
    const fs = real.find((s) => s.fn === 'force_store')!;
    expect(fs.actor).toBe('B');
    expect(fs.resources.patch.transition).toBe(false);
    expect(fs.caption).toContain('-EINVAL');
    const end = last(real);
    expect(end.threads.find((t) => t.id === 'A')!.result).toContain('returned 2');
    expect(end.threads.find((t) => t.id === 'B')!.result).toContain('Invalid argument');
  });

  it('has the worker wait in kernfs_drain() until both writers leave', () => {
    const sleeping = real.find((s) => s.actor === 'W' && s.fn === 'kernfs_drain')!;
    const w = sleeping.threads.find((t) => t.id === 'W')!;
    expect(w.status).toBe('blocked');
    expect(w.waitsFor).toEqual(['active(enabled)', 'active(force)']);
    expect(w.holds).toEqual([]);
    const done = real.filter((s) => s.actor === 'W' && s.fn === 'kernfs_drain');
    expect(done.length).toBe(2);
  });

  it('puts the module only after the release completed patch->finish', () => {
    const put = real.findIndex((s) => s.fn === 'module_put');
    const release = real.findIndex((s) => s.fn === 'klp_kobj_release_patch');
    const removed = real.findIndex((s) => s.resources.patch.dir === 'removed');
    expect(removed).toBeGreaterThan(0);
    expect(release).toBeGreaterThan(removed);
    expect(put).toBeGreaterThan(release);
    expect(real[put - 1]!.resources.module.refcnt).toBe(1);
  });

  it('keeps the invariants', () => checkInvariants(real));
});

describe('the rules, not a script, decide', () => {
  it('deadlocks the forbidden design in every interleaving, and never the real one', () => {
    for (let seed = 1; seed <= 150; seed++) {
      for (const b of [undefined, { file: 'enabled', value: 0 } as const, { file: 'enabled', value: 1 } as const]) {
        const f = simulate('forbidden', { b, pick: randomPick(seed) });
        checkInvariants(f);
        expect(last(f).cycle, `forbidden, seed ${seed}`).not.toBeNull();

        const r = simulate('real', { b, pick: randomPick(seed) });
        checkInvariants(r);
        for (const s of r) expect(s.cycles, `real, seed ${seed}, step ${s.index}`).toEqual([]);
        const end = last(r);
        expect(end.resources.patch.dir).toBe('removed');
        expect(end.resources.module.refcnt).toBe(0);
        expect(end.threads.every((t) => t.status === 'done')).toBe(true);
      }
    }
  });

  it('leaves B out of the cycle when its write ends before A starts', () => {
    const bFirst: SimulateOptions['pick'] = (movable) => (movable.includes('B') ? 'B' : movable[0]!);
    const f = simulate('forbidden', { pick: bFirst });
    const end = last(f);
    expect(end.threads.find((t) => t.id === 'B')!.result).toContain('Invalid argument');
    expect(end.cycle!.nodes).toEqual(['A', 'active(enabled)']);
    expect(end.deadlock).toContain('A can never wake itself');
  });

  it('turns a write after kernfs_remove() away with -ENODEV', () => {
    const late: SimulateOptions['pick'] = (movable) => (movable.includes('B') && movable.length === 1 ? 'B' : (movable.find((t) => t !== 'B') ?? movable[0]!));
    const r = simulate('real', { pick: late });
    const end = last(r);
    expect(end.threads.find((t) => t.id === 'B')!.result).toContain('No such device');
    expect(end.resources.module.refcnt).toBe(0);
  });

  it('with a second write to enabled, the cycle goes through active(enabled) held by both', () => {
    const f = simulate('forbidden', { b: { file: 'enabled', value: 0 } });
    const c = last(f).cycle!;
    expect(c.threads).toEqual(['A', 'B']);
    expect(c.resources).toEqual(expect.arrayContaining(['klp_mutex', 'active(enabled)']));
  });

  it('never lets a sleeping thread move, and always lets a woken one', () => {
    for (let seed = 1; seed <= 100; seed++) {
      for (const variant of ['forbidden', 'real'] as const) {
        const movables: ThreadId[][] = [];
        const r = randomPick(seed)!;
        const run = simulate(variant, {
          pick: (movable, move) => {
            movables[move] = movable;
            return r(movable, move);
          },
        });
        movables.forEach((movable, move) => {
          const before = run[move]!;
          for (const t of before.threads) {
            if (t.status === 'blocked' || t.status === 'done' || t.status === 'idle') expect(movable).not.toContain(t.id);
            if (t.status === 'woken') expect(movable).toContain(t.id);
          }
        });
      }
    }
  });
});

describe('findCycles', () => {
  const e = (kind: Edge['kind'], thread: ThreadId, resource: Edge['resource']): Edge => ({ id: `${kind}:${thread}:${resource}`, kind, thread, resource });
  it('finds a two-thread cycle once, starting at the first thread', () => {
    const cycles = findCycles([e('holds', 'B', 'klp_mutex'), e('waits', 'A', 'klp_mutex'), e('holds', 'A', 'active(force)'), e('waits', 'B', 'active(force)')]);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.nodes).toEqual(['A', 'klp_mutex', 'B', 'active(force)']);
    expect(cycles[0]!.edges).toEqual(['waits:A:klp_mutex', 'holds:B:klp_mutex', 'waits:B:active(force)', 'holds:A:active(force)']);
  });
  it('finds none in a chain', () => {
    expect(findCycles([e('waits', 'W', 'active(force)'), e('holds', 'B', 'active(force)'), e('waits', 'B', 'klp_mutex')])).toEqual([]);
  });
  it('covers every thread id', () => expect(THREADS).toEqual(['A', 'B', 'W']));
});

describe('the lock machines', () => {
  it('klp_mutex: never taken while owned, released only by its owner', () => {
    let s = initialTransition(mutexMachine)[0];
    s = transition(mutexMachine, s, { type: 'mutex_lock', thread: 'A' })[0];
    expect(s.context.owner).toBe('A');
    s = transition(mutexMachine, s, { type: 'mutex_lock', thread: 'B' })[0];
    expect(s.context).toEqual({ owner: 'A', waiters: ['B'] });
    s = transition(mutexMachine, s, { type: 'mutex_unlock', thread: 'B' })[0];
    expect(s.context.owner).toBe('A');
    s = transition(mutexMachine, s, { type: 'mutex_unlock', thread: 'A' })[0];
    expect(s.value).toBe('unlocked');
    s = transition(mutexMachine, s, { type: 'mutex_lock', thread: 'B' })[0];
    expect(s.context).toEqual({ owner: 'B', waiters: [] });
  });

  it('kernfs node: active → deactivated → drained → removed, and no drain while referenced', () => {
    let s = initialTransition(kernfsNodeMachine, { name: FILES[2]! })[0];
    s = transition(kernfsNodeMachine, s, { type: 'kernfs_get_active', thread: 'B' })[0];
    s = transition(kernfsNodeMachine, s, { type: 'deactivate' })[0];
    expect(s.value).toBe('deactivated');
    const refused = transition(kernfsNodeMachine, s, { type: 'kernfs_get_active', thread: 'A' })[0];
    expect(refused.context.holders).toEqual(['B']);
    s = transition(kernfsNodeMachine, s, { type: 'kernfs_drain' })[0];
    expect(s.value).toBe('deactivated');
    s = transition(kernfsNodeMachine, s, { type: 'kernfs_put_active', thread: 'A' })[0];
    expect(s.context.holders).toEqual(['B']);
    s = transition(kernfsNodeMachine, s, { type: 'kernfs_put_active', thread: 'B' })[0];
    s = transition(kernfsNodeMachine, s, { type: 'kernfs_drain' })[0];
    expect(s.value).toBe('drained');
    s = transition(kernfsNodeMachine, s, { type: 'unlink' })[0];
    expect(s.value).toBe('removed');
  });
});

describe('the files of the patch sysfs tree (issue 9)', () => {
  it('lists every attribute mainline has: the patch directory’s five, and each object directory’s patched', () => {
    const at = (dir: 'patch' | 'object') => ATTRS.filter((a) => a.dir === dir).map((a) => a.name);
    expect(at('patch')).toEqual(['enabled', 'transition', 'force', 'replace', 'stack_order']);
    expect(at('object')).toEqual(['patched']);
    // the story draws the three a write in either variant meets; each is in the table
    for (const f of FILES) expect(at('patch')).toContain(f);
  });

  it('knows which methods take klp_mutex: stack_order_show() does, patched_show() does not', () => {
    const takes = (name: string) => ATTRS.find((a) => a.name === name)!.takesKlpMutex;
    expect(takes('stack_order')).toBe(true);
    expect(takes('patched')).toBe(false);
    expect(takes('replace')).toBe(false);
  });

  it('a plain cat of stack_order joins the deadlock of the forbidden design, and not the real one', () => {
    const b = { file: 'stack_order', read: true } as const;
    const forbidden = simulate('forbidden', { b });
    const stuck = last(forbidden);
    expect(stuck.cycle?.resources).toEqual(expect.arrayContaining(['klp_mutex', 'active(stack_order)']));
    expect(stuck.threads.find((t) => t.id === 'B')!.command).toBe('cat /sys/kernel/livepatch/P/stack_order');
    const real = simulate('real', { b });
    expect(real.every((s) => s.cycle === null)).toBe(true);
    expect(last(real).threads.find((t) => t.id === 'B')!.result).toMatch(/^cat printed [01]$/);
    expect(last(real).resources.patch.dir).toBe('removed');
  });

  it('says why removing the object directories cannot deadlock, and that stack_order would join the cycle', () => {
    const freeStart = storySteps().filter((s) => s.fn === 'klp_free_patch_start');
    expect(freeStart).toHaveLength(2);
    for (const s of freeStart) {
      expect(s.caption).not.toMatch(/hold no files/);
      expect(s.caption).toMatch(/patched/);
      expect(s.caption).toMatch(/takes no lock/);
    }
    expect(storySteps()[0]!.caption).toMatch(/stack_order_show\(\) takes klp_mutex/);
    for (const s of storySteps()) expect(s.caption).not.toMatch(/deactivates enabled, transition and force/);
  });
});
