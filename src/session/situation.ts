/**
 * What a situation is made of, as plain data (no engine code): the set-up,
 * the inputs that are its steps, and what each step printed. Links, the
 * page and the engine's Timeline all speak it.
 */
import type { KernelConfig } from '../kernel/kernel';
import type { LogRecord } from '../kernel/world/log';

export interface Setup {
  config: Partial<KernelConfig>;
  /** run the livepatch selftests' set-up first (dynamic debug for the core) */
  selftest: boolean;
  /** commands run before step 0, not shown as steps */
  lines: string[];
  /** extra tasks, and where they sleep */
  tasks?: TaskSetup[];
}

/**
 * A task the situation needs: a user process blocked in a system call, or a
 * kthread, sleeping in the given vmlinux functions (outermost first, after
 * the usual entry frames). Or one running on its CPU: a user process
 * computing in user space (no kernel functions), or a kthread busy in the
 * given functions, the first its loop function, where it sleeps at the end
 * of its pass.
 */
export interface TaskSetup {
  comm: string;
  kind: 'user' | 'kthread';
  /** where it sleeps (or, running, where it runs), outermost first */
  sleepsIn: string[];
  /** 'S' interruptible (a signal wakes it), 'D' uninterruptible, 'R' running on its CPU */
  state?: 'S' | 'D' | 'R';
  cpu?: number;
  /** stack_trace_save_tsk_reliable() fails for it: no stack check can switch it */
  unreliable?: boolean;
  /** a running kthread's sleep at the end of its pass is freezable (TASK_FREEZABLE) */
  freezable?: boolean;
}

export type Input =
  | { kind: 'command'; line: string }
  /** one kernel event from the queue */
  | { kind: 'event' }
  /** kernel events while they make progress, as one step */
  | { kind: 'settle' }
  /** simulation control: N virtual seconds pass, with the events they bring */
  | { kind: 'advance'; seconds: number }
  /** simulation control: a sleeping task finishes what it waits for and returns */
  | { kind: 'wake'; pid: number }
  /** Ctrl-C at the shell: SIGINT to the process holding the terminal (src/kernel/shell/blocked.ts) */
  | { kind: 'interrupt' };

export interface TermLine {
  kind: 'prompt' | 'out' | 'err';
  text: string;
}

export interface StepRecord {
  input: Input;
  /** the kernel event that ran, for an `event` step */
  event: string | null;
  term: TermLine[];
  /** log records this step printed */
  log: LogRecord[];
  time: number;
}

export const DEFAULT_SETUP: Setup = { config: {}, selftest: true, lines: [] };
