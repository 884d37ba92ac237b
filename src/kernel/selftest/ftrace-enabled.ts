/**
 * set_ftrace_enabled from functions.sh: `sysctl -q kernel.ftrace_enabled=N`,
 * read it back, and log the outcome into the kernel log (which is why
 * "livepatch: kernel.ftrace_enabled = N" lines appear in the transcripts).
 */
import type { Kernel } from '../kernel';
import { lookup } from '../fs/vfs';
import { strError, EACCES } from '../world/errno';

/** Returns the helper's exit status: 0, or 4 (kselftest skip) when the value did not stick. */
export function setFtraceEnabled(k: Kernel, value: string, fail: boolean): { status: number; stderr: string } {
  const node = lookup(k, '/proc/sys/kernel/ftrace_enabled');
  const ret = node?.kind === 'file' && node.write ? node.write(`${value}\n`, false) : -EACCES;
  const now = node?.kind === 'file' && node.read ? String(node.read()).trim() : '';
  if (now === value) {
    k.log.writeKmsg(`livepatch: kernel.ftrace_enabled = ${now}`);
    return { status: 0, stderr: '' };
  }
  if (fail) {
    // sysctl's own error text, /proc/sys/kernel/ rewritten to kernel. by the helper's sed
    k.log.writeKmsg(`livepatch: sysctl: setting key "kernel.ftrace_enabled": ${strError(ret)}`);
    return { status: 0, stderr: '' };
  }
  const msg = `SKIP: failed to set kernel.ftrace_enabled = ${value}`;
  k.log.writeKmsg(msg);
  return { status: 4, stderr: `${msg}\n` };
}
