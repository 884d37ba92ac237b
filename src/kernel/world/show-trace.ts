/**
 * show_trace_log_lvl() (arch/x86/kernel/dumpstack.c): "Call Trace:", then
 * the task's stack between <TASK> and </TASK>, one frame a line, at the
 * level its caller passes (an Oops: the default one; sched_show_task():
 * KERN_INFO). `frames` are already as %pBb prints them, innermost first.
 */
import type { Kernel } from '../kernel';
import { X86_DUMPSTACK as W, say } from '../words';

export function showTraceLogLvl(k: Kernel, frames: readonly string[], logLvl: number): void {
  const lvl = { logLvl };
  say(k, W.callTrace, {}, lvl);
  say(k, W.stackStart, { stack_name: 'TASK' }, lvl);
  for (const address of frames) say(k, W.frame, { unreliable: '', address }, lvl);
  say(k, W.stackEnd, { stack_name: 'TASK' }, lvl);
}
