/**
 * The story's two API machines against the engine: the same commands typed
 * into a 4.19 kernel (register + enable) and a 5.10 kernel (the 5.1 API)
 * give, step by step, what the story shows on each side: the shell's
 * answer, the livepatch core's log lines, the sysfs directory, klp_patches
 * and the module's reference count. The story's "transitions complete at
 * once" is the engine running its events until the transition is done (the
 * samples' cmdline_proc_show() is on no task's stack); its "a kworker runs
 * free_work" is the engine settling.
 */
import { describe, expect, it } from 'vitest';
import { bootKernel } from '../../kernel/boot';
import { Shell } from '../../kernel/shell/shell';
import { settle } from '../../kernel/settle';
import { lookup } from '../../kernel/fs/vfs';
import { moduleRefcnt } from '../../kernel/module/types';
import { patchEnabled } from '../../kernel/machines/patch.machine';
import type { Release } from '../../kernel/release/releases';
import { PATCH_DIR, PATCH_NAME, STORY, play, type Api } from './model';

const RELEASE: Record<Api, Release> = { old: '4.19', new: '5.10' };

function engineSide(api: Api) {
  const k = bootKernel({ release: RELEASE[api] });
  const sh = new Shell(k);
  sh.run('cd /usr/src/linux/samples/livepatch');
  settle(k);
  const from = { log: k.log.records.length };
  return STORY.map((input) => {
    let stdout: string[] = [];
    let stderr: string[] = [];
    let status = 0;
    if (input.line === null) settle(k);
    else {
      const r = sh.run(input.line);
      // the transition's own events (its retries), not the work it leaves queued
      while (k.transitionRunning() && k.step());
      [stdout, stderr, status] = [lines(r.stdout), lines(r.stderr), r.status];
    }
    const log = k.log.records.slice(from.log).map((r) => r.text).filter((t) => t.startsWith('livepatch: '));
    from.log = k.log.records.length;
    const mod = k.modules.get(PATCH_NAME);
    return {
      status,
      stdout,
      stderr,
      log,
      sysfs: lookup(k, PATCH_DIR) !== null,
      klpPatches: k.klp.patches.map((p) => ({ name: p.mod.name, enabled: patchEnabled(String(p.machine.value)) })),
      module: { loaded: mod !== undefined, refcnt: mod ? moduleRefcnt(mod) : 0 },
    };
  });
}

const lines = (text: string) => (text ? text.replace(/\n$/, '').split('\n') : []);

describe('the "Before and after 5.1" story against the engine', () => {
  for (const api of ['old', 'new'] as const) {
    it(`${api === 'old' ? 'before 5.1 (4.19)' : 'since 5.1 (5.10)'}: every step shows what the kernel does`, () => {
      const story = play(api, STORY);
      const engine = engineSide(api);
      story.forEach((side, i) => {
        const e = engine[i]!;
        const at = `step ${i} (${STORY[i]!.line ?? 'free_work'})`;
        expect(e.status === 0, at).toBe(side.outcome.status !== 'error');
        expect(e.stdout, at).toEqual(side.outcome.stdout);
        expect(e.stderr, at).toEqual(side.outcome.stderr);
        expect(e.log, at).toEqual(side.log.filter((l) => l.startsWith('livepatch: ')));
        expect(e.sysfs, at).toBe(side.sysfs.present);
        expect(e.klpPatches, at).toEqual(side.klpPatches.map((p) => ({ name: p.name, enabled: p.enabled })));
        expect(e.module, at).toEqual(side.module);
      });
    });
  }
});
