/**
 * The session answers the page with plain snapshots, holds every new input
 * to a work budget, and never loses what the user had: a line that asks too
 * much or fails inside the engine leaves the situation exactly as before.
 */
import { describe, expect, it } from 'vitest';
import { Session } from './session';
import { decodeView, patch, type Reply, type Request, type Snapshot } from './protocol';
import type { KernelView } from '../kernel/view/types';
import { DEFAULT_SETUP, type Input } from './situation';
import { LIMITS } from '../app/links';
import { WorkLimitExceeded } from '../kernel/kernel';
import { COMMANDS } from '../kernel/shell/commands';

const STALL: Input[] = [
  { kind: 'command', line: 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y' },
  { kind: 'settle' },
  { kind: 'command', line: 'insmod test_modules/test_klp_callbacks_demo.ko' },
];

function ok(r: Reply): Snapshot {
  if (!r.ok) throw new Error(r.error);
  return r.snap;
}

/** A snapshot as the page reads it: its views decoded, and how the view before crossed. */
type Seen = Omit<Snapshot, 'view' | 'prev'> & { view: KernelView; prev: KernelView | null; sentPrev: Snapshot['prev'] };

/** A page's copy of the lists, built only from the deltas, as state.svelte.ts builds it. */
class Page {
  inputs: Input[] = [];
  log: string[] = [];
  times: number[] = [];
  last!: Seen;
  constructor(readonly s: Session) {}
  ask(req: Request): Seen {
    const sent = ok(this.s.handle(req));
    const last = this.last?.view ?? null;
    const view = decodeView(sent.view, last);
    const prev = sent.prev === 'last' ? last : sent.prev && decodeView(sent.prev, view);
    const snap = { ...sent, view, prev, sentPrev: sent.prev };
    this.inputs = patch(this.inputs, snap.inputs);
    this.log = patch(this.log, { keep: snap.log.keep, add: snap.log.add.map((r) => r.text) });
    this.times = patch(this.times, { keep: snap.records.keep, add: snap.records.add.map((r) => r.time) });
    this.last = snap;
    return snap;
  }
}

const open = (inputs: Input[] = STALL): Request => ({ op: 'open', setup: DEFAULT_SETUP, inputs, step: inputs.length, workLimit: Infinity });

describe('Session', () => {
  it('sends only what changed, and the copies it builds match a fresh session at every step', () => {
    const page = new Page(new Session());
    page.ask(open());
    expect(page.last.catalog?.some((c) => c.name === 'test_klp_livepatch')).toBe(true);
    page.ask({ op: 'command', line: 'lsmod', settleAfter: false });
    const step = page.ask({ op: 'advance', seconds: 2, });
    expect(step.log.keep).toBeGreaterThan(0); // the log before the step is not sent again
    expect(step.records.keep).toBe(step.position - 1);
    // A step forward: the view before is the one the page already has.
    expect(step.sentPrev).toBe('last');
    expect(page.ask({ op: 'goto', step: 1 }).sentPrev).not.toBe('last');
    page.ask({ op: 'goto', step: 2 });
    page.ask({ op: 'goto', step: 5 });
    const fresh = new Page(new Session()).ask({ op: 'open', setup: DEFAULT_SETUP, inputs: page.inputs, step: 5, workLimit: Infinity });
    expect(page.last.catalog).toBeUndefined(); // the catalogue came with the first snapshot only
    expect(page.inputs).toEqual(fresh.inputs.add);
    expect(page.log).toEqual(fresh.log.add.map((r) => r.text));
    expect(page.times.length).toBe(5);
  });

  it('sends the view before a step as a change to the step’s own view, which crosses with it', () => {
    // A step that changes a few tasks: the stalled transition waits a second.
    const inputs: Input[] = [...STALL, { kind: 'advance', seconds: 1 }];
    const at = (step: number) => new Page(new Session()).ask({ op: 'open', setup: DEFAULT_SETUP, inputs, step, workLimit: Infinity }).view;
    const s = new Session();
    // A page's first snapshot: it has no view yet, so the view is whole; the step before is the
    // same machine but for what the step changed, and crosses as that change.
    const first = ok(s.handle(open(inputs)));
    expect(first.view.tasks.kind).toBe('whole');
    const prev = first.prev;
    expect(prev !== null && prev !== 'last' && prev.tasks.kind).toBe('change');
    // Decoded against the view, it is the session's own view of the step before.
    const page = new Page(new Session());
    expect(JSON.stringify(page.ask(open(inputs)).prev)).toBe(JSON.stringify(at(inputs.length - 1)));
    // Going back a step: the view before that is decoded against the new view too.
    expect(JSON.stringify(page.ask({ op: 'goto', step: 3 }).prev)).toBe(JSON.stringify(at(2)));
  });

  it('stops a new input at its budget, keeps nothing of it, and runs it to the end when asked', () => {
    const page = new Page(new Session(() => {}, 5_000_000));
    page.ask(open());
    const before = JSON.stringify(page.last.view);
    const then = page.times.at(-1)!;
    // An hour of retries against a task that never switches.
    const stopped = page.ask({ op: 'command', line: 'sleep 3600', settleAfter: false });
    expect(stopped.notice?.kind).toBe('budget');
    const secs = Number(stopped.notice?.text.match(/^klp: stopped 'sleep 3600' after ([\d,]+) simulated seconds: .*Nothing it did is kept\.$/)?.[1]?.replace(/,/g, ''));
    // It got somewhere, but not through the hour.
    expect(secs).toBeGreaterThan(0);
    expect(secs).toBeLessThan(3600);
    expect(stopped.position).toBe(STALL.length);
    expect(stopped.length).toBe(STALL.length);
    expect(JSON.stringify(stopped.view)).toBe(before);
    const done = page.ask(stopped.notice!.retry!);
    expect(done.notice).toBeNull();
    expect(done.position).toBe(STALL.length + 1);
    expect(page.times.at(-1)! - then).toBeGreaterThanOrEqual(3600e6);
    // Time passing (+N s) stops the same way, and runs on as itself.
    const advance = page.ask({ op: 'advance', seconds: 3600 });
    expect(advance.notice?.retry).toEqual({ op: 'advance', seconds: 3600, unlimited: true });
    expect(page.ask(advance.notice!.retry!).position).toBe(STALL.length + 2);
  });

  it('a line the engine fails on is reported and leaves the situation, its future included, as it was', () => {
    const s = new Session();
    const page = new Page(s);
    page.ask(open());
    page.ask({ op: 'goto', step: 1 });
    const before = page.last;
    // A bug inside the engine, planted for this test: the kernel throws on the next event it runs.
    const t = (s as unknown as { t: { k: { step: () => never } } }).t;
    t.k.step = () => {
      throw new RangeError('Invalid string length');
    };
    const failed = page.ask({ op: 'command', line: 'insmod test_modules/test_klp_livepatch.ko', settleAfter: true });
    expect(failed.notice).toEqual({ kind: 'error', text: "klp: the simulation failed on this settle (RangeError: Invalid string length). Nothing it did is kept." });
    // The command itself ran (a step of its own); only the failed settle is gone.
    expect(failed.position).toBe(2);
    const again = page.ask({ op: 'goto', step: 1 });
    expect(JSON.stringify(again.view)).toBe(JSON.stringify(before.view));
  });

  it('a command with a bug is undone: the kernel is as before the line, and the page is told', () => {
    const page = new Page(new Session());
    page.ask(open());
    const before = JSON.stringify(page.last.view);
    // A command that changes the kernel (a task goes missing from its list), then fails inside the simulation.
    COMMANDS['klp-test-half-done'] = (ctx) => {
      ctx.k.tasks.pop();
      throw new TypeError("Cannot read properties of undefined (reading 'pid')");
    };
    try {
      const r = page.ask({ op: 'command', line: 'klp-test-half-done', settleAfter: false });
      expect(r.notice?.text).toBe("klp: the simulation failed on 'klp-test-half-done' (TypeError: Cannot read properties of undefined (reading 'pid')). Nothing it did is kept.");
      expect(r.length).toBe(STALL.length);
      expect(JSON.stringify(r.view)).toBe(before);
      expect(page.ask({ op: 'command', line: 'cat /proc/sys/kernel/printk', settleAfter: false }).notice).toBeNull();
    } finally {
      delete COMMANDS['klp-test-half-done'];
    }
  });

  it("holds a link's set-up lines to the link's budget, and counts them in the work a link reports", () => {
    const s = new Session();
    const heavy = { ...DEFAULT_SETUP, lines: STALL.filter((i) => i.kind === 'command').map((i) => (i as { line: string }).line).concat('sleep 1d') };
    const r = s.handle({ op: 'open', setup: heavy, inputs: [], step: 0, workLimit: LIMITS.work });
    expect(r).toEqual({ ok: false, error: new WorkLimitExceeded().message, limit: true });
    const light = ok(s.handle({ op: 'open', setup: { ...DEFAULT_SETUP, lines: ['insmod test_modules/test_klp_livepatch.ko'] }, inputs: [], step: 0, workLimit: LIMITS.work }));
    const bare = ok(new Session().handle({ op: 'open', setup: DEFAULT_SETUP, inputs: [], step: 0, workLimit: LIMITS.work }));
    expect(light.work).toBeGreaterThan(bare.work);
  });

  it("holds a shared scenario's steps to a link's budget; a built-in one has none", () => {
    const commands = STALL.filter((i) => i.kind === 'command').map((i) => ({ command: (i as { line: string }).line }));
    const steps = [...commands, { advance: 86_400 }];
    const shared = new Session().handle({ op: 'scenario', setup: DEFAULT_SETUP, steps, step: 0, workLimit: LIMITS.work });
    expect(shared).toEqual({ ok: false, error: new WorkLimitExceeded().message, limit: true });
    expect(ok(new Session().handle({ op: 'scenario', setup: DEFAULT_SETUP, steps: commands, step: 1, workLimit: LIMITS.work })).length).toBe(commands.length);
    expect(ok(new Session().handle({ op: 'scenario', setup: DEFAULT_SETUP, steps, step: 0 })).length).toBe(steps.length);
  });

  it('takes the situation shown as a story\'s path for its first steps, running nothing', () => {
    const s = new Session();
    const opened = ok(s.handle(open()));
    expect(opened.scenarioInputs).toBe(0);
    const r = ok(s.handle({ op: 'narrated', steps: 2 }));
    expect([r.scenarioInputs, r.position, r.length]).toEqual([2, opened.position, opened.length]);
    expect(ok(s.handle({ op: 'narrated', steps: 99 })).scenarioInputs).toBe(STALL.length);
  });

  it("gives a handout the view at each step it asks for, and stays at the step shown", () => {
    const s = new Session();
    ok(s.handle(open()));
    const r = s.handle({ op: 'views', steps: [0, 2, STALL.length] });
    if (!r.ok) throw new Error(r.error);
    expect(r.snap.position).toBe(STALL.length);
    const at = (step: number) => ok(new Session().handle({ op: 'open', setup: DEFAULT_SETUP, inputs: STALL, step, workLimit: Infinity })).view;
    expect(r.views!.map((v) => decodeView(v, null))).toEqual([0, 2, STALL.length].map((n) => decodeView(at(n), null)));
    // Thousands of tasks on every page: refused in words, and nothing changes.
    const big = new Session();
    ok(big.handle({ op: 'open', setup: { ...DEFAULT_SETUP, config: { extraTasks: 10_000 } }, inputs: STALL, step: 1, workLimit: Infinity }));
    expect(big.handle({ op: 'views', steps: Array.from({ length: 12 }, (_, i) => i) })).toEqual({ ok: false, error: expect.stringMatching(/too large to print/), limit: false });
  });

  it('reports progress while it works, with the virtual time the request started at', () => {
    const seen: { now: number; from: number }[] = [];
    const s = new Session((p) => seen.push(p));
    s.handle(open());
    seen.length = 0;
    s.handle({ op: 'advance', seconds: 3600 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p.now >= p.from)).toBe(true);
    expect(seen.at(-1)!.now).toBeGreaterThan(seen[0]!.from);
  });
});
