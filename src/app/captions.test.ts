import { describe, expect, it } from 'vitest';
import { caption } from './captions';
import { Timeline } from '../session/timeline';
import { Shell } from '../kernel/shell/shell';

describe('a command step’s caption', () => {
  it('says time passes for `sleep N`, and that `sleep N &` returns at once without it', () => {
    const t = new Timeline(undefined, (k) => new Shell(k));
    const fg = caption(t.command('sleep 5'));
    expect(fg.text).toMatch(/^5 virtual seconds pass/);
    const bg = t.command('sleep 5 &');
    expect(bg.time).toBe(t.records[0]!.time);
    expect(caption(bg)).toEqual(expect.objectContaining({ fn: 'hrtimer_nanosleep' }));
  });

  it('names the fork of a job of several commands, and does not take bash\'s job lines for a failure', () => {
    const t = new Timeline(undefined, (k) => new Shell(k));
    expect(caption(t.command('{ sleep 1; echo done; } &'))).toEqual(expect.objectContaining({ fn: 'kernel_clone' }));
    t.advance(2);
    const next = t.command('true');
    expect(next.term.map((l) => l.text)).toContain('[1]+  Done                    { sleep 1; echo done; }');
    expect(caption(next).text).toBe('The shell runs `true`.');
    expect(caption(t.command('cat /nonexistent')).text).toBe('cat: /nonexistent: No such file or directory');
  });
});

describe('captions on a kernel of the register + enable API (before 5.1)', () => {
  it('say the patch stays registered and the reference comes back at the end of the unpatching, not from free_work', () => {
    const t = new Timeline({ config: { release: '4.19' }, selftest: true, lines: [] }, (k) => new Shell(k));
    const load = caption(t.command('insmod samples/livepatch/livepatch-sample.ko'), true);
    expect(load.text).toContain('klp_register_patch()');
    t.settle();
    expect(caption(t.command('rmmod livepatch_sample'), true)).toEqual(expect.objectContaining({ fn: 'klp_complete_transition', text: expect.stringContaining('until its unpatching completes') }));
    const disable = caption(t.command('echo 0 > /sys/kernel/livepatch/livepatch_sample/enabled'), true);
    expect(disable.text).toContain('stays registered');
    expect(disable.text).not.toContain('workqueue');
    t.settle();
    expect(caption(t.command('echo 1 > /sys/kernel/livepatch/livepatch_sample/enabled'), true)).toEqual(expect.objectContaining({ fn: '__klp_enable_patch' }));
  });

  it('a write to a file that is not there is the shell\'s failure, not a store\'s', () => {
    const t = new Timeline(undefined, (k) => new Shell(k));
    const c = caption(t.command('echo 1 > /sys/kernel/livepatch/nothing/enabled'));
    expect(c.fn).toBe('');
    expect(c.text).toMatch(/^No such file: /);
  });

  it("a selftest module replayed on a 4.19 kernel: no such module in its tree, and what it has instead", () => {
    const t = new Timeline({ config: { release: '4.19' }, selftest: true, lines: [] }, (k) => new Shell(k));
    const c = caption(t.command('insmod test_modules/test_klp_livepatch.ko'), true);
    expect(c.fn).toBe('');
    expect(c.text).toMatch(/^No such module in this kernel's tree: insmod: ERROR: could not load module test_modules\/test_klp_livepatch\.ko: No such file or directory\./);
    expect(c.text).toContain('samples/livepatch/*.ko');
    // modprobe's own words for it
    expect(caption(t.command('modprobe test_klp_livepatch'), true).text).toMatch(/^No such module in this kernel's tree: modprobe: FATAL: Module test_klp_livepatch not found in directory/);
    // at a release with the selftests, the same words without the history
    const now = new Timeline(undefined, (k) => new Shell(k));
    expect(caption(now.command('insmod test_modules/test_klp_nothing.ko')).text).toBe(
      "No such module in this kernel's tree: insmod: ERROR: could not load module test_modules/test_klp_nothing.ko: No such file or directory.",
    );
  });

  it('rmmod -f that forced a module out says so, not that it had no references', () => {
    const t = new Timeline({ config: { distribution: 'debian-12', release: '6.1' }, selftest: true, lines: [] }, (k) => new Shell(k));
    t.command('insmod test_modules/test_klp_livepatch.ko');
    t.settle();
    const c = caption(t.command('rmmod -f test_klp_livepatch'));
    expect(c.text).toMatch(/^delete_module\(\) with O_TRUNC forced it out, in use or not/);
    // refused without CONFIG_MODULE_FORCE_UNLOAD: the error alone, once
    const plain = new Timeline(undefined, (k) => new Shell(k));
    plain.command('insmod test_modules/test_klp_livepatch.ko');
    expect(caption(plain.command('rmmod -f test_klp_livepatch')).text).toMatch(/^rmmod: ERROR: .*Resource temporarily unavailable$/);
  });
});
