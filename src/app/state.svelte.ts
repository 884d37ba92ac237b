/**
 * The page's one piece of state. In a kernel situation it holds a Timeline
 * (the engine, replayable) and what the views read from it at the current
 * step; in a story scenario, the story's step. Views get plain snapshots;
 * only this file talks to the Timeline.
 */
import { DEFAULT_SETUP, Timeline, type Input, type Setup, type StepRecord } from './timeline';
import type { KernelView } from '../kernel/view/types';
import type { LogRecord } from '../kernel/world/log';
import type { Component } from 'svelte';
import type { Scenario, StoryScenario, StoryStep, TimelineScenario } from '../scenarios/types';
import { playStep } from '../scenarios/run';

export const SPEED_MIN = 0.25;
export const SPEED_MAX = 32;
/** steps per second when a link does not say */
export const DEFAULT_SPEED = 2;

type ShellModule = typeof import('../kernel/shell/shell');

export class AppState {
  timeline: Timeline;
  view = $state.raw<KernelView>(null as unknown as KernelView);
  /** the view one step earlier, for highlighting what changed */
  prev = $state.raw<KernelView | null>(null);
  position = $state(0);
  length = $state(0);
  records = $state.raw<StepRecord[]>([]);
  log = $state.raw<LogRecord[]>([]);
  playing = $state(false);
  /** steps per second while playing */
  speed = $state(DEFAULT_SPEED);
  selectedPid = $state<number | null>(null);
  canStep = $state(false);
  settled = $state(true);
  /** the narrated scenario shown, if any */
  scenario = $state.raw<Scenario | null>(null);
  /** how many leading inputs are the scenario's own steps (acting in the past cuts them) */
  scenarioInputs = $state(0);
  /** set while the situation is still being built (waiting for the shell's code) */
  loading = $state(false);
  /** a story scenario's picture and captions, once loaded */
  storyView = $state.raw<Component<{ step: number }> | null>(null);
  storySteps = $state.raw<readonly StoryStep[]>([]);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly shell: Promise<ShellModule>;
  /** resolves once the shell's code has loaded (after the first paint) */
  readonly ready: Promise<void>;

  constructor(setup: Setup = DEFAULT_SETUP) {
    this.timeline = new Timeline(setup);
    this.refresh();
    this.shell = import('../kernel/shell/shell');
    this.ready = this.shell.then((m) => this.attach(m));
  }

  get story(): StoryScenario | null {
    return this.scenario?.kind === 'story' ? this.scenario : null;
  }

  /** Opens a narrated scenario at a step; the first paint shows its set-up at once. */
  async openScenario(s: Scenario, step: number): Promise<void> {
    this.pause();
    this.scenario = s;
    if (s.kind === 'story') {
      this.scenarioInputs = 0;
      this.storyView = null;
      this.storySteps = [];
      this.position = 0;
      this.refresh();
      this.loading = true;
      const m = await s.load();
      if (this.scenario !== s) return;
      this.storyView = m.default;
      this.storySteps = m.steps;
      this.loading = false;
      this.position = Math.max(0, Math.min(step, m.steps.length - 1));
      this.refresh();
      return;
    }
    await this.build(s.setup, (t) => {
      for (const st of (s as TimelineScenario).steps) playStep(t, st);
    }, step);
    this.scenarioInputs = s.steps.length;
  }

  /** Opens a situation from a link: set-up, inputs, step. */
  async openSituation(setup: Setup, inputs: readonly Input[], step: number): Promise<void> {
    this.pause();
    this.scenario = null;
    this.scenarioInputs = 0;
    await this.build(setup, (t) => t.load(inputs), step);
  }

  private async build(setup: Setup, fill: (t: Timeline) => void, step: number): Promise<void> {
    const t = new Timeline(setup);
    this.timeline = t;
    this.loading = true;
    this.refresh();
    const m = await this.shell;
    if (this.timeline !== t) return; // something else was opened meanwhile
    this.attach(m);
    fill(t);
    t.goto(step);
    this.loading = false;
    this.refresh();
  }

  private attach(m: ShellModule): void {
    this.timeline.attachShell((k) => new m.Shell(k));
  }

  /** Runs a command as typed at the shell (buttons come here too), once the shell is there. */
  command(line: string): void {
    if (this.story) return;
    if (!this.timeline.hasShell) {
      void this.ready.then(() => this.command(line));
      return;
    }
    this.pause();
    this.act(() => this.timeline.command(line));
  }

  step(): void {
    if (this.story) this.position = Math.min(this.position + 1, this.length);
    else this.timeline.forward();
    this.refresh();
  }

  back(): void {
    this.pause();
    if (this.story) this.position = Math.max(0, this.position - 1);
    else this.timeline.back();
    this.refresh();
  }

  goto(n: number): void {
    if (this.story) this.position = Math.max(0, Math.min(n, this.length));
    else this.timeline.goto(n);
    this.refresh();
  }

  /** "run to settled": the events that make progress, as one step. */
  settle(): void {
    this.pause();
    if (this.story || this.timeline.settled()) return;
    this.act(() => this.timeline.settleStep());
  }

  advance(seconds: number): void {
    if (this.story) return;
    this.act(() => this.timeline.advance(seconds));
  }

  wake(pid: number): void {
    if (this.story) return;
    this.act(() => this.timeline.wake(pid));
  }

  /** A new input at the current position: the scenario's later steps are dropped with the future. */
  private act(run: () => unknown): void {
    this.scenarioInputs = Math.min(this.scenarioInputs, this.timeline.position);
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
    const story = this.story;
    if (story) {
      this.length = Math.max(0, this.storySteps.length - 1);
      this.canStep = this.position < this.length;
      this.settled = true;
      return;
    }
    const t = this.timeline;
    const pos = t.position;
    this.view = t.view();
    this.prev = pos > 0 ? t.cachedView(pos - 1) : null;
    this.position = pos;
    this.length = t.length;
    this.records = t.records.slice();
    this.log = t.log();
    this.canStep = t.canStep();
    this.settled = t.settled();
  }
}
