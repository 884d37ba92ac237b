import { describe, expect, it } from 'vitest';
import { Timeline, DEFAULT_SETUP, type Setup } from './timeline';
import { Shell } from '../kernel/shell/shell';

const withShell = (setup: Setup = DEFAULT_SETUP) => new Timeline(setup, (k) => new Shell(k));
import { snapshot } from '../kernel/view/snapshot';
import { WorkLimitExceeded } from '../kernel/kernel';
import { LIMITS } from '../app/links';

const LP = '/sys/kernel/livepatch/test_klp_livepatch';

describe('Timeline', () => {
  it('without a shell steps kernel events but refuses commands; with one, runs them', () => {
    const t = new Timeline();
    expect(t.view().tasks.length).toBeGreaterThan(0);
    expect(() => t.command('lsmod')).toThrow(/shell/);
    expect(t.length).toBe(0);
    expect(withShell().command('lsmod').term[1]).toEqual({ kind: 'out', text: 'Module                  Size  Used by' });
  });

  it('steps a command, then its kernel events one by one, to the settled state', () => {
    const t = withShell();
    const rec = t.command('insmod test_modules/test_klp_livepatch.ko');
    expect(rec.term[0]).toEqual({ kind: 'prompt', text: 'insmod test_modules/test_klp_livepatch.ko' });
    expect(rec.log.map((r) => r.text)).toContain("livepatch: 'test_klp_livepatch': starting patching transition");
    expect(t.view().transition.patch).toBe('test_klp_livepatch');
    const n = t.settle();
    expect(n).toBeGreaterThan(0);
    expect(t.position).toBe(1 + n);
    expect(t.view().transition.patch).toBeNull();
    expect(t.records.some((r) => r.event === 'klp_transition_work_fn')).toBe(true);
  });

  it('going back and forth gives identical views', () => {
    const t = withShell();
    t.command('insmod test_modules/test_klp_livepatch.ko');
    t.settle();
    t.command(`echo 0 > ${LP}/enabled`);
    t.settle();
    const end = t.position;
    const views = [];
    for (let i = 0; i <= end; i++) {
      t.goto(i);
      views.push(JSON.stringify(snapshot(t.k)));
    }
    for (let i = end; i >= 0; i--) {
      t.goto(i);
      expect(JSON.stringify(snapshot(t.k))).toBe(views[i]);
    }
    t.goto(end);
    expect(t.view().patches).toEqual([]);
  });

  it('acting after going back drops the future', () => {
    const t = withShell();
    t.command('insmod test_modules/test_klp_livepatch.ko');
    t.settle();
    t.command(`echo 0 > ${LP}/enabled`);
    t.goto(1);
    t.command('cat /proc/cmdline');
    expect(t.length).toBe(2);
    expect(t.inputs.map((i) => i.kind)).toEqual(['command', 'command']);
  });

  it('wake is a simulation control: a user task sleeping in the patched function returns and switches', () => {
    const t = withShell({
      config: {},
      selftest: true,
      lines: [],
      tasks: [{ comm: 'top', kind: 'user', sleepsIn: ['seq_read_iter', 'meminfo_proc_show'], state: 'D' }],
    });
    t.command('insmod test_modules/test_klp_atomic_replace.ko');
    t.settle();
    const top = () => t.view().tasks.find((x) => x.comm === 'top')!;
    expect(top().pending).toBe(true);
    expect(top().blockedBy).toBe('meminfo_proc_show');
    expect(t.view().transition.patch).toBe('test_klp_atomic_replace');
    t.wake(top().pid);
    expect(top().pending).toBe(false);
    expect(top().stack).toContain('livepatch_meminfo_proc_show [test_klp_atomic_replace]');
    t.settle();
    expect(t.view().transition.patch).toBeNull();
    // Replaying the inputs reproduces it exactly.
    const end = t.position;
    t.goto(0);
    t.goto(end);
    expect(t.view().transition.patch).toBeNull();
  });
});

describe('Timeline.load within a work budget (links are untrusted)', () => {
  const stalled = (): Timeline => {
    const t = withShell();
    t.load([
      { kind: 'command', line: 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y' },
      { kind: 'settle' },
      { kind: 'command', line: 'insmod test_modules/test_klp_callbacks_demo.ko' },
    ]);
    return t;
  };

  it('stops a short input that asks for too much simulation, and lifts the limit after', () => {
    const t = stalled();
    // a day of retries against a task that never switches: far more than the budget
    expect(() => t.load([{ kind: 'advance', seconds: 86_400 }], LIMITS.work)).toThrow(WorkLimitExceeded);
    expect(t.k.workLimit).toBe(Infinity);
  });

  it('lets an ordinary situation through, the same as without a budget', () => {
    const a = stalled();
    a.load([{ kind: 'advance', seconds: 30 }], LIMITS.work);
    const b = stalled();
    b.load([{ kind: 'advance', seconds: 30 }]);
    expect(JSON.stringify(a.view())).toBe(JSON.stringify(b.view()));
  });
});

describe('Timeline.replayWork', () => {
  it('is what replaying every input costs, wherever the timeline stands', () => {
    const t = withShell();
    t.load([
      { kind: 'command', line: 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y' },
      { kind: 'settle' },
      { kind: 'command', line: 'insmod test_modules/test_klp_callbacks_demo.ko' },
      { kind: 'advance', seconds: 20 },
    ]);
    const all = t.replayWork();
    const fresh = withShell();
    const before = fresh.k.work;
    fresh.load(t.inputs);
    expect(all).toBe(fresh.k.work - before);
    t.goto(1);
    expect(t.replayWork()).toBe(all);
    t.command('lsmod'); // acting in the past drops the future and its cost
    expect(t.replayWork()).toBeLessThan(all);
  });
});

describe('a command that never returns', () => {
  it('keeps its terminal blocked; Ctrl-C is a step of its own, replayed like any other', () => {
    const t = withShell();
    t.command('insmod test_modules/test_klp_callbacks_demo.ko');
    t.settle();
    t.command('insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
    const blocked = t.blocked();
    expect(blocked).toMatchObject({ comm: 'insmod', state: 'D' });
    const rec = t.interrupt();
    expect(rec.term[0]).toEqual({ kind: 'err', text: '^C' });
    expect(rec.term[1]!.text).toMatch(/a task in D state is not woken by signals/);
    t.goto(0);
    expect(t.blocked()).toBeNull();
    t.goto(t.length);
    expect(t.blocked()).toEqual(blocked);
  });
});

describe("a background job's output in the page's terminal", () => {
  const text = (rec: { term: { kind: string; text: string }[] }) => rec.term.map((l) => `${l.kind}: ${l.text}`);

  it('shows in the order the terminal showed it: [1] PID first, the job between the foreground commands', () => {
    const t = withShell();
    const rec = t.command('{ sleep 1; echo bg; } & echo fg0; sleep 2; echo fg1');
    const pid = /^\[1\] (\d+)$/.exec(rec.term[1]!.text)![1];
    expect(text(rec)).toEqual([
      'prompt: { sleep 1; echo bg; } & echo fg0; sleep 2; echo fg1',
      `err: [1] ${pid}`,
      'out: fg0',
      'out: bg',
      'err: [1]+  Done                    { sleep 1; echo bg; }',
      'out: fg1',
    ]);
  });

  it('shows in the step whose events ran it; Done comes with the next command, as bash reports it at its next prompt', () => {
    const t = withShell();
    t.command('sleep 5 && echo hi &');
    expect(text(t.advance(4))).toEqual([]);
    expect(text(t.advance(2))).toEqual(['out: hi']);
    expect(text(t.command('true'))).toEqual(['prompt: true', 'err: [1]+  Done                    sleep 5 && echo hi']);
    // replayed (going back and forth), the steps show the same
    const shown = t.records.map(text);
    t.goto(0);
    t.goto(t.length);
    expect(t.records.map(text)).toEqual(shown);
  });
});
