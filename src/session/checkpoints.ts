/**
 * Copies of the machine at some steps of a timeline, so going to any step
 * replays only from the nearest one before it, not from the set-up: a few
 * steps, never a day-long `sleep` again. A copy is taken when enough steps or
 * enough simulation work have passed since the last one; together they stay
 * within a memory budget, counted like the view cache's (a task is most of a
 * copy), by dropping the copy whose loss costs the least replay.
 */
import { fork, type Machine } from './fork';

/** Task rows all checkpoints may hold together (the view cache holds as many). */
export const CHECKPOINT_TASKS = 200_000;
/** A copy at least every this many steps… */
export const CHECKPOINT_STEPS = 8;
/** …and after this much simulation work (Kernel.charge units: about 50 ms of it). */
export const CHECKPOINT_WORK = 1_000_000;
/** What a copy costs beyond its tasks (the log, modules, the shell), in task rows. */
const BASE_COST = 50;

interface Checkpoint {
  position: number;
  /** the kernel's work counter there: replaying from the set-up to here costs this much */
  work: number;
  machine: Machine;
  cost: number;
}

export class Checkpoints {
  /** by position */
  private list: Checkpoint[] = [];
  private cost = 0;

  constructor(
    private readonly budget = CHECKPOINT_TASKS,
    /** at least every this many steps (tests set 1: a copy at every step) */
    private readonly every = CHECKPOINT_STEPS,
  ) {}

  get positions(): number[] {
    return this.list.map((c) => c.position);
  }

  /** Should the machine at `position`, having done `work`, be kept? */
  due(position: number, work: number): boolean {
    const last = this.before(position);
    if (!last) return true;
    if (last.position === position) return false;
    return position - last.position >= this.every || work - last.work >= CHECKPOINT_WORK;
  }

  /** Keeps a copy of the machine as it is at `position` (the machine itself runs on). */
  keep(position: number, machine: Machine): void {
    this.drop((c) => c.position === position);
    const c: Checkpoint = { position, work: machine.k.work, machine: fork(machine), cost: BASE_COST + machine.k.tasks.length };
    const i = this.list.findIndex((x) => x.position > position);
    this.list.splice(i < 0 ? this.list.length : i, 0, c);
    this.cost += c.cost;
    this.evict();
  }

  /**
   * The nearest kept step at or before `n`, with a copy of its machine to run
   * on (the checkpoint stays as it was, for next time); null if none is.
   */
  restore(n: number): { position: number; machine: Machine } | null {
    const c = this.before(n);
    return c ? { position: c.position, machine: fork(c.machine) } : null;
  }

  /** The position restore(n) would start from, or -1. */
  nearest(n: number): number {
    return this.before(n)?.position ?? -1;
  }

  /** Acting in the past drops the future: its copies go too. */
  dropAfter(n: number): void {
    this.drop((c) => c.position > n);
  }

  clear(): void {
    this.list = [];
    this.cost = 0;
  }

  private before(n: number): Checkpoint | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]!.position <= n) return this.list[i];
    return undefined;
  }

  private drop(which: (c: Checkpoint) => boolean): void {
    for (const c of this.list.filter(which)) this.cost -= c.cost;
    this.list = this.list.filter((c) => !which(c));
  }

  /**
   * Over budget, the copy between the two closest neighbours (in replay work)
   * goes: the first (the set-up, however long it ran) and the newest stay.
   */
  private evict(): void {
    while (this.cost > this.budget && this.list.length > 2) {
      let best = 1;
      for (let i = 2; i < this.list.length - 1; i++) if (span(this.list, i) < span(this.list, best)) best = i;
      this.cost -= this.list[best]!.cost;
      this.list.splice(best, 1);
    }
  }
}

/** What replaying a step costs beyond its work (the view kept before it, the records), in work units. */
const STEP_COST = 100_000;

/** The replay between a copy's neighbours: what losing it costs going to the step just before the next one. */
const span = (list: Checkpoint[], i: number): number =>
  list[i + 1]!.work - list[i - 1]!.work + (list[i + 1]!.position - list[i - 1]!.position) * STEP_COST;
