import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  COMMANDS,
  ENABLED_FILE,
  LEDE,
  PARTS,
  SAMPLE_INIT_EXIT,
  STEP_COUNT,
  STORY,
  STORY_STEPS,
  play,
  storyState,
  type Api,
  type SideState,
} from './model';
import { newApiMachine, oldApiMachine, PATCHED_CMDLINE } from './machines';
import { api51Scenario } from './scenario';

const { insmod, cat, disable, enable, rmmod, work } = COMMANDS;
const APIS: Api[] = ['old', 'new'];
const all = (api: Api): SideState[] => Array.from({ length: STEP_COUNT }, (_, i) => storyState(i)[api]);
const fns = (side: SideState) => side.calls.map((c) => c.fn);

/** Kernel log wordings, from the fact sheets (v4.19 and newest mainline sources; pr_fmt is "livepatch: "). */
const KERNEL_LOG: RegExp[] = [
  /^livepatch_sample: tainting kernel with TAINT_LIVEPATCH$/,
  /^livepatch: enabling patch 'livepatch_sample'$/,
  /^livepatch: 'livepatch_sample': starting (patching|unpatching) transition$/,
  /^livepatch: 'livepatch_sample': (patching|unpatching) complete$/,
];

describe('the story', () => {
  it('is the user story, one caption per step', () => {
    expect(STORY.map((s) => s.line)).toEqual([
      'insmod livepatch-sample.ko',
      'cat /proc/cmdline',
      'echo 0 > /sys/kernel/livepatch/livepatch_sample/enabled',
      'echo 1 > /sys/kernel/livepatch/livepatch_sample/enabled',
      null,
      'rmmod livepatch_sample',
      'insmod livepatch-sample.ko',
      'cat /proc/cmdline',
    ]);
    expect(STORY_STEPS).toHaveLength(STEP_COUNT);
    expect(api51Scenario.kind).toBe('story');
  });

  it('its scenario loads the picture and these captions together', async () => {
    const m = await api51Scenario.load();
    expect(m.steps()).toBe(STORY_STEPS);
    expect(typeof m.default).toBe('function');
  });

  it('is deterministic and storyState() clamps out-of-range steps', () => {
    expect(play('old', STORY)).toEqual(play('old', STORY));
    expect(play('new', STORY)).toEqual(play('new', STORY));
    expect(storyState(-3).step).toBe(0);
    expect(storyState(99).step).toBe(STEP_COUNT - 1);
    expect(storyState(Number.NaN).step).toBe(0);
    expect(storyState(2).old).toEqual(play('old', STORY)[2]);
  });

  it('loads and patches the same way on both sides; only the calls differ', () => {
    const s = storyState(0);
    for (const api of APIS) {
      expect(s[api].outcome.status).toBe('ok');
      expect(s[api].module).toEqual({ loaded: true, refcnt: 1 });
      expect(s[api].klpPatches).toEqual([{ name: 'livepatch_sample', enabled: true, transition: false }]);
      expect(s[api].sysfs.files.find((f) => f.name === 'enabled')?.value).toBe('1');
      expect(s[api].sysfs.files.find((f) => f.name === 'transition')?.value).toBe('0');
    }
    expect(Object.entries(s.differs).filter(([, d]) => d).map(([k]) => k)).toEqual(['calls']);
    expect(storyState(1).old.outcome.stdout).toEqual([PATCHED_CMDLINE]);
    expect(storyState(1).new.outcome.stdout).toEqual([PATCHED_CMDLINE]);
  });

  it('never leaves a transition running: tasks switch at once', () => {
    for (const api of APIS) {
      for (const side of all(api)) {
        expect(side.klpPatches.every((p) => !p.transition)).toBe(true);
        expect(side.sysfs.files.find((f) => f.name === 'transition')?.value ?? '0').toBe('0');
      }
    }
  });
});

describe('before 5.1', () => {
  it('keeps the disabled patch registered: on klp_patches, in sysfs, enabled=0, no module reference', () => {
    const old = storyState(2).old;
    expect(old.state).toBe('loaded.registered');
    expect(old.klpPatches).toEqual([{ name: 'livepatch_sample', enabled: false, transition: false }]);
    expect(old.sysfs.present).toBe(true);
    expect(old.sysfs.files.find((f) => f.name === 'enabled')?.value).toBe('0');
    expect(old.sysfs.objects.map((o) => o.name)).toEqual(['vmlinux']);
    // the reference taken at enable is dropped when the unpatching transition completes
    expect(old.module.refcnt).toBe(0);
    expect(fns(old)).toContain('module_put()');
    expect(fns(old).indexOf('module_put()')).toBeGreaterThan(fns(old).indexOf('klp_complete_transition()'));
  });

  it('says in which releases klp_init_patch_early() took the module reference: 5.1 – 5.16 (5ef3dd20555e moved it for 5.17)', () => {
    const get = storyState(0).new.calls.find((c) => c.fn === 'try_module_get()');
    expect(get?.note).toContain('5.1–5.16: in klp_init_patch_early()');
    expect(get?.note).toContain('since 5.17');
    for (let n = 0; n < STEP_COUNT; n++) for (const side of [storyState(n).old, storyState(n).new]) for (const c of side.calls) expect(c.note ?? '').not.toMatch(/5\.x/);
  });

  it('re-enables the patch with echo 1, taking the module reference again', () => {
    const old = storyState(3).old;
    expect(old.outcome).toEqual({ status: 'ok', stdout: [], stderr: [] });
    expect(old.state).toBe('loaded.enabled');
    expect(fns(old).slice(0, 3)).toEqual(['enabled_store()', '__klp_enable_patch()', 'try_module_get()']);
    expect(old.module.refcnt).toBe(1);
    expect(old.klpPatches).toEqual([{ name: 'livepatch_sample', enabled: true, transition: false }]);
  });

  it('refuses rmmod while the patch is enabled', () => {
    const old = storyState(5).old;
    expect(old.outcome.status).toBe('error');
    expect(old.outcome.stderr).toEqual(['rmmod: ERROR: Module livepatch_sample is in use']);
    expect(old.module).toEqual({ loaded: true, refcnt: 1 });
    expect(storyState(6).old.outcome.stderr).toEqual(['insmod: ERROR: could not insert module livepatch-sample.ko: File exists']);
  });

  it('calls klp_register_patch() then klp_enable_patch() from module_init', () => {
    const old = storyState(0).old;
    const init = old.calls.findIndex((c) => c.fn === 'livepatch_init()');
    const children = old.calls.filter((c, i) => i > init && c.depth === old.calls[init]!.depth + 1).map((c) => c.fn);
    expect(children).toEqual(SAMPLE_INIT_EXIT.old.init);
  });

  it("calls klp_unregister_patch() from module_exit, once the patch is disabled", () => {
    const [, , removed] = play('old', [insmod, disable, rmmod]);
    expect(removed!.outcome.status).toBe('ok');
    const f = fns(removed!);
    expect(f.indexOf('klp_unregister_patch()')).toBe(f.indexOf('livepatch_exit()') + 1);
    expect(removed!.sysfs.present).toBe(false);
    expect(removed!.klpPatches).toEqual([]);
    expect(removed!.module.loaded).toBe(false);
    expect(storyState(2).old.rmmod).toEqual({ works: true, exitCalls: ['livepatch_exit()', ...SAMPLE_INIT_EXIT.old.exit, 'klp_free_patch()', 'kobject_put()', 'wait_for_completion()'] });
  });

  it('enforces the stacking rules', () => {
    const lower = play('old', [insmod, disable, enable], { name: 'livepatch_sample', lowerDisabled: false });
    expect(lower[2]!.outcome.status).toBe('ok');
    // only the first disabled patch can be enabled
    const m = oldApiMachine;
    let s = initialTransition(m, { name: 'livepatch_sample', lowerDisabled: true })[0];
    s = transition(m, s, { type: 'insmod' })[0];
    expect(s.value).toBe('unregistered');
    expect(play('old', [insmod], { name: 'livepatch_sample', lowerDisabled: true })[0]!.outcome.stderr).toEqual([
      'insmod: ERROR: could not insert module livepatch-sample.ko: Device or resource busy',
    ]);
    // only the last enabled patch can be disabled
    const upper = play('old', [insmod, disable], { name: 'livepatch_sample', upperEnabled: true });
    expect(upper[1]!.outcome).toMatchObject({ status: 'error', errno: 'EBUSY', stderr: ['bash: echo: write error: Device or resource busy'] });
    expect(upper[1]!.state).toBe('loaded.enabled');
  });
});

describe('since 5.1', () => {
  it('takes the disabled patch off klp_patches at once and queues free_work, keeping the module reference', () => {
    const neu = storyState(2).new;
    expect(neu.state).toBe('loaded.freeing');
    expect(neu.klpPatches).toEqual([]);
    expect(neu.module.refcnt).toBe(1);
    expect(fns(neu).slice(-3)).toEqual(['klp_free_patch_async()', 'klp_free_patch_start()', 'schedule_work()']);
    expect(fns(neu)).not.toContain('module_put()');
    // the directory is still there until the kworker runs: enabled=0, no object directories
    expect(neu.sysfs.present).toBe(true);
    expect(neu.sysfs.files.find((f) => f.name === 'enabled')?.value).toBe('0');
    expect(neu.sysfs.objects).toEqual([]);
  });

  it('never has a disabled patch on klp_patches', () => {
    const scripts = [STORY, [insmod, disable, enable, disable, work, enable, rmmod, insmod, disable, rmmod, work, rmmod, cat]];
    for (const script of scripts) {
      for (const side of play('new', script)) {
        expect(side.klpPatches.every((p) => p.enabled || p.transition)).toBe(true);
      }
    }
  });

  it('refuses echo 1 with EINVAL while the directory exists, ENOENT once free_work removed it', () => {
    const neu = storyState(3).new;
    expect(neu.outcome).toEqual({ status: 'error', stdout: [], stderr: ['bash: echo: write error: Invalid argument'], errno: 'EINVAL' });
    expect(fns(neu)).toEqual(['enabled_store()']);
    expect(neu.log).toEqual([]);
    expect(neu.state).toBe('loaded.freeing');
    expect(neu.ifLater).toEqual({
      status: 'error',
      stdout: [],
      stderr: [`bash: ${ENABLED_FILE}: No such file or directory`],
      errno: 'ENOENT',
    });
    const [, , , late] = play('new', [insmod, disable, work, enable]);
    expect(late!.outcome.stderr).toEqual([`bash: ${ENABLED_FILE}: No such file or directory`]);
    expect(fns(late!)).toEqual(['openat()']);
  });

  it('lets rmmod work only after the free: module refcount 0', () => {
    const [, , early, freed, removed] = play('new', [insmod, disable, rmmod, work, rmmod]);
    expect(early!.outcome.stderr).toEqual(['rmmod: ERROR: Module livepatch_sample is in use']);
    expect(early!.module.refcnt).toBe(1);
    expect(freed!.module.refcnt).toBe(0);
    expect(freed!.sysfs.present).toBe(false);
    expect(fns(freed!)).toEqual([
      'klp_free_patch_work_fn()',
      'klp_free_patch_finish()',
      'kobject_put()',
      'klp_kobj_release_patch()',
      'wait_for_completion()',
      'module_put()',
    ]);
    expect(removed!.outcome.status).toBe('ok');
    expect(removed!.module.loaded).toBe(false);
    // in the story
    expect([2, 3].map((i) => storyState(i).new.rmmod.works)).toEqual([false, false]);
    expect(storyState(4).new.module.refcnt).toBe(0);
    expect(storyState(4).new.rmmod.works).toBe(true);
    expect(storyState(5).new.outcome.status).toBe('ok');
  });

  it('has an empty module_exit and only klp_enable_patch() in module_init', () => {
    const removed = storyState(5).new;
    const exit = removed.calls.findIndex((c) => c.fn === 'livepatch_exit()');
    expect(exit).toBeGreaterThan(-1);
    expect(removed.calls[exit + 1]!.depth).toBeLessThanOrEqual(removed.calls[exit]!.depth);
    expect(storyState(4).new.rmmod.exitCalls).toEqual(['livepatch_exit()']);
    expect(SAMPLE_INIT_EXIT.new.exit).toEqual([]);
    const init = storyState(0).new;
    const i = init.calls.findIndex((c) => c.fn === 'livepatch_init()');
    expect(init.calls.filter((c, j) => j > i && c.depth === init.calls[i]!.depth + 1).map((c) => c.fn)).toEqual(SAMPLE_INIT_EXIT.new.init);
  });

  it('enables again by loading the module again', () => {
    const neu = storyState(6).new;
    expect(neu.outcome.status).toBe('ok');
    expect(neu.state).toBe('loaded.enabled');
    expect(neu.module.refcnt).toBe(1);
    expect(storyState(7).new.outcome.stdout).toEqual([PATCHED_CMDLINE]);
  });

  it('leaves nothing behind when klp_enable_patch() fails in module_init', () => {
    const [failed] = play('new', [insmod], { name: 'livepatch_sample', otherTransition: true });
    expect(failed!.outcome.stderr).toEqual(['insmod: ERROR: could not insert module livepatch-sample.ko: Device or resource busy']);
    expect(failed!.module.loaded).toBe(false);
    expect(failed!.sysfs.present).toBe(false);
    expect(failed!.klpPatches).toEqual([]);
  });

  it('has no stacking rule for disable', () => {
    const [, off] = play('new', [insmod, disable], { name: 'livepatch_sample', upperEnabled: true });
    expect(off!.outcome.status).toBe('ok');
  });
});

describe('the module reference, step by step', () => {
  it('is taken at enable and dropped at unpatch (old), taken at load and dropped by free_work (new)', () => {
    expect(all('old').map((s) => s.module.refcnt)).toEqual([1, 1, 0, 1, 1, 1, 1, 1]);
    expect(all('new').map((s) => (s.module.loaded ? s.module.refcnt : null))).toEqual([1, 1, 1, 1, 0, null, 1, 1]);
  });
});

describe('transitions that do not complete at once', () => {
  it('wait for klp_transition_work_fn() and can be reversed', () => {
    const input = { name: 'livepatch_sample', tasksSwitchAtOnce: false };
    const retry = { kind: 'work', line: null, event: { type: 'transition_work' } } as const;
    for (const api of APIS) {
      const [loaded, reversed, done] = play(api, [insmod, disable, retry], input);
      expect(loaded!.state).toBe('loaded.patching');
      expect(loaded!.sysfs.files.find((f) => f.name === 'transition')?.value).toBe('1');
      expect(reversed!.state).toBe('loaded.unpatching');
      expect(fns(reversed!)).toContain('klp_reverse_transition()');
      expect(done!.log).toEqual(["livepatch: 'livepatch_sample': unpatching complete"]);
      expect(done!.state).toBe(api === 'old' ? 'loaded.registered' : 'loaded.freeing');
      expect(done!.module.refcnt).toBe(api === 'old' ? 0 : 1);
    }
  });
});

describe('kernel log', () => {
  it('prints the kernel’s exact wordings', () => {
    const s0 = storyState(0);
    const enableLines = [
      "livepatch: enabling patch 'livepatch_sample'",
      "livepatch: 'livepatch_sample': starting patching transition",
      "livepatch: 'livepatch_sample': patching complete",
    ];
    expect(s0.old.log).toEqual(['livepatch_sample: tainting kernel with TAINT_LIVEPATCH', ...enableLines]);
    expect(s0.new.log).toEqual(s0.old.log);
    for (const api of APIS) {
      expect(storyState(2)[api].log).toEqual([
        "livepatch: 'livepatch_sample': starting unpatching transition",
        "livepatch: 'livepatch_sample': unpatching complete",
      ]);
    }
    expect(storyState(3).old.log).toEqual(enableLines);
    expect(storyState(3).new.log).toEqual([]);
    // pr_notice_once(): the taint notice is not printed again
    expect(storyState(6).new.log).toEqual(enableLines);
  });

  it('prints no line outside those wordings', () => {
    for (const api of APIS) {
      for (const side of all(api)) {
        for (const line of side.log) expect(KERNEL_LOG.some((re) => re.test(line)), line).toBe(true);
      }
    }
  });
});

describe('captions', () => {
  it('each names a kernel function that runs in its step, and compares both sides', () => {
    STORY_STEPS.forEach((step, i) => {
      expect(step.fn, `step ${i}`).toBeTruthy();
      expect(step.caption).toContain(`${step.fn}()`);
      const s = storyState(i);
      expect([...fns(s.old), ...fns(s.new)]).toContain(`${step.fn}()`);
      expect(step.caption).toMatch(/before 5\.1|both/i);
      expect(step.caption).toMatch(/5\.1|both/i);
      expect(step.file).toMatch(/\.c$/);
    });
  });

  it('keeps captions short: one or two sentences, naming at most two kernel functions', () => {
    STORY_STEPS.forEach((step, i) => {
      const sentences = step.caption.split(/(?<=[.!?]["”]?)\s+(?=[A-Z])/);
      expect(sentences.length, `step ${i}: ${step.caption}`).toBeLessThanOrEqual(2);
      const named = new Set([...step.caption.matchAll(/\b([a-z_][a-z0-9_]*)\(\)/g)].map((m) => m[1]));
      expect(named.size, `step ${i}: ${step.caption}`).toBeLessThanOrEqual(2);
    });
  });

  it('gives every step a focus on cells of its picture that show what the caption says', () => {
    STORY_STEPS.forEach((step, i) => {
      expect(step.focus.views).toEqual(['story']);
      const parts = step.focus.actors.map((a) => a.part);
      expect(parts.length, `step ${i}`).toBeGreaterThan(0);
      for (const p of parts) expect(PARTS).toContain(p);
      const s = storyState(i);
      // a focused cell of the calls shows the step's function
      for (const api of APIS) if (parts.includes(`${api}:calls`)) expect(s[api].calls.length, `step ${i} ${api}`).toBeGreaterThan(0);
      // a cell focused on one side only differs from the other side's, or changed in this step
      for (const p of parts) {
        const [api, row] = p.split(':') as [Api, string];
        const other = `${api === 'old' ? 'new' : 'old'}:${row}`;
        const aspect = ({ shell: 'outcome', klp_patches: 'klpPatches' } as Record<string, keyof SideState>)[row] ?? (row as keyof SideState);
        if (parts.includes(other as (typeof parts)[number]) || !(aspect in s.differs)) continue;
        const changed = i > 0 && JSON.stringify(storyState(i - 1)[api][aspect]) !== JSON.stringify(s[api][aspect]);
        expect(s.differs[aspect as keyof typeof s.differs] || changed, `step ${i}: ${p}`).toBe(true);
      }
    });
  });

  it('says that transitions are instantaneous here', () => {
    expect(LEDE).toMatch(/at once/);
    expect(LEDE).toMatch(/not the consistency model/);
  });

  it('quotes only errors the story produces', () => {
    const errors = APIS.flatMap((api) => all(api).flatMap((s) => [...s.outcome.stderr, ...(s.ifLater?.stderr ?? []), s.rmmod.message ?? '']));
    const text = errors.join('\n');
    for (const phrase of ['No such file or directory', 'in use', 'File exists', 'Invalid argument']) expect(text).toContain(phrase);
    expect(STORY_STEPS[3]!.caption).toContain('No such file or directory');
    expect(STORY_STEPS[6]!.caption).toContain('File exists');
  });
});

describe('machines', () => {
  it('start with the module not loaded and no reference', () => {
    expect(initialTransition(oldApiMachine, { name: 'p' })[0].value).toBe('unregistered');
    expect(initialTransition(newApiMachine, { name: 'p' })[0].value).toBe('unloaded');
    expect(initialTransition(newApiMachine, { name: 'p' })[0].context.refcnt).toBe(0);
  });

  it('old: klp_unregister_patch() is reached only from the disabled (registered) state', () => {
    for (const script of [[insmod, rmmod], [insmod, disable, enable, rmmod]]) {
      const last = play('old', script).at(-1)!;
      expect(fns(last)).not.toContain('klp_unregister_patch()');
      expect(last.outcome.stderr).toEqual(['rmmod: ERROR: Module livepatch_sample is in use']);
    }
  });

  it('new: free_work is the only way from disabled to an unloadable module', () => {
    const m = newApiMachine;
    let s = initialTransition(m, { name: 'livepatch_sample' })[0];
    for (const e of [insmod.event, disable.event]) s = transition(m, s, e)[0];
    expect(s.value).toEqual({ loaded: 'freeing' });
    for (const e of [enable.event, disable.event, rmmod.event, insmod.event, cat.event]) {
      expect(transition(m, s, e)[0].value).toEqual({ loaded: 'freeing' });
    }
    expect(transition(m, s, work.event)[0].value).toEqual({ loaded: 'freed' });
  });
});
