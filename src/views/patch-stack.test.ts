import { describe, expect, it } from 'vitest';
import {
  cardObjects,
  patchStackFit,
  STACK_MAX_LEVEL,
  buttonsFor,
  funcDir,
  justCompletedReplace,
  leave,
  motionDuration,
  patchStackModel,
  settle,
  stateWord,
} from './patch-stack';
import { freeing, func, inTransition, kview, obj, patch, patching } from './fixtures';

const A = 'test_klp_livepatch';
const B = 'test_klp_callbacks_demo';
const R = 'test_klp_atomic_replace';

describe('stateWord', () => {
  it('uses the kernel words for transitions and the enabled state', () => {
    expect(stateWord(patching(A)).word).toBe('patching');
    expect(stateWord(patch(A, { state: 'unpatching', enabled: false, transition: true })).word).toBe('unpatching');
    expect(stateWord(patch(A)).word).toBe('enabled');
  });

  it('says when free_work is queued, and who replaced the patch', () => {
    expect(stateWord(freeing(A)).word).toBe('disabled — free_work queued');
    expect(stateWord(freeing(A), R).word).toBe(`replaced by ${R} — free_work queued`);
    expect(stateWord(patch(A, { state: 'replaced', enabled: false })).word).toBe('replaced');
    expect(stateWord(freeing(A, { freeWorkPending: false })).word).toBe('disabled');
  });

  it('says when rmmod -f freed the module under a registered patch, whatever its state says', () => {
    const dangling = stateWord(patch(A, { memoryFreed: true }));
    expect(dangling).toEqual({ word: 'module freed by rmmod -f', tone: 'gone' });
    expect(stateWord(patching(A, { memoryFreed: true }))).toEqual(dangling);
  });
});

describe('buttonsFor', () => {
  it('offers Disable on an enabled patch not in transition', () => {
    expect(buttonsFor(patch(A))).toEqual([
      { label: 'Disable', command: `echo 0 > /sys/kernel/livepatch/${A}/enabled`, ariaLabel: `Disable ${A}` },
    ]);
  });

  it('offers Reverse (the opposite of enabled) and Force on the transition patch', () => {
    const enabling = buttonsFor(patching(A));
    expect(enabling.map((b) => b.command)).toEqual([
      `echo 0 > /sys/kernel/livepatch/${A}/enabled`,
      `echo 1 > /sys/kernel/livepatch/${A}/force`,
    ]);
    const disabling = buttonsFor(patch(A, { state: 'unpatching', enabled: false, transition: true }));
    expect(disabling[0]).toEqual({
      label: 'Reverse',
      command: `echo 1 > /sys/kernel/livepatch/${A}/enabled`,
      ariaLabel: `Reverse ${A}`,
    });
    expect(disabling[1]?.ariaLabel).toBe(`Force ${A}`);
  });

  it('offers nothing on a patch off klp_patches', () => {
    expect(buttonsFor(freeing(A))).toEqual([]);
  });

  it('offers nothing on a patch whose module rmmod -f freed: any write to its files Oopses', () => {
    expect(buttonsFor(patch(A, { memoryFreed: true }))).toEqual([]);
    expect(buttonsFor(patching(A, { memoryFreed: true }))).toEqual([]);
  });
});

describe('patchStackModel', () => {
  it('stacks klp_patches newest on top, and sets the unlisted apart', () => {
    const v = kview({
      patches: [patch(A, { stackOrder: 1 }), patch(B, { stackOrder: 2 }), freeing('test_klp_state')],
    });
    const m = patchStackModel(v, null);
    expect(m.stack.map((c) => c.name)).toEqual([B, A]);
    expect(m.stack.map((c) => c.slot)).toEqual([1, 0]);
    expect(m.offList.map((c) => [c.name, c.slot, c.stateWord])).toEqual([
      ['test_klp_state', -1, 'disabled — free_work queued'],
    ]);
    // nothing is "changed" without a previous step
    expect([...m.stack, ...m.offList].some((c) => c.changed)).toBe(false);
  });

  it('shows flags, sysfs file values, objects and nops', () => {
    const p = patching(R, {
      replace: true,
      stackOrder: 2,
      forced: true,
      objects: [
        obj('vmlinux', [
          func('meminfo_proc_show', 'livepatch_meminfo_proc_show', { transition: true }),
          func('cmdline_proc_show', null, { transition: true, sympos: 2 }),
        ]),
        obj('test_klp_callbacks_mod', [], { loaded: false, patched: false, dynamic: true }),
      ],
    });
    const [card] = patchStackModel(inTransition(R, 1, { patches: [patch(A), p] }), null).stack;
    expect(card).toMatchObject({
      name: R,
      replace: true,
      forced: true,
      stackOrder: 2,
      transition: true,
      files: { enabled: 1, transition: 1 },
      tone: 'patching',
    });
    expect(card?.objects.map((o) => [o.name, o.status])).toEqual([
      ['vmlinux', 'loaded, patched'],
      ['test_klp_callbacks_mod', 'not loaded, not patched, dynamic (holds nops)'],
    ]);
    expect(card?.objects[0]?.funcs.map((f) => [f.dir, f.target, f.nop])).toEqual([
      ['meminfo_proc_show,1', 'livepatch_meminfo_proc_show', false],
      ['cmdline_proc_show,2', 'nop', true],
    ]);
    expect(card?.buttons.map((b) => b.label)).toEqual(['Reverse', 'Force']);
  });

  it('highlights what changed since the step before', () => {
    const before = kview({ patches: [patch(A), patching(B, { stackOrder: 2 })] });
    const after = kview({
      patches: [
        patch(A),
        patch(B, { stackOrder: 2, objects: [obj('vmlinux', [func('cmdline_proc_show', 'livepatch_cmdline_proc_show')])] }),
        patching(R, { stackOrder: 3 }),
      ],
    });
    const m = patchStackModel(after, before);
    const byName = Object.fromEntries(m.stack.map((c) => [c.name, c]));
    expect(byName[A]?.changed).toBe(false);
    expect(byName[B]?.changed).toBe(true); // patching → enabled
    expect(byName[R]?.changed).toBe(true); // new
  });

  it('marks func rows whose transition flag flipped', () => {
    const inT = patching(A, { objects: [obj('vmlinux', [func('cmdline_proc_show', 'x', { transition: true })])] });
    const done = patch(A, { objects: [obj('vmlinux', [func('cmdline_proc_show', 'x')])] });
    const m = patchStackModel(kview({ patches: [done] }), kview({ patches: [inT] }));
    expect(m.stack[0]?.objects[0]?.funcs[0]?.changed).toBe(true);
    expect(m.stack[0]?.objects[0]?.changed).toBe(false);
  });

  describe('atomic replace completing', () => {
    const before = inTransition(R, 1, {
      patches: [patch(A, { stackOrder: 1 }), patch(B, { stackOrder: 2 }), patching(R, { replace: true, stackOrder: 3 })],
    });
    const after = kview({
      patches: [patch(R, { replace: true, stackOrder: 1 }), freeing(A), freeing(B)],
    });

    it('finds the replace patch that just completed', () => {
      expect(justCompletedReplace(after, before)?.name).toBe(R);
      expect(justCompletedReplace(after, null)).toBeNull();
      expect(justCompletedReplace(before, before)).toBeNull();
    });

    it('leaves only the replacing patch on the stack, settled', () => {
      const m = patchStackModel(after, before);
      expect(m.stack.map((c) => [c.name, c.slot, c.settled, c.buttons.map((b) => b.label)])).toEqual([
        [R, 0, true, ['Disable']],
      ]);
    });

    it('names the replacing patch on the replaced ones', () => {
      const m = patchStackModel(after, before);
      expect(m.offList.map((c) => [c.name, c.replacedBy, c.stateWord, c.changed])).toEqual([
        [A, R, `replaced by ${R} — free_work queued`, true],
        [B, R, `replaced by ${R} — free_work queued`, true],
      ]);
    });

    it('does not claim a replace for a patch that was already off the list', () => {
      const prev2 = { ...before, patches: [...before.patches, freeing('old')] };
      const now2 = { ...after, patches: [...after.patches, freeing('old')] };
      const old = patchStackModel(now2, prev2).offList.find((c) => c.name === 'old');
      expect(old?.replacedBy).toBeNull();
      expect(old?.stateWord).toBe('disabled — free_work queued');
    });
  });
});

describe('motion', () => {
  it('is off under prefers-reduced-motion', () => {
    expect(motionDuration(400, true)).toBe(0);
    expect(motionDuration(400, false)).toBe(400);
  });

  it('leave() slides out and fades', () => {
    const t = leave({} as Element, { duration: 300, dx: 40 });
    expect(t.duration).toBe(300);
    expect(t.css?.(1, 0)).toBe('transform: translateX(0px); opacity: 1');
    expect(t.css?.(0, 1)).toBe('transform: translateX(40px); opacity: 0');
    // cubic-in easing from d3-ease: slow start
    expect(t.easing?.(0.5)).toBeCloseTo(0.125);
  });

  it('settle() moves a card from its old place to its new one', () => {
    const rect = (top: number) => ({ top, left: 0, width: 100, height: 50 }) as DOMRect;
    const a = settle({} as Element, { from: rect(200), to: rect(80) }, { duration: 450 });
    expect(a.duration).toBe(450);
    expect(a.css?.(0, 1)).toBe('transform: translateY(120px)');
    expect(a.css?.(1, 0)).toBe('transform: translateY(0px)');
    expect(settle({} as Element, { from: rect(5), to: rect(5) }).duration).toBe(0);
  });
});

describe('funcDir', () => {
  it('names the sysfs directory <function,sympos> with sympos 0 shown as 1', () => {
    expect(funcDir({ oldName: 'f', sympos: 0 })).toBe('f,1');
    expect(funcDir({ oldName: 'f', sympos: 3 })).toBe('f,3');
  });
});

describe('freed this step', () => {
  it('names the patches the step before had and this one has not', () => {
    const m = patchStackModel(kview({ patches: [patch(R)] }), kview({ patches: [patch(R), freeing(A)] }));
    expect(m.freed).toEqual([A]);
    expect(m.offList).toEqual([]);
    expect(patchStackModel(kview({ patches: [patch(R)] }), null).freed).toEqual([]);
  });
});

describe('patchStackFit', () => {
  const S = 'test_klp_syscall';
  const v = kview({
    patches: [
      patch(A),
      patch(S, { stackOrder: 2, objects: [obj('vmlinux', [func('__x64_sys_getpid', 'lp_sys_getpid')])] }),
      patch(B, {
        stackOrder: 3,
        objects: [obj('vmlinux', []), obj('test_klp_callbacks_busy', [func('busymod_work_func', 'patched_work_func', { patched: false })], { loaded: false, patched: false })],
      }),
    ],
  });
  const m = patchStackModel(v, null);
  const details = (focus: Parameters<typeof patchStackFit>[1], level: number) =>
    patchStackFit(m, focus, level).stack.map((c) => [c.card.name, c.detail]);

  it('keeps the order of klp_patches at every level', () => {
    for (let level = 0; level <= STACK_MAX_LEVEL; level++) {
      expect(patchStackFit(m, [{ patch: A }], level).stack.map((c) => c.card.name)).toEqual([B, S, A]);
    }
  });

  it('reduces the cards the step is not about first, then the others, level by level', () => {
    const focus = [{ patch: A }];
    expect(details(focus, 0)).toEqual([[B, 'full'], [S, 'full'], [A, 'full']]);
    expect(details(focus, 1)).toEqual([[B, 'head'], [S, 'head'], [A, 'full']]);
    expect(details(focus, 2)).toEqual([[B, 'head'], [S, 'head'], [A, 'lean']]);
    expect(details(focus, 3)).toEqual([[B, 'head'], [S, 'head'], [A, 'files']]);
    expect(details(focus, STACK_MAX_LEVEL)).toEqual([[B, 'head'], [S, 'head'], [A, 'head']]);
    expect(patchStackFit(m, focus, STACK_MAX_LEVEL).base).toBe(false);
  });

  it('relates a card to a kobject of its patch', () => {
    expect(details([{ kobject: `${B}/test_klp_callbacks_busy` }], 1)[0]).toEqual([B, 'full']);
  });

  it('keeps the focused object and function lines, whatever the detail', () => {
    const card = m.stack[0]!;
    const names = (c: ReturnType<typeof cardObjects>) => c.map((o) => [o.obj.name, o.line, o.funcs.map((f) => f.oldName)]);
    expect(names(cardObjects(card, 'full', []))).toEqual([
      ['vmlinux', true, []],
      ['test_klp_callbacks_busy', true, ['busymod_work_func']],
    ]);
    expect(names(cardObjects(card, 'lean', []))).toEqual([['test_klp_callbacks_busy', false, ['busymod_work_func']]]);
    expect(names(cardObjects(card, 'head', []))).toEqual([]);
    expect(names(cardObjects(card, 'head', [{ func: 'busymod_work_func' }]))).toEqual([['test_klp_callbacks_busy', false, ['busymod_work_func']]]);
    expect(names(cardObjects(card, 'files', [{ kobject: `${B}/vmlinux` }]))).toEqual([['vmlinux', true, []]]);
  });
});
