import { describe, expect, it } from 'vitest';
import { bootKernel } from '../boot';
import { Shell } from '../shell/shell';
import { settle } from '../settle';
import { FunctionGraph, fcall, fentry } from './fgraph';

/** The graph of one command typed into a fresh kernel of `release` (after `before`), until the kernel settles. */
function graphOf(release: '4.19' | '5.10' | '7.1', line: string, before: string[] = []) {
  const k = bootKernel({ release });
  const sh = new Shell(k);
  sh.run('cd /usr/src/linux/samples/livepatch');
  for (const b of before) {
    sh.run(b);
    settle(k);
  }
  k.fgraph = new FunctionGraph();
  sh.run(line);
  settle(k); // and what it left queued: a transition's retries, the free work
  const calls = k.fgraph.calls;
  k.fgraph = null;
  return calls;
}

const indented = (calls: { fn: string; depth: number }[]) => calls.map((c) => `${'  '.repeat(c.depth)}${c.fn}`);

describe('the function graph', () => {
  it('records nothing without a recorder, and nests calls under their caller with one', () => {
    const k = { fgraph: null as FunctionGraph | null };
    fcall(k, 'nowhere');
    k.fgraph = new FunctionGraph();
    {
      using _ = fentry(k, 'outer');
      fcall(k, 'inner');
      {
        using __ = fentry(k, 'middle');
        fcall(k, 'leaf', true);
      }
    }
    fcall(k, 'after');
    expect(k.fgraph.calls).toEqual([
      { fn: 'outer()', depth: 0 },
      { fn: 'inner()', depth: 1 },
      { fn: 'middle()', depth: 1 },
      { fn: 'leaf()', depth: 2, user: true },
      { fn: 'after()', depth: 0 },
    ]);
    expect(k.fgraph.depth).toBe(0);
  });

  it('unwinds when a traced function throws', () => {
    const k = { fgraph: new FunctionGraph() };
    expect(() => {
      using _ = fentry(k, 'fails');
      throw new Error('-EINVAL');
    }).toThrow();
    fcall(k, 'next');
    expect(k.fgraph.calls.at(-1)).toEqual({ fn: 'next()', depth: 0 });
  });

  it("takes the patch module's reference where the release did: klp_init_patch_early() 5.1 – 5.16, klp_enable_patch() since 5.17", () => {
    const at510 = indented(graphOf('5.10', 'insmod livepatch-sample.ko'));
    const mainline = indented(graphOf('7.1', 'insmod livepatch-sample.ko'));
    const under = (lines: string[], fn: string) => {
      const i = lines.findIndex((l) => l.trim() === fn);
      return lines[i + 1]!.trim();
    };
    expect(under(at510, 'klp_init_patch_early()')).toBe('try_module_get()');
    expect(under(mainline, 'klp_enable_patch()')).toBe('try_module_get()');
    expect(mainline.map((l) => l.trim())).toContain('klp_init_patch_early()');
    expect(under(mainline, 'klp_init_patch_early()')).not.toBe('try_module_get()');
  });

  it('shows the API of each era from the same command: register + enable before 5.1, enable alone since', () => {
    const names = (calls: { fn: string }[]) => calls.map((c) => c.fn);
    const old = names(graphOf('4.19', 'insmod livepatch-sample.ko'));
    const neu = names(graphOf('5.10', 'insmod livepatch-sample.ko'));
    expect(old.indexOf('klp_register_patch()')).toBeGreaterThan(-1);
    expect(old.indexOf('klp_register_patch()')).toBeLessThan(old.indexOf('klp_enable_patch()'));
    expect(neu).not.toContain('klp_register_patch()');
    // the disable: 4.19 drops the reference when unpatching completes, 5.10 frees the patch from a workqueue
    const echo0 = 'echo 0 > /sys/kernel/livepatch/livepatch_sample/enabled';
    const offOld = names(graphOf('4.19', echo0, ['insmod livepatch-sample.ko']));
    const offNew = names(graphOf('5.10', echo0, ['insmod livepatch-sample.ko']));
    expect(offOld).toContain('__klp_disable_patch()');
    expect(offNew).toContain('__klp_disable_patch()');
    expect(offOld).toContain('module_put()');
    expect(offOld).not.toContain('klp_free_patch_async()');
    // queued from the sysfs write's transition, run later by a kworker: the reference goes last
    const free = offNew.slice(offNew.indexOf('klp_free_patch_async()'));
    expect(free.slice(0, 4)).toEqual(['klp_free_patch_async()', 'klp_free_patch_start()', 'schedule_work()', 'klp_free_patch_work_fn()']);
    expect(free.at(-1)).toBe('module_put()');
  });
});
