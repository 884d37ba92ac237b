/**
 * GNU sleep. In the foreground the simulated time passes, with every event
 * due on the way, at most a simulated day per command line however many
 * sleeps (and waits) it holds. As a job (`sleep N &`), or as a command of a
 * job of several (`sleep N && echo hi &`, job-run.ts), it runs for real in
 * the background: its process sleeps in clock_nanosleep() until its timer
 * ends it N seconds later in virtual time, whenever later commands or
 * events let that time pass; the job then goes on.
 */
import type { Command, CommandContext } from '../types';
import type { Kernel } from '../../kernel';
import type { Shell } from '../shell';
import type { Task } from '../../world/tasks';
import { SLEEP_SITES } from '../../world/tasks';
import { reenter } from '../../world/task-events';
import { USEC_PER_SEC } from '../../world/events';

/** The longest sleep the simulation runs for one command line, in seconds (the help says so). */
export const SLEEP_MAX = 86400;

const UNIT = { '': 1, s: 1, m: 60, h: 3600, d: 86400 } as const;

/** GNU sleep's NUMBER[SUFFIX]: a floating-point number (1e9, .5, inf) and s, m, h or d. */
function interval(a: string): number {
  const m = /^(inf(?:inity)?|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)([smhd]?)$/i.exec(a);
  return m ? Number(/^inf/i.test(m[1]!) ? Infinity : m[1]) * UNIT[m[2] as keyof typeof UNIT] : NaN;
}

/**
 * Lets up to `seconds` of simulated time pass for the current command line:
 * at most what is left of its day (every second of a stalled transition is
 * a retry to run, synchronously). Returns the seconds that passed.
 */
export function passTime(ctx: CommandContext, seconds: number): number {
  const run = Math.min(seconds, SLEEP_MAX - ctx.shell.slept);
  ctx.k.sleep(run);
  ctx.shell.slept += run;
  return run;
}

/** What the shell says when a line's day is used up. */
export function dayUsedUp(who: string, ran: number, asked: number): string {
  return `klp: ${who}: one command line runs at most a simulated day (${SLEEP_MAX} s); ${ran} s passed${asked === Infinity ? '' : ` of the ${asked} s asked`}.\n`;
}

export const sleep: Command = (ctx, args) => {
  if (args.length === 0) {
    ctx.err("sleep: missing operand\nTry 'sleep --help' for more information.\n");
    return 1;
  }
  const bad = args.find((a) => Number.isNaN(interval(a)));
  if (bad !== undefined) {
    ctx.err(`sleep: invalid time interval '${bad}'\nTry 'sleep --help' for more information.\n`);
    return 1;
  }
  const total = args.reduce((sum, a) => sum + interval(a), 0);
  if (ctx.background) {
    sleepInBackground(ctx, total);
    return 0;
  }
  if (ctx.shell.inJob) {
    // Time passes only at the places a job can pause (job-run.ts): not in the middle of one of its commands.
    ctx.err(`klp: sleep: in a pipeline or a $(...) a sleep cannot pause this background job; it ended at once, its ${total} s not waited.\n`);
    return 0;
  }
  const ran = passTime(ctx, total);
  if (ran < total) ctx.err(dayUsedUp('sleep', ran, total));
  return 0;
};

/**
 * `sleep N &`: the process stays, asleep in clock_nanosleep() (state S, an
 * ordinary sleeper to a livepatch transition), and its hrtimer ends it at
 * now + N: the job is then Done (status 0). A sleep too long for the
 * virtual clock (inf, 1e12) never ends, as with `sleep inf &`.
 */
function sleepInBackground(ctx: CommandContext, seconds: number): void {
  const { k, task, shell } = ctx;
  const delay = Math.round(seconds * USEC_PER_SEC);
  // `sleep 0`: over before anything could wait for it (a timer due now would wait for time to pass)
  if (delay === 0) return;
  task.calls = [...SLEEP_SITES.nanosleep];
  reenter(k, task, 0); // its stack: the code each call runs, as the patches in force choose
  task.behavior = { type: 'sleeper' };
  task.state = 'S';
  ctx.detach();
  if (!Number.isSafeInteger(k.now + delay)) return;
  shell.sleepers.set(task.pid, k.now + delay);
  k.schedule(delay, 'timer', `hrtimer_wakeup: sleep:${task.pid}`, sleepEnds, shell, task);
}

/**
 * hrtimer_wakeup(): the background sleep's time is up and it exits: a job
 * of its own is done, or the job that waits for it goes on.
 */
function sleepEnds(k: Kernel, shell: Shell, task: Task): void {
  shell.sleepers.delete(task.pid);
  if (!k.tasks.includes(task)) return void shell.waiting.delete(task.pid); // killed meanwhile
  k.exitTask(task);
  if (!shell.childExited(task.pid, 0)) shell.jobs.ended(task.pid, 0);
}
