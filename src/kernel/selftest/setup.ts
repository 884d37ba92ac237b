import type { Kernel } from '../kernel';
import { lookup } from '../fs/vfs';
import { setFtraceEnabled } from './ftrace-enabled';

/**
 * What the livepatch selftests do before their first test (setup_config in
 * functions.sh): dynamic debug on for the livepatch core except the per-task
 * switch messages, and kernel.ftrace_enabled=1. As the shell would type it:
 */
export const SELFTEST_SETUP = [
  "echo 'file kernel/livepatch/* +p' > /sys/kernel/debug/dynamic_debug/control",
  "echo 'func klp_try_switch_task -p' > /sys/kernel/debug/dynamic_debug/control",
  'set_ftrace_enabled 1',
] as const;

/**
 * The same set-up done without a shell (the app draws its first situation
 * before the shell's code has loaded): the same writes, the same log line.
 */
export function selftestSetup(k: Kernel): void {
  livepatchDebugSetup(k);
  setFtraceEnabled(k, '1', false);
}

/**
 * The set-up a session starts from: the selftests' (5.1 on), or before them
 * the dynamic debug the callbacks document assumes.
 */
export function harnessSetup(k: Kernel): void {
  if (k.profile.selftests) selftestSetup(k);
  else livepatchDebugSetup(k);
}

/** The dynamic debug half of it: the livepatch core's pr_debug lines, but not the per-task ones. */
export function livepatchDebugSetup(k: Kernel): void {
  const control = lookup(k, '/sys/kernel/debug/dynamic_debug/control');
  if (control?.kind !== 'file' || !control.write) throw new Error('no dynamic debug control file');
  control.write('file kernel/livepatch/* +p\n', false);
  control.write('func klp_try_switch_task -p\n', false);
}

/**
 * check_result's filter: lines with "livepatch:" or "test_klp", without the
 * module loader's taint notices.
 */
export function selftestFilter(text: string): boolean {
  return (text.includes('livepatch:') || text.includes('test_klp')) && !TAINT_NOTICE.test(text);
}

/** The module loader's taint notices, which check_result() filters out. */
export const TAINT_NOTICE = /(tainting|taints) kernel/;
