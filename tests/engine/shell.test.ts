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

describe('background jobs', () => {
  // Bash 5.2 at a terminal, with job control:
  //   $ true &                     $ false & L; wait %1; echo "w=$?"      (L: a loop of builtins)
  //   [1] 26786                    [1] 26787
  //   [1]+  Done  true   (later)   [1]+  Exit 1                  false
  //                                w=1
  //   $ kill %1                    $ true & true & L; jobs
  //   bash: kill: %1: no such job  [1] 26958
  //                                [2] 26959
  //                                [1]-  Done                    true
  //                                [2]+  Done                    true
  // Every command completes at once in the simulation, so a job has ended by the time the line
  // that started it returns, and bash reports it before the next prompt.
  it('cmd & prints [N] PID, returns 0 at once, and the job is reported Done before the next prompt', () => {
    const m = machine();
    const r = m.run('false &');
    const pid = Number(/^\[1\] (\d+)\n/.exec(r.stderr)![1]);
    expect(r.stderr).toBe(`[1] ${pid}\n[1]+  Exit 1                  false\n`);
    expect(r.status).toBe(0);
    expect(m.run('echo $!').stdout).toBe(`${pid}\n`);
    // Reported, so gone: bash's words for a job that is no more.
    expect(m.run('kill %1')).toEqual({ stdout: '', stderr: 'bash: kill: %1: no such job\n', status: 1 });
    expect(m.run('jobs %1')).toEqual({ stdout: '', stderr: 'bash: jobs: %1: no such job\n', status: 1 });
    expect(m.run('wait %1')).toEqual({ stdout: '', stderr: 'bash: wait: %1: no such job\n', status: 127 });
    expect(m.run('jobs')).toEqual({ stdout: '', stderr: '', status: 0 });
    // wait PID still knows how the last background process ended.
    expect(m.run(`wait ${pid}`).status).toBe(1);
    expect(m.run('wait').status).toBe(0);
  });

  it('jobs lists the jobs that ended and were not yet reported, then they are gone', () => {
    const m = machine();
    const r = m.run('true & echo hi > /dev/null & jobs; jobs; echo "j=$?"');
    expect(r.stdout).toBe('[1]-  Done                    true\n[2]+  Done                    echo hi > /dev/null\nj=0\n');
    expect(r.stderr).toMatch(/^\[1\] \d+\n\[2\] \d+\n$/);
    expect(m.run('jobs -l').stdout).toBe('');
  });

  it('wait %N reports the job it waited for and returns its status; kill %N of an ended, unreported job finds no process', () => {
    const m = machine();
    const r = m.run('false & wait %1; echo "w=$?"');
    expect(r.stdout).toBe('w=1\n');
    expect(r.stderr).toMatch(/^\[1\] \d+\n\[1\]\+  Exit 1                  false\n$/);
    const k = m.run('true & kill %1; echo "k=$?"');
    const pid = /^\[1\] (\d+)/.exec(k.stderr)![1];
    expect(k.stdout).toBe('k=1\n');
    expect(k.stderr).toBe(`[1] ${pid}\nbash: kill: (${pid}) - No such process\n[1]+  Done                    true\n`);
  });

  it('a job that keeps running (the getpid helper) is Running until kill %N ends it: Terminated', () => {
    const m = machine();
    const r = m.run('./test_klp-call_getpid &');
    const pid = Number(/^\[1\] (\d+)\n$/.exec(r.stderr)![1]);
    expect(m.k.taskByPid(pid)?.comm).toBe('test_klp-call_g');
    expect(m.run('jobs').stdout).toBe('[1]+  Running                 ./test_klp-call_getpid &\n');
    expect(m.run('jobs -l').stdout).toBe(`[1]+ ${String(pid).padStart(5)} Running                 ./test_klp-call_getpid &\n`);
    expect(m.run('jobs -p').stdout).toBe(`${pid}\n`);
    const k = m.run('kill %1');
    expect(k.status).toBe(0);
    expect(k.stderr).toBe('[1]+  Terminated              ./test_klp-call_getpid\n');
    expect(m.k.taskByPid(pid)).toBeUndefined();
    m.run('./test_klp-call_getpid &');
    expect(m.run('kill -9 %1').stderr).toBe('[1]+  Killed                  ./test_klp-call_getpid\n');
  });
});

describe('head, tail, grep and sleep in coreutils\' and GNU grep\'s words (issue 10)', () => {
  const lines = (m: ReturnType<typeof machine>) => (m.run('echo -e "a\\nb\\nc\\nd" > /tmp/f'), m);

  it('head -n x is an error, status 1; -n -N drops the last N; -c counts bytes', () => {
    const m = lines(machine());
    expect(m.run('head -n x /tmp/f')).toMatchObject({ stdout: '', stderr: "head: invalid number of lines: 'x'\n", status: 1 });
    expect(m.run('head -c y /tmp/f').stderr).toBe("head: invalid number of bytes: 'y'\n");
    expect(m.run('head -n').stderr).toBe("head: option requires an argument -- 'n'\nTry 'head --help' for more information.\n");
    expect(m.run('head -n -1 /tmp/f').stdout).toBe('a\nb\nc\n');
    expect(m.run('head -c 3 /tmp/f').stdout).toBe('a\nb');
    expect(m.run('head -2 /tmp/f').stdout).toBe('a\nb\n');
    expect(m.run('head -x /tmp/f')).toMatchObject({ stderr: "head: invalid option -- 'x'\nTry 'head --help' for more information.\n", status: 1 });
  });

  it('tail -n -2 is tail -n 2; tail -n +3 starts at line 3; several files get headers', () => {
    const m = lines(machine());
    expect(m.run('tail -n -2 /tmp/f').stdout).toBe('c\nd\n');
    expect(m.run('tail -n +3 /tmp/f').stdout).toBe('c\nd\n');
    expect(m.run('tail -c 2 /tmp/f').stdout).toBe('d\n');
    expect(m.run('tail -n 1 /tmp/f /tmp/f').stdout).toBe('==> /tmp/f <==\nd\n\n==> /tmp/f <==\nd\n');
    expect(m.run('tail -n 1 /nope')).toMatchObject({ stderr: "tail: cannot open '/nope' for reading: No such file or directory\n", status: 1 });
  });

  it("grep names what is wrong with a pattern as GNU grep does, status 2", () => {
    const m = lines(machine());
    expect(m.run("grep '[' /tmp/f")).toMatchObject({ stderr: 'grep: Unmatched [, [^, [:, [., or [=\n', status: 2 });
    expect(m.run("grep -E 'a(' /tmp/f").stderr).toBe('grep: Unmatched ( or \\(\n');
    expect(m.run("grep 'a\\(' /tmp/f").stderr).toBe('grep: Unmatched ( or \\(\n');
    expect(m.run("grep 'a\\)' /tmp/f").stderr).toBe('grep: Unmatched ) or \\)\n');
    // in a basic regular expression a plain ( is an ordinary character
    expect(m.run("echo 'f(x)' | grep 'f(x'")).toMatchObject({ stdout: 'f(x)\n', status: 0 });
    // a ] right after [ is a member of the bracket expression
    expect(m.run("grep '[]a]' /tmp/f")).toMatchObject({ stdout: 'a\n', status: 0 });
  });

  it('sleep takes what GNU sleep takes (1e3, .5, inf), and one line sleeps at most a simulated day, however many sleeps it holds', () => {
    const m = machine();
    let t = m.k.now;
    expect(m.run('sleep 1e3 .5').status).toBe(0);
    expect(m.k.now - t).toBe(1000.5e6);
    t = m.k.now;
    const r = m.run('sleep 1d; sleep 1d; echo $?');
    expect(m.k.now - t).toBe(86400e6);
    expect(r.stdout).toBe('0\n');
    expect(r.stderr).toBe('klp: sleep: one command line runs at most a simulated day (86400 s); 0 s passed of the 86400 s asked.\n');
    t = m.k.now;
    expect(m.run('sleep inf').stderr).toBe('klp: sleep: one command line runs at most a simulated day (86400 s); 86400 s passed.\n');
    expect(m.k.now - t).toBe(86400e6);
    expect(m.run('sleep 1x')).toMatchObject({ stderr: "sleep: invalid time interval '1x'\nTry 'sleep --help' for more information.\n", status: 1 });
  });
});

describe('exit, as bash has it', () => {
  it('ends the shell: "exit" on stderr, its status & 255, nothing after it on the line runs', () => {
    const m = machine();
    const r = m.run('exit 300; echo after');
    expect(r).toMatchObject({ stdout: '', stderr: 'exit\n', exited: 44, status: 44 });
    // with no number: the status of the command before it
    expect(m.run('false; exit').exited).toBe(1);
  });

  it('in a pipeline or $(...) it ends only the subshell; bad arguments in bash\'s words', () => {
    const m = machine();
    expect(m.run('exit 3 | cat; echo $?')).toMatchObject({ stdout: '0\n' });
    expect(m.run('echo $(exit 4; echo no)x; echo $?').stdout).toBe('x\n0\n');
    expect(m.run('exit 1 2')).toMatchObject({ stderr: 'bash: exit: too many arguments\n', status: 1 });
    expect(m.run('exit 1 2').exited).toBeUndefined();
    expect(m.run('exit x')).toMatchObject({ stderr: 'exit\nbash: exit: x: numeric argument required\n', exited: 2 });
  });
});

describe('kill of the shell itself', () => {
  it('SIGTERM is ignored by an interactive bash; SIGKILL ends it, silently, status 137', () => {
    const m = machine();
    expect(m.run('kill $$; echo still here')).toMatchObject({ stdout: 'still here\n', stderr: '' });
    expect(m.run('kill -9 $$; echo never')).toMatchObject({ stdout: '', stderr: '', exited: 137 });
  });
});
