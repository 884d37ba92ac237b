/**
 * Bash's job table, for an interactive shell with job control. A command
 * line ending in `&` becomes a job: bash prints `[N] PID`, and once the job
 * has ended it says so (`[N]+  Done                    CMD`) before the
 * next prompt, or after the next foreground command, or when `jobs` lists
 * it; then the job is gone (`kill %N`: "no such job"). The simulation runs
 * most commands to their end at once, so a job without sleeps is Done by
 * the time the line that started it returns. A `sleep N &` job runs until
 * its timer ends it N seconds later in virtual time (commands/sleep.ts); a
 * job of several commands runs its commands as its sleeps end
 * (job-run.ts); a process that keeps running on its own (the getpid
 * helper) stays Running until it is killed, and one that sleeps for good
 * (an insmod whose module_init never returns, blocked.ts) stays Running for
 * ever.
 *
 * The words are bash 5.2's, checked at a terminal and with Debian 12's
 * bash 5.2 (../shared/realkernel/ask.sh): the text of a group
 * (`{ sleep 1; echo done; }`, `( sleep 1; echo sub )`) and `jobs -l`'s
 * pid in five columns (`[1]-   116 Running`).
 */
import { isGroup, type AndOr, type CommandList, type CommandNode, type Pipeline, type Redirect, type SimpleCommand } from './parse';

export interface Job {
  /** the job number, %N */
  n: number;
  /** the pid bash prints: the command's own process, or the subshell it forked */
  pid: number;
  /** the command as bash prints it back */
  text: string;
  /** the exit status once it has ended (128 + the signal for a killed job); null while it runs */
  status: number | null;
  /** the signal that ended it, if one did */
  signal: 'TERM' | 'KILL' | null;
  /** a subshell job waits for this process, which sleeps for good: the job runs while it lives */
  holder?: number;
}

const SIGNAL_WORDS = { TERM: 'Terminated', KILL: 'Killed' } as const;
export const SIGNAL_NUMBERS = { TERM: 15, KILL: 9 } as const;

function redirectText(r: Redirect): string {
  const target = typeof r.target === 'number' ? String(r.target) : r.target.raw;
  if (r.op === '>&' || r.op === '&>') return r.op === '&>' ? `&> ${target}` : `${r.fd}>&${target}`;
  return `${r.fd === (r.op === '<' ? 0 : 1) ? '' : r.fd}${r.op} ${target}`;
}

function simpleText(c: SimpleCommand): string {
  return [...c.assignments.map((a) => `${a.name}=${a.value.raw}`), ...c.words.map((w) => w.raw), ...c.redirects.map(redirectText)].join(' ');
}

/**
 * `{ a; b & }` and `( a; b )`: each item ends in `;` or ` &`, but the last
 * of a subshell, which ends in ` )` (bash 5.2's make_command_string()).
 */
function groupText(subshell: boolean, body: CommandList): string {
  const items = body.items.map((it, i) => `${andOrText(it)}${it.background ? ' &' : subshell && i === body.items.length - 1 ? '' : ';'}`);
  return subshell ? `( ${items.join(' ')} )` : `{ ${items.join(' ')} }`;
}

function commandText(c: CommandNode): string {
  if (!isGroup(c)) return simpleText(c);
  return [groupText(c.subshell, c.body), ...c.redirects.map(redirectText)].join(' ');
}

const pipelineText = (p: Pipeline) => p.commands.map(commandText).join(' | ');

const andOrText = (item: AndOr) => [pipelineText(item.first), ...item.rest.map((r) => `${r.op} ${pipelineText(r.pipeline)}`)].join(' ');

/** How bash prints a job's command back (without the trailing `&`). */
export const jobText = andOrText;

export class JobTable {
  readonly jobs: Job[] = [];
  /** the exit statuses of background processes that ended, by pid: `wait PID` still finds them */
  readonly statuses = new Map<number, number>();

  /** `tasks` is the kernel's task list: a job whose process left it is done */
  constructor(private readonly tasks: readonly { pid: number }[]) {}

  private alive(pid: number): boolean {
    return this.tasks.some((t) => t.pid === pid);
  }

  add(pid: number, text: string, status: number | null): Job {
    const n = this.jobs.length ? Math.max(...this.jobs.map((j) => j.n)) + 1 : 1;
    const job: Job = { n, pid, text, status, signal: null };
    this.jobs.push(job);
    return job;
  }

  /** A job whose process is gone has ended (killed by a signal the shell did not send: TERM). */
  finished(job: Job): boolean {
    if (job.status === null && !this.alive(job.holder ?? job.pid)) {
      job.signal ??= 'TERM';
      job.status = 128 + SIGNAL_NUMBERS[job.signal];
    }
    return job.status !== null;
  }

  /** The job's process exited by itself with this status (a background sleep whose time is up). */
  ended(pid: number, status: number): void {
    const job = this.jobs.find((j) => j.pid === pid);
    if (job && job.status === null) job.status = status;
    else if (!job) this.statuses.set(pid, status);
  }

  /** A signal reached the job's process. It ends a running job; a finished one is past caring. */
  signalled(pid: number, signal: 'TERM' | 'KILL'): void {
    const job = this.jobs.find((j) => j.pid === pid);
    if (!job || job.status !== null) return;
    job.signal = signal;
    job.status = 128 + SIGNAL_NUMBERS[signal];
  }

  /** %N, %%, %+, %- (bash's jobspecs); undefined when there is no such job. */
  spec(word: string): Job | undefined {
    const ordered = [...this.jobs].sort((a, b) => a.n - b.n);
    if (word === '%%' || word === '%+' || word === '%') return ordered[ordered.length - 1];
    if (word === '%-') return ordered[ordered.length - 2] ?? ordered[ordered.length - 1];
    const m = /^%(\d+)$/.exec(word);
    if (m) return this.jobs.find((j) => j.n === Number(m[1]));
    const prefix = word.slice(1);
    const found = this.jobs.filter((j) => j.text.startsWith(prefix));
    return found.length === 1 ? found[0] : undefined;
  }

  private mark(job: Job): string {
    const ordered = [...this.jobs].sort((a, b) => a.n - b.n);
    if (job === ordered[ordered.length - 1]) return '+';
    if (job === ordered[ordered.length - 2]) return '-';
    return ' ';
  }

  private state(job: Job): string {
    if (!this.finished(job)) return 'Running';
    if (job.signal) return SIGNAL_WORDS[job.signal];
    return job.status === 0 ? 'Done' : `Exit ${job.status}`;
  }

  /** One line of `jobs` (or a notification): "[1]+  Done                    true"; `long` adds the pid. */
  format(job: Job, long = false): string {
    const state = this.state(job);
    const text = state === 'Running' ? `${job.text} &` : job.text;
    return `[${job.n}]${this.mark(job)}${long ? ` ${String(job.pid).padStart(5)} ` : '  '}${state.padEnd(24)}${text}\n`;
  }

  /** The job leaves the table; its status stays known to `wait PID`. */
  remove(job: Job): void {
    const i = this.jobs.indexOf(job);
    if (i >= 0) this.jobs.splice(i, 1);
    if (job.status !== null) this.statuses.set(job.pid, job.status);
  }

  /** notify_and_cleanup(): the lines saying which jobs ended, and those jobs leave the table. */
  notify(): string {
    const ended = this.jobs.filter((j) => this.finished(j)).sort((a, b) => a.n - b.n);
    const text = ended.map((j) => this.format(j)).join('');
    ended.forEach((j) => this.remove(j));
    return text;
  }
}
