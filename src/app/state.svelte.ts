/**
 * The page's one piece of state. In a kernel situation the engine runs in
 * the session (../session, in a Web Worker: engine-host.ts) and this holds
 * the plain snapshot it sends back after each request: what the views read.
 * In a story scenario it holds the story's step. Views get plain snapshots;
 * only this file talks to the session.
 *
 * Until the first snapshot arrives `view` is null and the page shows its
 * frame, the caption and any story, which need no engine. A request that
 * takes long shows its progress (`busy`) and can be stopped: the page then
 * returns to the step it showed, with nothing lost.
 */
import { DEFAULT_SETUP, type Input, type Setup, type StepRecord } from '../session/situation';
import { decodeView, patch, tasksToDecode, type Notice, type Progress, type Reply, type Request, type Snapshot } from '../session/protocol';

/** A snapshot as the page keeps it: its views whole again. */
type Shown = Omit<Snapshot, 'view' | 'prev'> & { view: KernelView; prev: KernelView | null };
import type { Release } from '../kernel/release/releases';
import type { DistributionId } from '../kernel/release/distributions';
import type { KernelView } from '../kernel/view/types';
import type { LogRecord } from '../kernel/world/log';
import type { CatalogEntry } from '../views/modules';
import type { Component } from 'svelte';
import type { Scenario, StoryScenario, StoryStep, TimelineScenario } from '../scenarios/types';
import { startHost, Stopped, type EngineHost } from './engine-host';
import { FIRST_SCREEN, nextTurn } from '../views/turns';

/** A request shorter than this shows no progress: it would only flicker. */
const BUSY_AFTER_MS = 150;
/** More tasks than this decoded for one snapshot (a machine of thousands, seen anew): its views draw a turn later. */
const MANY_TASKS = 2_000;
/** The simulation work a user's own scenario may take to open: a link's (links.ts LIMITS.work, not imported: first-paint code). */
export const AUTHORED_WORK = 50_000_000;

export const SPEED_MIN = 0.25;
export const SPEED_MAX = 32;
/** steps per second when a link does not say */
export const DEFAULT_SPEED = 2;

/** What a request is doing, for the progress line. */
function describe(req: Request): string {
  switch (req.op) {
    case 'command':
      return `Running \`${req.line}\``;
    case 'goto':
      return `Replaying to step ${req.step}`;
    case 'open':
    case 'scenario':
      return `Replaying the situation to step ${req.step}`;
    case 'advance':
      return `Letting ${req.seconds} s pass`;
    default:
      return 'Simulating';
  }
}

/** What the session needs of a narrated scenario: its set-up and what each step does. */
const scenarioRequest = (s: TimelineScenario, step: number): Request => ({
  op: 'scenario',
  setup: s.setup,
  steps: s.steps.map((st) => st.do),
  step,
  // A user's own scenario came in a link: its replay has a link's budget.
  ...(s.shared ? { workLimit: AUTHORED_WORK } : {}),
});

export class AppState {
  view = $state.raw<KernelView | null>(null);
  /** the view one step earlier, for highlighting what changed */
  prev = $state.raw<KernelView | null>(null);
  position = $state(0);
  length = $state(0);
  records = $state.raw<StepRecord[]>([]);
  log = $state.raw<LogRecord[]>([]);
  /** the shell's command history, for ↑/↓ */
  history = $state.raw<string[]>([]);
  playing = $state(false);
  /** steps per second while playing */
  speed = $state(DEFAULT_SPEED);
  selectedPid = $state<number | null>(null);
  canStep = $state(false);
  settled = $state(true);
  /** the foreground process holding the shell's terminal for ever (Ctrl-C goes to it), if any */
  blocked = $state.raw<{ pid: number; comm: string; wchan: string; state: 'D' | 'S' } | null>(null);
  /** the narrated scenario shown, if any */
  scenario = $state.raw<Scenario | null>(null);
  /** how many leading inputs are the scenario's own steps (acting in the past cuts them) */
  scenarioInputs = $state(0);
  /** set while a story's code is loading */
  loading = $state(false);
  /** a story scenario's picture and captions, once loaded */
  storyView = $state.raw<Component<{ step: number; fit?: boolean }> | null>(null);
  storySteps = $state.raw<readonly StoryStep[]>([]);
  /**
   * The scenario the user left by acting inside it, and the step they left
   * it at: "back to step N" reopens it there. Null on the scenario's path.
   */
  left = $state.raw<{ scenario: TimelineScenario; step: number } | null>(null);
  /** kernel events queued (a retry, free_work, a task's return), and the first of them */
  queued = $state.raw<{ count: number; next: { label: string; at: number } | null }>({ count: 0, next: null });
  /** run to settled after each command typed or pressed, as the selftests wait */
  settleAfter = $state(false);
  /** the module catalogue, once the engine is there */
  catalog = $state.raw<readonly CatalogEntry[]>([]);
  /** a request taking long: how far it has come (null until the first report) */
  busy = $state.raw<{ what: string; progress: Progress | null } | null>(null);
  /** what the last request has to say (a line stopped at its budget, or failed) */
  notice = $state.raw<Notice | null>(null);
  /** the kernel release the situation shown simulates (undefined: mainline) */
  release = $state.raw<Release | undefined>(undefined);
  /** the distribution whose kernel (release and config) it runs, if one */
  distribution = $state.raw<DistributionId | undefined>(undefined);
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** where the engine runs (a side panel asks it for a second session) */
  readonly host: EngineHost;
  /** the situation (or story) being opened; a later open supersedes it */
  private building: object | null = null;
  /** the last snapshot from the session, and the lists its deltas build */
  private snap: Shown | null = null;
  private inputs: Input[] = [];
  /** every request goes through here, one at a time, in order */
  private queue: Promise<unknown> = Promise.resolve();
  private pendingCount = 0;
  private generation = 0;

  constructor(host: EngineHost = startHost()) {
    this.host = host;
    host.onProgress = (p) => {
      if (this.busy) this.busy = { ...this.busy, progress: p };
    };
  }

  get story(): StoryScenario | null {
    return this.scenario?.kind === 'story' ? this.scenario : null;
  }

  /** Is what is shown still the scenario's own path (no command of the user's in it)? */
  get onScenarioPath(): boolean {
    return this.scenario !== null && (this.story !== null || this.length === this.scenarioInputs);
  }

  /**
   * The situation shown, as a link carries it, and the simulation work its
   * replay takes (null in a story or before the engine).
   */
  situation(): { setup: Setup; inputs: Input[]; work: number } | null {
    const s = this.snap;
    return s && !this.story ? { setup: s.setup, inputs: this.inputs.slice(), work: s.work } : null;
  }

  /** Opens a narrated scenario at a step. */
  async openScenario(s: Scenario, step: number): Promise<void> {
    this.pause();
    const token = {};
    this.building = token; // whatever was still being built is no longer wanted
    if (s.kind === 'story') {
      this.scenario = s;
      this.scenarioInputs = 0;
      this.left = null;
      this.storyView = null;
      this.storySteps = [];
      this.position = 0;
      this.refresh();
      this.loading = true;
      const m = await s.load();
      m.prepare?.(this.host);
      if (this.building !== token) return; // something else was opened meanwhile
      const steps = m.steps();
      this.storyView = m.default;
      this.storySteps = steps;
      this.loading = false;
      this.position = Math.max(0, Math.min(step, steps.length - 1));
      this.refresh();
      return;
    }
    await this.open(scenarioRequest(s, step), s, token);
  }

  /**
   * Opens a situation from a link (or a fresh machine): set-up, inputs,
   * step. An untrusted link's replay, set-up included, is held to
   * `workLimit`; past it this throws and what was shown before stays.
   */
  async openSituation(setup: Setup = DEFAULT_SETUP, inputs: readonly Input[] = [], step = 0, workLimit = Infinity): Promise<void> {
    this.pause();
    const token = {};
    this.building = token;
    await this.open({ op: 'open', setup, inputs: inputs.slice(), step, workLimit }, null, token);
  }

  /** Builds the situation in the session; only a complete one replaces what is shown. */
  private async open(req: Request, scenario: Scenario | null, token: object): Promise<void> {
    const reply = await this.request(req);
    if (!reply) return; // stopped
    if (!reply.ok) {
      if (this.building === token) this.building = null;
      throw new Error(reply.error);
    }
    if (this.building !== token) return; // something else was opened meanwhile
    this.scenario = scenario;
    this.left = null;
    this.loading = false; // a story still loading was superseded
    this.refresh();
  }

  /**
   * The situation shown is this scenario's (an author's story, its texts
   * edited or its steps grown by what was just done at its end): its
   * narration from now on, with nothing replayed. The caller knows the
   * set-up and the first `s.steps.length` inputs are the scenario's.
   */
  async narrate(s: TimelineScenario): Promise<void> {
    if (this.story || !this.snap) return;
    const reply = await this.request({ op: 'narrated', steps: s.steps.length });
    if (!reply?.ok) return;
    this.scenario = s;
    this.left = null;
    this.refresh();
  }

  /**
   * The views at these steps (a handout's pages), the step shown staying as
   * it is; null if stopped. The engine's refusal (too many tasks) throws in its words.
   */
  async stepViews(steps: number[]): Promise<KernelView[] | null> {
    const reply = await this.request({ op: 'views', steps });
    if (!reply) return null;
    if (!reply.ok) throw new Error(reply.error);
    return (reply.views ?? []).map((v) => decodeView(v, null));
  }

  /** Runs a command as typed at the shell (buttons come here too). */
  command(line: string): Promise<void> {
    this.pause();
    return this.act({ op: 'command', line, settleAfter: this.settleAfter });
  }

  /** Runs a line that stopped at its work budget to its end (the notice's button). */
  runToEnd(): Promise<void> {
    const retry = this.notice?.retry;
    this.notice = null;
    return retry ? this.act(retry) : Promise.resolve();
  }

  /** Reopens the scenario the user left, at the step they left it. */
  async backToScenario(): Promise<void> {
    const l = this.left;
    if (l) await this.openScenario(l.scenario, l.step);
  }

  step(): Promise<void> {
    if (this.story) {
      this.position = Math.min(this.position + 1, this.length);
      this.refresh();
      return Promise.resolve();
    }
    return this.act({ op: 'forward' });
  }

  back(): Promise<void> {
    this.pause();
    if (this.story) {
      this.position = Math.max(0, this.position - 1);
      this.refresh();
      return Promise.resolve();
    }
    return this.position > 0 ? this.act({ op: 'goto', step: this.position - 1 }) : Promise.resolve();
  }

  goto(n: number): Promise<void> {
    if (this.story) {
      this.position = Math.max(0, Math.min(n, this.length));
      this.refresh();
      return Promise.resolve();
    }
    return this.act({ op: 'goto', step: n });
  }

  /** "run to settled": the events that make progress, as one step. */
  settle(): Promise<void> {
    this.pause();
    return this.settled ? Promise.resolve() : this.act({ op: 'settle' });
  }

  advance(seconds: number): Promise<void> {
    return this.act({ op: 'advance', seconds });
  }

  wake(pid: number): Promise<void> {
    return this.act({ op: 'wake', pid });
  }

  /** Ctrl-C at the shell. */
  interrupt(): Promise<void> {
    return this.act({ op: 'interrupt' });
  }

  /**
   * Stops the request under way. The session's worker is ended and a new
   * one reopens the step shown before it: nothing the user had is lost.
   */
  async stop(): Promise<void> {
    if (!this.busy || !this.host.stop()) return;
    await this.reopen();
  }

  /** After the engine was stopped or died: a fresh one opens the step shown, as it was. */
  private async reopen(): Promise<void> {
    const s = this.snap;
    this.pause();
    this.busy = null;
    this.queue = Promise.resolve();
    this.pendingCount = 0;
    this.generation++; // requests of the engine before have no say in `busy` now
    this.snap = null;
    if (!s || this.story) return;
    const onPath = this.scenario?.kind === 'timeline' && this.onScenarioPath;
    const req: Request = onPath
      ? scenarioRequest(this.scenario as TimelineScenario, s.position)
      : { op: 'open', setup: s.setup, inputs: this.inputs.slice(), step: s.position, workLimit: Infinity };
    this.inputs = [];
    this.records = [];
    this.log = [];
    await this.request(req);
    this.refresh();
  }

  /**
   * A request about the situation shown (nothing while a story is shown).
   * Acting inside a scenario leaves it; `left` remembers where, so it can
   * be reopened.
   */
  private async act(req: Request): Promise<void> {
    if (this.story || (!this.snap && this.pendingCount === 0)) return;
    this.notice = null;
    const wasOnPath = this.scenario?.kind === 'timeline' && this.onScenarioPath;
    const at = this.position;
    const reply = await this.request(req);
    if (!reply?.ok || this.story) return;
    this.refresh();
    const s = this.scenario;
    if (wasOnPath && s?.kind === 'timeline' && !this.onScenarioPath) this.left = { scenario: s, step: at };
  }

  /** Sends a request after those before it; applies its snapshot. Null if it was stopped. */
  private request(req: Request): Promise<Reply | null> {
    this.pendingCount++;
    const generation = this.generation;
    const busyTimer = setTimeout(() => {
      if (this.pendingCount > 0) this.busy ??= { what: describe(req), progress: null };
    }, BUSY_AFTER_MS);
    const run = this.queue.then(async () => {
      try {
        const reply = await this.host.request(req);
        if (reply.ok) {
          const snap = this.decode(reply.snap);
          // Thousands of tasks made anew (a cold load, a jump at 10,000 tasks) take a task of their own;
          // the views they change are drawn in the next.
          if (tasksToDecode(reply.snap.view) + (reply.snap.prev && reply.snap.prev !== 'last' ? tasksToDecode(reply.snap.prev) : 0) > MANY_TASKS)
            await nextTurn(FIRST_SCREEN);
          this.apply(reply.snap, snap);
        }
        return reply;
      } catch (e) {
        if (e instanceof Stopped) return null;
        // The engine itself died: say so, and a fresh one reopens what was shown.
        this.notice = { kind: 'error', text: `klp: ${e instanceof Error ? e.message : String(e)}. The step shown before is reopened.` };
        queueMicrotask(() => void this.reopen());
        return null;
      } finally {
        clearTimeout(busyTimer);
        if (generation === this.generation && --this.pendingCount === 0) this.busy = null;
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** A snapshot's views, decoded against the last one shown. */
  private decode(s: Snapshot): Pick<Shown, 'view' | 'prev'> {
    // Views come as changes to the last one shown; 'last': the step before is that view.
    const last = this.snap?.view ?? null;
    const view = decodeView(s.view, last);
    return { view, prev: s.prev === 'last' ? last : s.prev && decodeView(s.prev, view) };
  }

  /** A snapshot from the session: the lists are changes to the copies here. */
  private apply(s: Snapshot, { view, prev }: Pick<Shown, 'view' | 'prev'>): void {
    this.snap = { ...s, view, prev };
    this.release = s.setup.config.release;
    this.distribution = s.setup.config.distribution;
    this.inputs = patch(this.inputs, s.inputs);
    this.records = patch(this.records, s.records);
    this.log = patch(this.log, s.log);
    if (s.catalog) this.catalog = s.catalog;
    this.notice = s.notice;
  }

  play(): void {
    if (this.playing || !this.canStep) return;
    this.playing = true;
    void this.tick();
  }

  pause(): void {
    this.playing = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(v: number): void {
    this.speed = Math.min(SPEED_MAX, Math.max(SPEED_MIN, v));
  }

  private async tick(): Promise<void> {
    if (!this.playing) return;
    if (!this.canStep) {
      this.pause();
      return;
    }
    const started = Date.now();
    await this.step();
    if (!this.playing) return;
    // The step's own time counts against the interval, so the speed holds while the engine works.
    this.timer = setTimeout(() => void this.tick(), Math.max(0, 1000 / this.speed - (Date.now() - started)));
  }

  private refresh(): void {
    if (this.story) {
      this.length = Math.max(0, this.storySteps.length - 1);
      this.canStep = this.position < this.length;
      this.settled = true;
      return;
    }
    const s = this.snap;
    if (!s) {
      this.view = this.prev = null;
      this.position = this.length = 0;
      this.records = this.log = this.history = [];
      this.canStep = false;
      this.settled = true;
      this.queued = { count: 0, next: null };
      this.blocked = null;
      return;
    }
    this.view = s.view;
    this.prev = s.prev;
    this.position = s.position;
    this.length = s.length;
    this.scenarioInputs = s.scenarioInputs;
    this.history = s.history;
    this.canStep = s.canStep;
    this.settled = s.settled;
    this.queued = s.queued;
    this.blocked = s.blocked;
  }
}
