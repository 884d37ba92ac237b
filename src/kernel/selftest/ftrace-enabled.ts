/**
 * set_ftrace_enabled from functions.sh: `sysctl -q kernel.ftrace_enabled=N`,
 * read it back, and log the outcome into the kernel log (which is why
 * "livepatch: kernel.ftrace_enabled = N" lines appear in the transcripts).
 */
import type { Kernel } from '../kernel';
import { lookup } from '../fs/vfs';
import { strError, EACCES } from '../world/errno';
import { FUNCTIONS_SH, body, say } from '../words';
import { FACTS, holdsIn } from '../release/facts';
import { MAINLINE } from '../release/releases';

/** Returns the helper's exit status: 0, or 4 (kselftest skip) when the value did not stick. */
export function setFtraceEnabled(k: Kernel, value: string, fail: boolean): { status: number; stderr: string } {
  const node = lookup(k, '/proc/sys/kernel/ftrace_enabled');
  const ret = node?.kind === 'file' && node.write ? node.write(`${value}\n`, false) : -EACCES;
  const now = node?.kind === 'file' && node.read ? String(node.read()).trim() : '';
  if (now === value) {
    // sysctl's own output: "kernel.ftrace_enabled = 1"
    say(k, FUNCTIONS_SH.ftraceEnabled, { result: `kernel.ftrace_enabled = ${now}` });
    return { status: 0, stderr: '' };
  }
  // Before the helper took --fail, it logged sysctl's answer, refused or not.
  if (fail || !holdsIn(FACTS.ftraceEnabledFailFlag, k.config.harness ?? MAINLINE)) {
    // sysctl's own error text, /proc/sys/kernel/ rewritten to kernel. by the helper's sed
    say(k, FUNCTIONS_SH.ftraceEnabled, { result: `sysctl: setting key "kernel.ftrace_enabled": ${strError(ret)}` });
    return { status: 0, stderr: '' };
  }
  const skip = { msg: `failed to set kernel.ftrace_enabled = ${value}` };
  say(k, FUNCTIONS_SH.skip, skip);
  return { status: 4, stderr: `${body(FUNCTIONS_SH.skip, skip)}\n` };
}
