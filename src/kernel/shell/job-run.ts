/**
 * A background job of several commands (`sleep 5 && echo hi &`,
 * `{ sleep 5; echo done; } &`, `( … ) &`) runs for real in the background:
 * its subshell runs the commands up to a sleep, whose process then sleeps
 * until its timer ends it (commands/sleep.ts), and the job goes on from
 * there when the timer fires, at the simulated time bash would, with the
 * kernel's events in between run in order.
 *
 * What is left of a paused job is plain data (the AST still to run, where
 * each list stands, the job's variables, directory and status), resumed by
 * a module-level event function: a copy of the machine (session/fork.ts)
 * copies it with everything else, and both copies go on alike.
 *
 * A job pauses only at a sleep that is one whole pipeline of an and-or list
 * of the job, of a group in it, or of a group in that (the places bash's
 * subshell reaches by running one command after another). A sleep deeper
 * than that (in a pipeline of several commands, in a $(...), in a group
 * whose output is redirected, or in a command started with `&` inside the
 * job) would need the middle of a command to wait: such a job still runs to
 * its end at once, as before, and the shell says why.
 */
import { isGroup, type AndOr, type CommandList, type CommandNode, type SimpleCommand, type Word } from './parse';

export type JobFrame =
  /** a list (the body of a group) and the index of the item to run next */
  | { kind: 'list'; list: CommandList; next: number }
  /** an and-or list and the index of its pipeline to consider next (0: the first) */
  | { kind: 'and-or'; item: AndOr; next: number }
  /** a `( … )` inside the job: the variables and directory to put back when it ends */
  | { kind: 'subshell'; vars: Map<string, string>; cwd: string };

export interface JobRun {
  /** the job's subshell, the pid bash printed */
  pid: number;
  /** what is left to run, the innermost last */
  frames: JobFrame[];
  /** the subshell's own variables, directory and $? */
  vars: Map<string, string>;
  cwd: string;
  status: number;
  /** bytes the job has written (it has the most one command line may write, limits.ts) */
  written: number;
}

/** The continuation of a job that has not started yet. */
export function jobRun(pid: number, item: AndOr, vars: Map<string, string>, cwd: string, status: number): JobRun {
  return { pid, frames: [{ kind: 'and-or', item, next: 0 }], vars: new Map(vars), cwd, status, written: 0 };
}

/** Could this simple command be a sleep? Its name as typed, or a name an expansion makes. */
function maybeSleep(c: SimpleCommand): boolean {
  const name = c.words[0];
  if (!name) return false;
  return name.raw === 'sleep' || name.raw.endsWith('/sleep') || name.parts.some((p) => p.kind !== 'literal');
}

function wordsOf(c: SimpleCommand): Word[] {
  return [...c.assignments.map((a) => a.value), ...c.words, ...c.redirects.flatMap((r) => (typeof r.target === 'number' ? [] : [r.target]))];
}

/** Does a sleep run anywhere in these commands (their $(...) included)? */
function sleepsIn(nodes: readonly CommandNode[]): boolean {
  return nodes.some((c) => (isGroup(c) ? listSleeps(c.body) : maybeSleep(c) || substitutionsSleep(c)));
}

function listSleeps(list: CommandList): boolean {
  return list.items.some((it) => sleepsIn([it.first, ...it.rest.map((r) => r.pipeline)].flatMap((p) => p.commands)));
}

function substitutionsSleep(c: SimpleCommand): boolean {
  return wordsOf(c).some((w) => w.parts.some((p) => p.kind === 'command' && listSleeps(p.list)));
}

/**
 * Where a sleep of this job sits too deep for the job to pause at it, in
 * words for the shell's note ("a pipeline"), or null when every sleep can.
 */
export function unpausable(item: AndOr): string | null {
  for (const p of [item.first, ...item.rest.map((r) => r.pipeline)]) {
    if (p.commands.length > 1) {
      if (sleepsIn(p.commands)) return 'a pipeline';
      continue;
    }
    const c = p.commands[0]!;
    if (!isGroup(c)) {
      if (substitutionsSleep(c)) return 'a $(...)';
      continue;
    }
    if (c.redirects.length) {
      if (listSleeps(c.body)) return 'a group with redirections';
      continue;
    }
    for (const it of c.body.items) {
      const why = it.background ? (listSleeps({ items: [it] }) ? 'a command started with & inside the job' : null) : unpausable(it);
      if (why) return why;
    }
  }
  return null;
}
