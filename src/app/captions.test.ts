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
