/**
 * Commands that never return. A process can sleep for good inside a system
 * call: insmod of a module whose init waits for a completion nothing will
 * complete sleeps in D state (uninterruptible); a second insmod of a module
 * still loading waits in add_unformed_module() (interruptible). On a real
 * terminal the foreground job then holds the terminal for ever: bash waits
 * for it, Ctrl-C sends SIGINT, which the D-state task leaves pending (no
 * signal wakes TASK_UNINTERRUPTIBLE, not even SIGKILL) and the
 * interruptible one dies of.
 *
 * The simulated shell cannot wait for ever, and must not freeze the page
 * or the CLI. So it runs the command until it sleeps for good (nothing more
 * can happen for it), skips the rest of the line as bash would, and says
 * what is blocked. The process stays (ps, /proc/<pid>/stack, khungtaskd see
 * it) and so does the blocked terminal: Ctrl-C (Shell.interrupt()) goes to
 * its process and has exactly the effect it would have. Meanwhile the next
 * line is read as if typed into another terminal on the same machine: it
 * shares this shell's variables, directory and jobs, which a second login
 * would not, a simplification the notice states.
 */
import type { Kernel } from '../kernel';
import type { Task } from '../world/tasks';

/** A foreground process that holds its terminal for ever. */
export interface Blocked {
  pid: number;
  comm: string;
  /** the function it sleeps in, as the notice names it */
  wchan: string;
  /** D: only the wait it sleeps in could end it; S: a signal ends it */
  state: 'D' | 'S';
}

export function blockedOf(task: Task): Blocked {
  return { pid: task.pid, comm: task.comm, wchan: task.sleepsForever ?? '?', state: task.state === 'D' ? 'D' : 'S' };
}

/** What the shell says when a foreground command sleeps for good. */
export function blockedNotice(b: Blocked): string {
  const how =
    b.state === 'D'
      ? `is in D state (uninterruptible sleep) in ${b.wchan}() and will never return; Ctrl-C cannot interrupt it`
      : `sleeps in ${b.wchan}() until the module it waits for has loaded, which will never happen; Ctrl-C ends it`;
  return `klp: ${b.comm} (pid ${b.pid}) ${how}.\nklp: this terminal is blocked; what you type next runs as if in another terminal (same shell state).\n`;
}

/**
 * Ctrl-C: SIGINT to the blocked terminal's process. An interruptible sleep
 * ends and the process dies (bash's status 130); a D-state one keeps the
 * signal pending and sleeps on. Returns what the terminal shows.
 */
export function interruptBlocked(k: Kernel, stuck: Blocked[]): { text: string; freed: Blocked | null } {
  const b = stuck[stuck.length - 1];
  if (!b) return { text: '^C\n', freed: null };
  const task = k.taskByPid(b.pid);
  if (!task || task.state !== 'D') {
    if (task) k.exitTask(task);
    stuck.pop();
    return { text: `^C\nklp: SIGINT ended ${b.comm} (pid ${b.pid}): its terminal is free again (status 130).\n`, freed: b };
  }
  task.sigPending = true;
  return {
    text: `^C\nklp: SIGINT is pending for ${b.comm} (pid ${b.pid}), but a task in D state is not woken by signals, not even SIGKILL: it sleeps on in ${b.wchan}(), and its terminal stays blocked.\n`,
    freed: null,
  };
}
