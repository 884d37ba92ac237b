/**
 * The helpers of tools/testing/selftests/livepatch/functions.sh that the
 * transcripts run, and test_klp-call_getpid, the user-space helper that
 * calls getpid() in a loop.
 */
import type { Command, CommandContext } from '../types';
import type { Kernel } from '../../kernel';
import { VMLINUX } from '../../world/code';
import { SLEEP_SITES } from '../../world/tasks';
import { reenter, taskReturnsToUser } from '../../world/task-events';
import { setFtraceEnabled } from '../../selftest/ftrace-enabled';

const TRACING = '/sys/kernel/debug/tracing';

/** Runs a line in the same shell, as a helper's body would. */
function sh(ctx: CommandContext, line: string): { status: number; stdout: string; stderr: string } {
  const r = ctx.shell.run(line);
  ctx.shell.history.pop();
  return r;
}

export const set_ftrace_enabled: Command = (ctx, args) => {
  const fail = args[0] === '--fail';
  const value = fail ? args[1] : args[0];
  if (value === undefined) return 1;
  const r = setFtraceEnabled(ctx.k, value, fail);
  if (r.stderr) ctx.err(r.stderr);
  return r.status;
};

export const cleanup_tracing: Command = (ctx) => {
  sh(ctx, `echo 0 > ${TRACING}/tracing_on`);
  sh(ctx, `echo > ${TRACING}/set_ftrace_filter`);
  sh(ctx, `echo nop > ${TRACING}/current_tracer`);
  sh(ctx, `echo > ${TRACING}/trace`);
  return 0;
};

export const trace_function: Command = (ctx, args) => {
  cleanup_tracing(ctx, []);
  sh(ctx, `echo function > ${TRACING}/current_tracer`);
  const r = sh(ctx, `echo ${args[0] ?? ''} > ${TRACING}/set_ftrace_filter`);
  if (r.status) {
    ctx.err(r.stderr);
    return r.status;
  }
  sh(ctx, `echo 1 > ${TRACING}/tracing_on`);
  return 0;
};

/** Starts one getpid hammer on a CPU; returns its pid. */
function startHammer(k: Kernel, cpu: number): number {
  const t = k.spawn({
    comm: 'test_klp-call_getpid',
    kind: 'user',
    cpu,
    chain: [...SLEEP_SITES.wait4.slice(0, 2), { obj: VMLINUX, fn: '__x64_sys_getpid' }],
    behavior: { type: 'syscall-loop', syscall: { obj: VMLINUX, fn: '__x64_sys_getpid' }, calls: 0 },
    state: 'R',
    parent: k.loginShell,
  });
  t.onCpu = true;
  reenter(k, t, 0); // the getpid() it is about to make runs what its universe selects
  // Its first getpid() as it starts looping.
  taskReturnsToUser(k, t);
  return t.pid;
}

/**
 * ./test_klp-call_getpid &: loops on getpid() until killed. Fork balancing
 * puts the new CPU hog on an idle CPU: one where nothing runs and the
 * shell is not; failing that, one with no other helper.
 */
export const callGetpid: Command = (ctx) => {
  const k = ctx.k;
  const helpers = new Set(k.tasks.filter((t) => t.behavior.type === 'syscall-loop').map((t) => t.cpu));
  const running = new Set(k.tasks.filter((t) => t.onCpu && t !== ctx.task).map((t) => t.cpu));
  const idle = k.cpus.find((c) => c.online && c.id !== k.loginShell.cpu && !helpers.has(c.id) && !running.has(c.id));
  const cpu = idle?.id ?? k.cpus.find((c) => !helpers.has(c.id))?.id ?? k.rng.int(k.cpus.length);
  ctx.shell.lastBackground = startHammer(k, cpu);
  return 0;
};

/** test-syscall.sh: one helper per online CPU (at most 128), PIDs in PID_LIST. */
export const start_getpid_helpers: Command = (ctx) => {
  const pids: number[] = [];
  for (const cpu of ctx.k.cpus.slice(0, 128)) if (cpu.online) pids.push(startHammer(ctx.k, cpu.id));
  ctx.shell.lastBackground = pids[pids.length - 1] ?? 0;
  ctx.shell.vars.set('PID_LIST', pids.join(','));
  return 0;
};

export const kill_getpid_helpers: Command = (ctx) => {
  const pids = (ctx.shell.vars.get('PID_LIST') ?? '').split(',').filter(Boolean);
  if (pids.length) sh(ctx, `kill ${pids.join(' ')}`);
  return 0;
};
