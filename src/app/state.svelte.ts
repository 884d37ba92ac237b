/**
 * The page's one piece of state. In a kernel situation it holds a Timeline
 * (the engine, replayable) and what the views read from it at the current
 * step; in a story scenario, the story's step. Views get plain snapshots;
 * only this file talks to the Timeline.
 *
 * The engine's code (./engine) loads right after the first paint: until it
 * is there `view` is null and the page shows its frame, the caption and
 * any story, which need no engine.
 */
import { DEFAULT_SETUP, type Input, type Setup, type StepRecord } from '../session/situation';
import type { Timeline } from '../session/timeline';
import type { KernelView } from '../kernel/view/types';
import type { LogRecord } from '../kernel/world/log';
import type { ModuleSpec } from '../kernel/catalog/types';
import type { Component } from 'svelte';
import type { Scenario, StoryScenario, StoryStep, TimelineScenario } from '../scenarios/types';

export const SPEED_MIN = 0.25;
export const SPEED_MAX = 32;
/** steps per second when a link does not say */
export const DEFAULT_SPEED = 2;

type Engine = typeof import('../session/engine');

export class AppState {
  /** null until the engine's code is there and a situation is built */
  private timeline: Timeline | null = null;
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
  catalog = $state.raw<readonly ModuleSpec[]>([]);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly engine: Promise<Engine>;
  /** the situation (or story) being opened; a later open supersedes it */
  private building: object | null = null;

  constructor() {
    this.engine = import('../session/engine');
  }

  /** Resolves once the engine's code has loaded. */
  get ready(): Promise<Engine> {
    return this.engine;
  }

  get story(): StoryScenario | null {
    return this.scenario?.kind === 'story' ? this.scenario : null;
  }

  /** Is what is shown still the scenario's own path (no command of the user's in it)? */
  get onScenarioPath(): boolean {
    return this.scenario !== null && (this.story !== null || (this.timeline?.length ?? 0) === this.scenarioInputs);
  }

  /**
   * The situation shown, as a link carries it, and the simulation work its
   * replay takes (null in a story or before the engine).
   */
  situation(): { setup: Setup; inputs: Input[]; work: number } | null {
    const t = this.timeline;
    return t && !this.story ? { setup: t.setup, inputs: t.inputs.slice(), work: t.replayWork() } : null;
  }

  /** Opens a narrated scenario at a step. */
  async openScenario(s: Scenario, step: number): Promise<void> {
    this.pause();
    if (s.kind === 'story') {
      const token = {};
      this.building = token; // whatever was still being built is no longer wanted
      this.scenario = s;
      this.scenarioInputs = 0;
      this.left = null;
      this.storyView = null;
      this.storySteps = [];
      this.position = 0;
      this.refresh();
      this.loading = true;
      const m = await s.load();
      if (this.building !== token) return; // something else was opened meanwhile
      this.storyView = m.default;
      this.storySteps = m.steps;
      this.loading = false;
      this.position = Math.max(0, Math.min(step, m.steps.length - 1));
      this.refresh();
      return;
    }
    await this.build(s.setup, (t, e) => {
      for (const st of (s as TimelineScenario).steps) e.playStep(t, st);
    }, step, s.steps.length, s);
  }

  /**
   * Opens a situation from a link (or a fresh machine): set-up, inputs,
   * step. An untrusted link's replay is held to `workLimit` (Timeline.load);
   * past it this throws and what was shown before stays.
   */
  async openSituation(setup: Setup = DEFAULT_SETUP, inputs: readonly Input[] = [], step = 0, workLimit = Infinity): Promise<void> {
    this.pause();
    await this.build(setup, (t) => t.load(inputs, workLimit), step, 0, null);
  }

  /** Builds the situation off-screen; only a complete one replaces what is shown. */
  private async build(setup: Setup, fill: (t: Timeline, e: Engine) => void, step: number, scenarioInputs: number, scenario: Scenario | null): Promise<void> {
    const token = {};
    this.building = token;
    const e = await this.engine;
    if (this.building !== token) return; // something else was opened meanwhile
    const t = e.newTimeline(setup);
    fill(t, e); // may throw (a link asking too much): nothing shown has changed
    t.goto(step);
    this.scenario = scenario;
    this.scenarioInputs = scenarioInputs;
    this.left = null;
    this.timeline = t;
    this.catalog = e.CATALOG;
    this.loading = false; // a story still loading was superseded
    this.refresh();
  }

  /** Runs a command as typed at the shell (buttons come here too). */
  command(line: string): void {
    if (this.story || !this.timeline) return;
    this.pause();
    const t = this.timeline;
    this.act(() => {
      t.command(line);
      if (this.settleAfter && !t.settled()) t.settleStep();
    });
  }

  /** Reopens the scenario the user left, at the step they left it. */
  async backToScenario(): Promise<void> {
    const l = this.left;
    if (l) await this.openScenario(l.scenario, l.step);
  }

  step(): void {
    if (this.story) this.position = Math.min(this.position + 1, this.length);
    else this.timeline?.forward();
    this.refresh();
  }

  back(): void {
    this.pause();
    if (this.story) this.position = Math.max(0, this.position - 1);
    else this.timeline?.back();
    this.refresh();
  }

  goto(n: number): void {
    if (this.story) this.position = Math.max(0, Math.min(n, this.length));
    else this.timeline?.goto(n);
    this.refresh();
  }

  /** "run to settled": the events that make progress, as one step. */
  settle(): void {
    this.pause();
    const t = this.timeline;
    if (this.story || !t || t.settled()) return;
    this.act(() => t.settleStep());
  }

  advance(seconds: number): void {
    const t = this.timeline;
    if (!this.story && t) this.act(() => t.advance(seconds));
  }

  wake(pid: number): void {
    const t = this.timeline;
    if (!this.story && t) this.act(() => t.wake(pid));
  }

  /** Ctrl-C at the shell. */
  interrupt(): void {
    const t = this.timeline;
    if (!this.story && t) this.act(() => t.interrupt());
  }

  /**
   * A new input at the current position: the future is dropped. Inside a
   * scenario that leaves it; `left` remembers where, so it can be reopened.
   */
  private act(run: () => unknown): void {
    const s = this.scenario;
    const at = this.timeline?.position ?? 0;
    if (s?.kind === 'timeline' && this.onScenarioPath) this.left = { scenario: s, step: at };
    this.scenarioInputs = Math.min(this.scenarioInputs, at);
    run();
    this.refresh();
  }

  play(): void {
    if (this.playing || !this.canStep) return;
    this.playing = true;
    this.tick();
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

  private tick(): void {
    if (!this.playing) return;
    if (!this.canStep) {
      this.pause();
      return;
    }
    this.step();
    this.timer = setTimeout(() => this.tick(), 1000 / this.speed);
  }

  private refresh(): void {
    if (this.story) {
      this.length = Math.max(0, this.storySteps.length - 1);
      this.canStep = this.position < this.length;
      this.settled = true;
      return;
    }
    const t = this.timeline;
    if (!t) {
      this.view = this.prev = null;
      this.position = this.length = 0;
      this.records = this.log = this.history = [];
      this.canStep = false;
      this.settled = true;
      this.queued = { count: 0, next: null };
      this.blocked = null;
      return;
    }
    const pos = t.position;
    this.view = t.view();
    this.prev = pos > 0 ? t.cachedView(pos - 1) : null;
    this.position = pos;
    this.length = t.length;
    this.records = t.records.slice();
    this.log = t.log();
    this.history = t.history.slice();
    this.canStep = t.canStep();
    this.settled = t.settled();
    this.queued = t.queued();
    this.blocked = t.blocked();
  }
}
