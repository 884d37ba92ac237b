/**
 * The story as its two kernels play it (engine.ts: the engine at 4.19 and at
 * 5.10, the same commands): what each shows after every step.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, ENABLED_FILE, LEDE, PARTS, SAMPLE_INIT_EXIT, STEP_COUNT, STORY, STORY_STEPS, storyState, usePlayed, type Api, type SideState } from './model';
import { playBoth, playOnEngine } from './engine';
import { api51Scenario } from './scenario';

const { insmod, cat, disable, enable, rmmod, work } = COMMANDS;
const APIS: Api[] = ['old', 'new'];
const PATCHED_CMDLINE = 'this has been live patched';
const all = (api: Api): SideState[] => Array.from({ length: STEP_COUNT }, (_, i) => storyState(i)[api]);
const fns = (side: SideState) => side.calls.map((c) => c.fn);
/** the functions called directly by the first call of `fn` */
const childrenOf = (side: SideState, fn: string) => {
  const at = side.calls.findIndex((c) => c.fn === fn);
  const depth = side.calls[at]!.depth;
  const out: string[] = [];
  for (const c of side.calls.slice(at + 1)) {
    if (c.depth <= depth) break;
    if (c.depth === depth + 1) out.push(c.fn);
  }
  return out;
};

beforeAll(() => usePlayed(playBoth()));

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

  it('is deterministic, refuses answers to another script, and storyState() clamps out-of-range steps', () => {
    expect(playOnEngine('old')).toEqual(playOnEngine('old'));
    expect(() => usePlayed({ old: playOnEngine('old', [insmod]), new: playOnEngine('new', [insmod]) })).toThrow(/other steps/);
    expect(storyState(-3).step).toBe(0);
    expect(storyState(99).step).toBe(STEP_COUNT - 1);
    expect(storyState(Number.NaN).step).toBe(0);
  });

  it('loads and patches the same way on both kernels; only the calls (and which sysfs files exist) differ', () => {
    const s = storyState(0);
    for (const api of APIS) {
      expect(s[api].outcome.status).toBe('ok');
      expect(s[api].module).toEqual({ loaded: true, refcnt: 1 });
      expect(s[api].klpPatches).toEqual([{ name: 'livepatch_sample', enabled: true, transition: false }]);
      expect(s[api].sysfs.files.find((f) => f.name === 'enabled')?.value).toBe('1');
      expect(s[api].sysfs.files.find((f) => f.name === 'transition')?.value).toBe('0');
    }
    // 4.19 has the signal file (4.15 – 5.0), 5.10 not
    expect(s.old.sysfs.files.map((f) => f.name)).toContain('signal');
    expect(s.new.sysfs.files.map((f) => f.name)).not.toContain('signal');
    // (the story marks a sysfs row as differing by what the files say, not by which files exist)
    expect(Object.entries(s.differs).filter(([, d]) => d).map(([k]) => k)).toEqual(['calls']);
    expect(storyState(1).old.outcome.stdout).toEqual([PATCHED_CMDLINE]);
    expect(storyState(1).new.outcome.stdout).toEqual([PATCHED_CMDLINE]);
  });

  it('runs every step until its transition has completed', () => {
    for (const api of APIS) {
      for (const side of all(api)) {
        expect(side.klpPatches.every((p) => !p.transition)).toBe(true);
        expect(side.sysfs.files.find((f) => f.name === 'transition')?.value ?? '0').toBe('0');
      }
    }
  });
});

describe('before 5.1 (4.19)', () => {
  it('keeps the disabled patch registered: on klp_patches, in sysfs, enabled=0, no module reference', () => {
    const old = storyState(2).old;
    expect(old.state).toBe('registeredPatch.registered');
    expect(old.label).toMatch(/registered and disabled/);
    expect(old.klpPatches).toEqual([{ name: 'livepatch_sample', enabled: false, transition: false }]);
    expect(old.sysfs.present).toBe(true);
    expect(old.sysfs.files.find((f) => f.name === 'enabled')?.value).toBe('0');
    expect(old.sysfs.objects.map((o) => o.name)).toEqual(['vmlinux']);
    // the reference taken at enable is dropped when the unpatching transition completes
    expect(old.module.refcnt).toBe(0);
    expect(fns(old).indexOf('module_put()')).toBeGreaterThan(fns(old).indexOf('klp_complete_transition()'));
    expect(fns(old)).not.toContain('klp_free_patch_async()');
  });

  it('re-enables the patch with echo 1, taking the module reference again', () => {
    const old = storyState(3).old;
    expect(old.outcome).toEqual({ status: 'ok', stdout: [], stderr: [] });
    expect(old.state).toBe('registeredPatch.enabled');
    expect(fns(old).slice(0, 3)).toEqual(['enabled_store()', '__klp_enable_patch()', 'try_module_get()']);
    expect(old.module.refcnt).toBe(1);
    expect(old.klpPatches).toEqual([{ name: 'livepatch_sample', enabled: true, transition: false }]);
  });

  it('refuses rmmod while the patch is enabled, and a second insmod', () => {
    const old = storyState(5).old;
    expect(old.outcome.status).toBe('error');
    expect(old.outcome.stderr).toEqual(['rmmod: ERROR: Module livepatch_sample is in use']);
    expect(old.module).toEqual({ loaded: true, refcnt: 1 });
    const again = storyState(6).old;
    expect(again.outcome.stderr).toEqual(['insmod: ERROR: could not insert module livepatch-sample.ko: File exists']);
    expect(again.calls.find((c) => c.fn === 'add_unformed_module()')?.note).toMatch(/-EEXIST/);
  });

  it('calls klp_register_patch() then klp_enable_patch() from module_init', () => {
    expect(childrenOf(storyState(0).old, 'livepatch_init()')).toEqual(SAMPLE_INIT_EXIT.old.init);
  });

  it('calls klp_unregister_patch() from module_exit, once the patch is disabled', () => {
    const [, , removed] = playOnEngine('old', [insmod, disable, rmmod]);
    expect(removed!.outcome.status).toBe('ok');
    expect(childrenOf(removed!, 'livepatch_exit()')).toEqual(SAMPLE_INIT_EXIT.old.exit);
    expect(removed!.sysfs.present).toBe(false);
    expect(removed!.klpPatches).toEqual([]);
    expect(removed!.module.loaded).toBe(false);
    expect(storyState(2).old.rmmod).toEqual({
      works: true,
      exitCalls: ['livepatch_exit()', ...SAMPLE_INIT_EXIT.old.exit, 'klp_free_patch()', 'kobject_put()', 'klp_kobj_release_patch()', 'wait_for_completion()'],
    });
  });
});

describe('since 5.1 (5.10)', () => {
  it('takes the disabled patch off klp_patches at once and queues free_work, keeping the module reference', () => {
    const neu = storyState(2).new;
    expect(neu.state).toBe('patch.disabled');
    expect(neu.klpPatches).toEqual([]);
    expect(neu.module.refcnt).toBe(1);
    expect(fns(neu).slice(-3)).toEqual(['klp_free_patch_async()', 'klp_free_patch_start()', 'schedule_work()']);
    expect(fns(neu)).not.toContain('module_put()');
    // the directory is still there until the kworker runs: enabled=0, no object directories
    expect(neu.sysfs.present).toBe(true);
    expect(neu.sysfs.files.find((f) => f.name === 'enabled')?.value).toBe('0');
    expect(neu.sysfs.objects).toEqual([]);
  });

  it('takes the module reference in klp_init_patch_early() (5.1 – 5.16), and says when that moved', () => {
    const s = storyState(0).new;
    expect(childrenOf(s, 'klp_init_patch_early()')).toEqual(['try_module_get()']);
    const get = s.calls.find((c) => c.fn === 'try_module_get()');
    expect(get?.note).toContain('5.1–5.16');
    expect(get?.note).toContain('since 5.17');
  });

  it('never has a disabled patch on klp_patches', () => {
    for (const script of [STORY, [insmod, disable, enable, disable, work, enable, rmmod, insmod, disable, rmmod, work, rmmod, cat]]) {
      for (const side of playOnEngine('new', script)) expect(side.klpPatches.every((p) => p.enabled || p.transition)).toBe(true);
    }
  });

  it('refuses echo 1 with EINVAL while the directory exists, ENOENT once free_work removed it', () => {
    const neu = storyState(3).new;
    expect(neu.outcome).toEqual({ status: 'error', stdout: [], stderr: ['bash: echo: write error: Invalid argument'], errno: 'EINVAL' });
    expect(fns(neu)).toEqual(['enabled_store()']);
    expect(neu.log).toEqual([]);
    expect(neu.ifLater).toEqual({ status: 'error', stdout: [], stderr: [`bash: ${ENABLED_FILE}: No such file or directory`], errno: 'ENOENT' });
    const [, , , late] = playOnEngine('new', [insmod, disable, work, enable]);
    expect(late!.outcome.stderr).toEqual([`bash: ${ENABLED_FILE}: No such file or directory`]);
    expect(fns(late!)).toEqual([]);
  });

  it('lets rmmod work only after the free: module refcount 0', () => {
    const [, , early, freed, removed] = playOnEngine('new', [insmod, disable, rmmod, work, rmmod]);
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
    expect([2, 3].map((i) => storyState(i).new.rmmod.works)).toEqual([false, false]);
    expect(storyState(4).new.module.refcnt).toBe(0);
    expect(storyState(4).new.rmmod.works).toBe(true);
    expect(storyState(5).new.outcome.status).toBe('ok');
  });

  it('has an empty module_exit and only klp_enable_patch() in module_init', () => {
    expect(childrenOf(storyState(5).new, 'livepatch_exit()')).toEqual(SAMPLE_INIT_EXIT.new.exit);
    expect(storyState(4).new.rmmod.exitCalls).toEqual(['livepatch_exit()']);
    expect(childrenOf(storyState(0).new, 'livepatch_init()')).toEqual(SAMPLE_INIT_EXIT.new.init);
  });

  it('enables again by loading the module again', () => {
    const neu = storyState(6).new;
    expect(neu.outcome.status).toBe('ok');
    expect(neu.state).toBe('patch.enabled');
    expect(neu.module.refcnt).toBe(1);
    expect(storyState(7).new.outcome.stdout).toEqual([PATCHED_CMDLINE]);
  });
});

describe('the module reference, step by step', () => {
  it('is taken at enable and dropped at unpatch (4.19), taken at load and dropped by free_work (5.10)', () => {
    expect(all('old').map((s) => s.module.refcnt)).toEqual([1, 1, 0, 1, 1, 1, 1, 1]);
    expect(all('new').map((s) => (s.module.loaded ? s.module.refcnt : null))).toEqual([1, 1, 1, 1, 0, null, 1, 1]);
  });
});

describe('kernel log', () => {
  it('prints the same livepatch lines on both kernels where they do the same', () => {
    const enableLines = [
      "livepatch: enabling patch 'livepatch_sample'",
      "livepatch: 'livepatch_sample': starting patching transition",
      "livepatch: 'livepatch_sample': patching complete",
    ];
    const s0 = storyState(0);
    expect(s0.old.log.filter((l) => l.startsWith('livepatch: '))).toEqual(enableLines);
    expect(s0.new.log).toEqual(s0.old.log);
    expect(s0.old.log).toContain('livepatch_sample: tainting kernel with TAINT_LIVEPATCH');
    for (const api of APIS) {
      expect(storyState(2)[api].log).toEqual(["livepatch: 'livepatch_sample': starting unpatching transition", "livepatch: 'livepatch_sample': unpatching complete"]);
    }
    expect(storyState(3).old.log).toEqual(enableLines);
    expect(storyState(3).new.log).toEqual([]);
    // the taint notices are printed once
    expect(storyState(6).new.log).toEqual(enableLines);
  });
});

describe('the function graph', () => {
  it('notes every transition that waited for a kworker', () => {
    for (const api of APIS) {
      for (const side of all(api)) {
        side.calls.forEach((c, i) => {
          if (c.fn !== 'klp_try_complete_transition()') return;
          const completed = side.calls[i + 1]?.fn === 'klp_complete_transition()';
          expect(c.note).toBe(completed ? 'every task has switched' : 'a task has not switched yet: klp_transition_work retries');
        });
      }
    }
  });

  it('tells kmod reading /proc/cmdline apart from cat', () => {
    expect(storyState(1).old.calls[0]!.note).toBe('read through seq_read()');
    expect(storyState(5).old.calls[0]!.note).toMatch(/^kmod_new\(\) reads \/proc\/cmdline.*the patched function runs$/);
    expect(storyState(0).old.calls[0]!.note).toBe('kmod_new() reads /proc/cmdline for module options');
    expect(storyState(5).old.calls.find((c) => c.fn === 'check_module_inuse()')).toMatchObject({ user: true, note: 'kmod reads /sys/module/livepatch_sample/refcnt: 1' });
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

  it('says which kernels play it and what it leaves out', () => {
    expect(LEDE).toMatch(/4\.19 and 5\.10/);
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
