/**
 * The page's one piece of state: a Timeline (the engine, replayable) plus
 * what the views read from it at the current step. Views get plain
 * KernelView snapshots; only this file talks to the Timeline.
 */
import { Timeline, type Setup, type StepRecord } from './timeline';
import type { KernelView } from '../kernel/view/types';
import type { LogRecord } from '../kernel/world/log';

export const SPEED_MIN = 0.25;
export const SPEED_MAX = 32;

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
  speed = $state(2);
  selectedPid = $state<number | null>(null);
  canStep = $state(false);
  settled = $state(true);
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** Resolves once the shell's code has loaded (after the first paint). */
  readonly ready: Promise<void>;

  constructor(setup?: Setup) {
    this.timeline = new Timeline(setup);
    this.refresh();
    this.ready = import('../kernel/shell/shell').then(({ Shell }) => this.timeline.attachShell((k) => new Shell(k)));
  }

  /** Runs a command as typed at the shell (buttons come here too), once the shell is there. */
  command(line: string): void {
    if (!this.timeline.hasShell) {
      void this.ready.then(() => this.command(line));
      return;
    }
    this.pause();
    this.timeline.command(line);
    this.refresh();
  }

  step(): void {
    this.timeline.forward();
    this.refresh();
  }

  back(): void {
    this.pause();
    this.timeline.back();
    this.refresh();
  }

  goto(n: number): void {
    this.timeline.goto(n);
    this.refresh();
  }

  settle(): void {
    this.timeline.settle();
    this.refresh();
  }

  advance(seconds: number): void {
    this.timeline.advance(seconds);
    this.refresh();
  }

  wake(pid: number): void {
    this.timeline.wake(pid);
    this.refresh();
  }

  play(): void {
    if (this.playing || !this.timeline.canStep()) return;
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
    if (!this.timeline.canStep()) {
      this.pause();
      return;
    }
    this.step();
    this.timer = setTimeout(() => this.tick(), 1000 / this.speed);
  }

  private refresh(): void {
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
