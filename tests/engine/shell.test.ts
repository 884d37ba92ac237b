/**
 * What a user types at the shell beyond the selftests' vocabulary, as bash,
 * coreutils and a real kernel answer it. Bash's words were checked with
 * Debian 12's bash 5.2 at a terminal (job control on); the kernel's with
 * ../shared/realkernel/ask.sh.
 */
import { describe, expect, it } from 'vitest';
import { machine } from './machine';

describe('the release', () => {
  it('uname -r, the boot banner and /proc/version name one real mainline release', () => {
    const m = machine();
    const release = m.run('uname -r').stdout.trim();
    // 7.1: the first release with every selftest the transcripts replay (test_klp_mod_*, the
    // "livepatch a traced function" ftrace test), and with replace (6.11) and stack_order (6.14).
    expect(release).toBe('7.1.0');
    expect(m.k.log.records[0]!.text).toBe(`Linux version ${release} (klpscope@localhost) #1 SMP PREEMPT_DYNAMIC`);
    expect(m.read('/proc/version')).toBe(`${m.k.log.records[0]!.text}\n`);
    expect(m.run('uname -a').stdout).toBe(`Linux klpscope ${release} #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n`);
    expect(m.read('/proc/cmdline')).toContain(`BOOT_IMAGE=/boot/vmlinuz-${release} `);
    expect(m.run('modprobe nope').stderr).toBe(`modprobe: FATAL: Module nope not found in directory /lib/modules/${release}\n`);
  });
});
