/** What a command sees: its arguments, input, output, and the machine. */
import type { Kernel } from '../kernel';
import type { Task } from '../world/tasks';
import type { Shell } from './shell';

export interface CommandContext {
  k: Kernel;
  shell: Shell;
  /** the process running the command (bash itself for builtins) */
  task: Task;
  stdin: string;
  /** the file `<` opened as standard input, an absolute path; null for a pipe or the terminal */
  stdinFile: string | null;
  out(text: string): void;
  err(text: string): void;
  /**
   * Writes to stdout that go straight to a file (a sysfs store): returns 0 or
   * -errno, which the command reports in its own words.
   */
  write(text: string): number;
  /** run as a job of its own (`cmd &`, the whole job): the command may leave its process running */
  background: boolean;
  /** the process goes on after the command returns (a background sleep), and ends on its own later */
  detach(): void;
}

/** Returns the exit status. */
export type Command = (ctx: CommandContext, args: string[]) => number;
