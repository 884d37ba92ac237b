/**
 * Tasks as the livepatch consistency model sees them: a pid, a comm, a kind
 * (user task, kthread, or a CPU's idle "swapper" task), whether it is on a
 * CPU right now, and the call chain it sleeps in. Plus the two per-task
 * livepatch variables: patch_state and TIF_PATCH_PENDING.
 */
import type { CodeRef } from './code';
import { VMLINUX } from './code';
import type { KlpState } from '../machines/transition.machine';

export type TaskKind = 'user' | 'kthread' | 'idle';

/**
 * What a task does on its own, which decides how it can switch universes:
 * - sleeper: a user task blocked in a system call; a (fake) signal makes it
 *   return to user space and enter the call again;
 * - kthread: a kernel thread waiting in its loop; only stack checks switch it,
 *   a fake signal merely wakes it if it sleeps interruptibly;
 * - worker: a kworker, idle in worker_thread or running a work item;
 * - syscall-loop: a user task on a CPU calling one system call over and over
 *   (test_klp-call_getpid): it switches at every return to user space;
 * - user-compute: a user task computing in user space on its CPU: it enters
 *   the kernel only for interrupts, and switches on the way back from one;
 * - busy-kthread: a kthread busy on its CPU in its loop's work (ksmd merging
 *   pages): a stack check cannot switch it while it runs; at the end of its
 *   pass it goes to sleep in its loop function, freezably (TASK_FREEZABLE,
 *   wait_event_freezable_timeout()) or not;
 * - idle: the per-CPU idle task, which switches in the idle loop;
 * - command: a short-lived process the shell started (insmod, cat, …).
 */
export type Behavior =
  | { type: 'sleeper' }
  | { type: 'kthread'; loopAt: number }
  | { type: 'worker'; loopAt: number }
  | { type: 'syscall-loop'; syscall: CodeRef; calls: number }
  | { type: 'user-compute' }
  | { type: 'busy-kthread'; loopAt: number; freezable: boolean }
  | { type: 'idle' }
  | { type: 'command' };

export interface Task {
  pid: number;
  tgid: number;
  ppid: number;
  comm: string;
  kind: TaskKind;
  cpu: number;
  /** 'R' running or runnable, 'S' interruptible sleep, 'D' uninterruptible sleep */
  state: 'R' | 'S' | 'D';
  /** The calls it made, outermost first: the functions as its callers name them. */
  calls: CodeRef[];
  /**
   * The code each of those calls runs, as klp_ftrace_handler() chose when the
   * task entered it: its stack. A task keeps running old code it entered
   * before a patch, which is what the stack check looks for.
   */
  chain: CodeRef[];
  /** stack_trace_save_tsk_reliable() would fail (e.g. an interrupt frame) */
  unreliableStack: boolean;
  /** task->patch_state */
  patchState: KlpState;
  /** TIF_PATCH_PENDING */
  pending: boolean;
  /** TIF_NOTIFY_SIGNAL: the fake signal klp_send_signals() sets */
  notifySignal: boolean;
  behavior: Behavior;
  /** on a CPU right now (task_curr()); idle tasks are derived instead */
  onCpu: boolean;
  /** What a blocked task waits for, if anything but a signal wakes it (a module's worker). */
  waitingFor?: string;
  /**
   * An uninterruptible wait nothing will ever end (a module_init in
   * wait_for_completion() on a completion no one completes): the function it
   * waits in. Such a task never switches again, so khungtaskd reports it.
   */
  sleepsForever?: string;
  /**
   * khungtaskd's view of it (t->last_switch_time): when a check first saw it
   * in this sleep, in virtual µs; unset until then.
   */
  hungSince?: number;
  /** one of its own doings (world/task-events.ts) is queued: it does one thing at a time */
  eventQueued?: boolean;
  /** a signal it has not acted on yet (TIF_SIGPENDING): a D-state sleeper keeps it until it wakes */
  sigPending?: boolean;
}

export interface Cpu {
  id: number;
  online: boolean;
  idle: Task;
}

const k = (fn: string): CodeRef => ({ obj: VMLINUX, fn });
const chain = (...fns: string[]): CodeRef[] => fns.map(k);

const SYSCALL = ['entry_SYSCALL_64_after_hwframe', 'do_syscall_64'];
const KTHREAD = ['ret_from_fork_asm', 'ret_from_fork', 'kthread'];

/** Where common processes sleep, outermost frame first. */
export const SLEEP_SITES = {
  epoll: chain(...SYSCALL, '__x64_sys_epoll_wait', 'do_epoll_wait', 'ep_poll', 'schedule_hrtimeout_range', 'schedule'),
  wait4: chain(...SYSCALL, '__x64_sys_wait4', 'kernel_wait4', 'do_wait', 'schedule'),
  nanosleep: chain(...SYSCALL, '__x64_sys_clock_nanosleep', 'common_nsleep', 'hrtimer_nanosleep', 'do_nanosleep', 'schedule'),
  poll: chain(...SYSCALL, '__x64_sys_ppoll', 'do_sys_poll', 'do_poll', 'poll_schedule_timeout', 'schedule_hrtimeout_range', 'schedule'),
  ttyRead: chain(...SYSCALL, 'ksys_read', 'vfs_read', 'tty_read', 'n_tty_read', 'wait_woken', 'schedule_timeout', 'schedule'),
  select: chain(...SYSCALL, '__x64_sys_pselect6', 'do_pselect', 'core_sys_select', 'do_select', 'poll_schedule_timeout', 'schedule_hrtimeout_range', 'schedule'),
  futex: chain(...SYSCALL, '__x64_sys_futex', 'do_futex', 'futex_wait', 'futex_wait_queue', 'schedule'),
  accept: chain(...SYSCALL, '__x64_sys_accept4', 'do_accept', 'inet_accept', 'inet_csk_accept', 'schedule_timeout', 'schedule'),
  /** finit_module() down to the module's init function, which comes next (mainline; 6.1 has __do_sys_finit_module → do_init_module) */
  finitModule: chain(...SYSCALL, '__x64_sys_finit_module', 'idempotent_init_module', 'init_module_from_file', 'do_init_module', 'do_one_initcall'),
} as const;

/** Kernel threads, outermost frame first; loopAt is the frame the thread loops in. */
export const KTHREAD_SITES = {
  smpboot: { chain: chain(...KTHREAD, 'smpboot_thread_fn', 'schedule'), loopAt: 3 },
  worker: { chain: chain(...KTHREAD, 'worker_thread', 'schedule'), loopAt: 3 },
  kthreadd: { chain: chain('ret_from_fork_asm', 'ret_from_fork', 'kthreadd', 'schedule'), loopAt: 2 },
  rcu: { chain: chain(...KTHREAD, 'rcu_gp_kthread', 'rcu_gp_fqs_loop', 'schedule_timeout', 'schedule'), loopAt: 3 },
  kswapd: { chain: chain(...KTHREAD, 'kswapd', 'schedule'), loopAt: 3 },
  kcompactd: { chain: chain(...KTHREAD, 'kcompactd', 'schedule_timeout', 'schedule'), loopAt: 3 },
  khugepaged: { chain: chain(...KTHREAD, 'khugepaged', 'schedule_timeout', 'schedule'), loopAt: 3 },
  hungtask: { chain: chain(...KTHREAD, 'watchdog', 'schedule_timeout', 'schedule'), loopAt: 3 },
  jbd2: { chain: chain(...KTHREAD, 'kjournald2', 'schedule'), loopAt: 3 },
  oom: { chain: chain(...KTHREAD, 'oom_reaper', 'schedule'), loopAt: 3 },
} as const;

export const IDLE_CHAIN = chain('common_startup_64', 'start_secondary', 'cpu_startup_entry', 'do_idle', 'schedule_idle');
export const IDLE_RUNNING_CHAIN = chain('common_startup_64', 'start_secondary', 'cpu_startup_entry', 'do_idle', 'cpuidle_idle_call', 'default_idle_call');

/** Every vmlinux function the simulated tasks and /proc files use: the kallsyms a lookup can find. */
export function vmlinuxFunctionsInChains(): string[] {
  const names = new Set<string>();
  for (const c of Object.values(SLEEP_SITES)) c.forEach((f) => names.add(f.fn));
  for (const s of Object.values(KTHREAD_SITES)) s.chain.forEach((f) => names.add(f.fn));
  IDLE_CHAIN.forEach((f) => names.add(f.fn));
  IDLE_RUNNING_CHAIN.forEach((f) => names.add(f.fn));
  return [...names];
}
