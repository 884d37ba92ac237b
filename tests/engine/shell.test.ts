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

describe('ls -R', () => {
  it('lists each directory under a "path:" header, subdirectories depth first, an empty one with nothing under it', () => {
    // Real 6.1 (which has no replace and stack_order yet):
    //   /sys/kernel/livepatch:
    //   test_klp_livepatch
    //
    //   /sys/kernel/livepatch/test_klp_livepatch:
    //   enabled  force	transition  vmlinux
    //
    //   /sys/kernel/livepatch/test_klp_livepatch/vmlinux:
    //   cmdline_proc_show,1  patched
    //
    //   /sys/kernel/livepatch/test_klp_livepatch/vmlinux/cmdline_proc_show,1:
    // and `ls -R FILE` prints the file's name.
    const m = machine({ selftest: true });
    m.run('insmod test_modules/test_klp_livepatch.ko');
    const LP = '/sys/kernel/livepatch';
    const r = m.run(`ls -1R ${LP}`);
    expect(r.stdout).toBe(
      [
        `${LP}:`,
        'test_klp_livepatch',
        '',
        `${LP}/test_klp_livepatch:`,
        'enabled',
        'force',
        'replace',
        'stack_order',
        'transition',
        'vmlinux',
        '',
        `${LP}/test_klp_livepatch/vmlinux:`,
        'cmdline_proc_show,1',
        'patched',
        '',
        `${LP}/test_klp_livepatch/vmlinux/cmdline_proc_show,1:`,
        '',
      ].join('\n'),
    );
    expect(m.run(`ls -R ${LP}/test_klp_livepatch/enabled`).stdout).toBe(`${LP}/test_klp_livepatch/enabled\n`);
    expect(m.run(`ls -lR ${LP}/test_klp_livepatch/vmlinux`).stdout).toMatch(/:\ntotal 0\ndrwxr-xr-x .* cmdline_proc_show,1\n-r--r--r-- .* patched\n\n.*cmdline_proc_show,1:\ntotal 0\n$/);
  });
});

describe('/proc/self', () => {
  it('is the process that looks: cat /proc/self/status describes cat, a child of the shell', () => {
    // Real 6.1: `cat /proc/self/status` → "Name:	cat", "PPid:	<the shell's pid>"; `ls /proc` lists self.
    const m = machine();
    const status = m.run('cat /proc/self/status').stdout;
    expect(status).toMatch(/^Name:\tcat\n/);
    expect(status).toContain(`PPid:\t${m.k.loginShell.pid}\n`);
    const grep = m.run('grep Name /proc/self/status').stdout;
    expect(grep).toBe('Name:\tgrep\n');
    expect(m.run('cat /proc/self/comm').stdout).toBe('cat\n');
    expect(m.run('ls /proc').stdout.split(/\s+/)).toContain('self');
  });
});
