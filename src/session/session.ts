/**
 * The session: one situation's timeline and what the page asks of it, with
 * one budget for all work. It answers each Request with a Snapshot of plain
 * data. In the browser it runs in a Web Worker (worker.ts), so no engine
 * work ever blocks the page; in Node (tests, a fallback) it runs in place.
 *
 * Budgets: a link's set-up and inputs together are held to the limit the
 * page gives (links.ts LIMITS.work); a new input the user makes to
 * TYPED_WORK, past which it stops, is rolled back and can be run to the end
 * on request. Replaying inputs already accepted is never cut short.
 */
import { WorkLimitExceeded } from '../kernel/kernel';
import { catalogOf } from '../kernel/catalog';
import { kernelProfile } from '../kernel/release/profile';
import { KERNEL_TREE } from '../kernel/fs/vfs';
import { catalogEntries } from '../views/modules';
import { playStep } from '../scenarios/run';
import type { LogRecord } from '../kernel/world/log';
import type { KernelView } from '../kernel/view/types';
import { Shell } from '../kernel/shell/shell';
import { Timeline } from './timeline';
import type { Input, Setup, StepRecord } from './situation';
import { encodeView, HANDOUT_TASKS, type Delta, type Notice, type Progress, type Reply, type Request, type Snapshot } from './protocol';
import { count } from '../views/text';
import { USEC_PER_SEC } from '../kernel/world/events';

/**
 * Work one new input may take before it stops and asks: about ten times a
 * link's (LIMITS.work), several seconds of simulation on a laptop core.
 */
export const TYPED_WORK = 500_000_000;

export class Session {
  private t: Timeline | null = null;
  private scenarioInputs = 0;
  /** what the page has been sent, to send only what changed */
  private sent = { inputs: [] as Input[], records: 0, log: [] as LogRecord[], view: null as KernelView | null };
  /** the release whose module catalogue the page has (each release's tree builds its own) */
  private catalogFor: string | null = null;
  /** the virtual time when the request being handled started */
  private from = 0;

  constructor(
    private readonly progress: (p: Progress) => void = () => {},
    /** the budget of one new input (tests make it small) */
    private readonly typedWork = TYPED_WORK,
  ) {}

  handle(req: Request): Reply {
    try {
      if (req.op === 'views') {
        const views = this.views(req.steps).map((v) => encodeView(v, null));
        return { ok: true, snap: this.snapshot(null), views };
      }
      const notice = this.run(req);
      return { ok: true, snap: this.snapshot(notice) };
    } catch (e) {
      // Opening failed: what the page shows (and this session holds) is unchanged.
      return { ok: false, error: e instanceof Error ? e.message : String(e), limit: e instanceof WorkLimitExceeded };
    }
  }

  /** The views at these steps; the timeline is back at its step after. */
  private views(steps: readonly number[]): KernelView[] {
    const t = this.t;
    if (!t) throw new Error('no situation is open');
    if (t.view().tasks.length * steps.length > HANDOUT_TASKS)
      throw new Error(`a handout of ${steps.length} pages of ${t.view().tasks.length} tasks each is too large to print (at most ${HANDOUT_TASKS} tasks in all)`);
    const at = t.position;
    try {
      return steps.map((n) => {
        t.goto(Math.max(0, Math.min(n, t.length)));
        return t.view();
      });
    } finally {
      t.goto(at);
    }
  }

  private run(req: Request): Notice | null {
    if (req.op === 'scenario') {
      const limit = req.workLimit ?? Infinity;
      const t = this.timeline(req.setup, limit);
      t.k.workLimit = t.k.work + limit - t.replayWork();
      try {
        for (const d of req.steps) playStep(t, { do: d });
      } finally {
        t.k.workLimit = Infinity;
      }
      t.goto(req.step);
      this.adopt(t, req.steps.length);
      return null;
    }
    if (req.op === 'open') {
      const t = this.timeline(req.setup, req.workLimit);
      t.load(req.inputs, req.workLimit - t.replayWork());
      t.goto(req.step);
      this.adopt(t, 0);
      return null;
    }
    const t = this.t;
    if (!t) throw new Error('no situation is open');
    this.from = t.k.now;
    switch (req.op) {
      case 'forward':
        if (!t.canStep()) return null;
        if (t.position === t.length) return this.act(t, { kind: 'event' }, this.typedWork);
        t.forward();
        return null;
      case 'goto':
        t.goto(req.step);
        return null;
      case 'settle':
        return t.settled() ? null : this.act(t, { kind: 'settle' }, req.unlimited ? Infinity : this.typedWork, req);
      case 'advance':
        return this.act(t, { kind: 'advance', seconds: req.seconds }, req.unlimited ? Infinity : this.typedWork, req);
      case 'wake':
        return this.act(t, { kind: 'wake', pid: req.pid }, this.typedWork);
      case 'interrupt':
        return this.act(t, { kind: 'interrupt' }, this.typedWork);
      case 'narrated':
        this.scenarioInputs = Math.max(0, Math.min(req.steps, t.length));
        return null;
      case 'views':
        return null; // handle() answers it
      case 'command': {
        const limit = req.unlimited ? Infinity : this.typedWork;
        const stopped = this.act(t, { kind: 'command', line: req.line }, limit, req);
        if (stopped || !req.settleAfter || t.settled()) return stopped;
        // The command stays (it ran); only the settling after it is undone, and it is what runs on to the end.
        return this.act(t, { kind: 'settle' }, limit, { op: 'settle' });
      }
    }
  }

  /**
   * A new input at the current position, within `limit`. Past it, or if the
   * engine fails, the timeline is as before and the page is told why.
   */
  private act(t: Timeline, input: Input, limit: number, retry?: Request): Notice | null {
    const start = t.k.now;
    const at = t.position;
    try {
      t.attempt(input, limit);
      // Acting in the past cut the scenario's own steps there.
      this.scenarioInputs = Math.min(this.scenarioInputs, at);
      return null;
    } catch (e) {
      const what = input.kind === 'command' ? `'${input.line}'` : `this ${input.kind}`;
      if (e instanceof WorkLimitExceeded) {
        const secs = Math.max(0, Math.floor((t.failedAt - start) / USEC_PER_SEC));
        return {
          kind: 'budget',
          text: `klp: stopped ${what} after ${count(secs)} simulated seconds: it needs more simulation than one line may run unasked (${count(limit)} units of work). Nothing it did is kept.`,
          retry: retry && ({ ...retry, unlimited: true } as Request),
        };
      }
      return { kind: 'error', text: `klp: the simulation failed on ${what} (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}). Nothing it did is kept.` };
    }
  }

  /** A new timeline, reporting progress from its set-up on; it replaces the shown one only once complete (adopt). */
  private timeline(setup: Setup, workLimit = Infinity): Timeline {
    this.from = 0;
    return new Timeline(setup, shellFor, { workLimit, onProgress: (k) => this.progress({ now: k.now, from: this.from, work: k.work }) });
  }

  private adopt(t: Timeline, scenarioInputs: number): void {
    this.t = t;
    this.scenarioInputs = scenarioInputs;
    this.sent = { inputs: [], records: 0, log: [], view: null };
  }

  private snapshot(notice: Notice | null): Snapshot {
    const t = this.t!;
    const pos = t.position;
    const inputs = delta(this.sent.inputs, t.inputs, (a, b) => a === b);
    // Replay is deterministic: a step's record is the same while the inputs up to it are.
    const keepRecords = Math.min(inputs.keep, this.sent.records, pos);
    const log = t.log();
    const logDelta = delta(this.sent.log, log, (a, b) => a.seq === b.seq && a.text === b.text);
    const view = t.view();
    const prev = pos > 0 ? t.cachedView(pos - 1) : null;
    const last = this.sent.view;
    // The view before differs from this step's view by what the step changed: it crosses as that
    // change (a page's first snapshot at 10,000 tasks was two whole views, ~100 ms to take in).
    const sentPrev = prev !== null && prev === last ? 'last' : prev && encodeView(prev, view);
    this.sent = { inputs: t.inputs.slice(), records: pos, log, view };
    const snap: Snapshot = {
      view: encodeView(view, last),
      prev: sentPrev,
      position: pos,
      length: t.length,
      inputs,
      records: { keep: keepRecords, add: t.records.slice(keepRecords) as StepRecord[] },
      log: logDelta,
      history: t.history.slice(),
      canStep: t.canStep(),
      settled: t.settled(),
      queued: t.queued(),
      blocked: t.blocked(),
      setup: t.setup,
      work: t.replayWork(),
      scenarioInputs: this.scenarioInputs,
      notice,
    };
    const profile = kernelProfile(t.setup.config.release);
    if (this.catalogFor !== profile.release) {
      snap.catalog = catalogEntries(catalogOf(profile), profile.selftests ? KERNEL_TREE : null);
      this.catalogFor = profile.release;
    }
    return snap;
  }
}

/** The page's shell: a bug inside a command reaches Timeline.attempt, which undoes the line. */
const shellFor = (k: ConstructorParameters<typeof Shell>[0]): Shell => Object.assign(new Shell(k), { rethrowBugs: true });

/** The change from `before` to `after`: their common prefix kept, the rest added. */
export function delta<T>(before: readonly T[], after: readonly T[], same: (a: T, b: T) => boolean): Delta<T> {
  let keep = 0;
  const n = Math.min(before.length, after.length);
  while (keep < n && same(before[keep]!, after[keep]!)) keep++;
  return { keep, add: after.slice(keep) };
}
