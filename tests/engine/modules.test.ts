/**
 * The module loader and kmod as a real kernel shows them: taints, /proc/modules,
 * the loader's notices, modprobe -r, rmmod -f. Where a test quotes the real
 * kernel, the words are what Debian 12's 6.1 kernel (booted by
 * ../shared/realkernel/ask.sh) printed for the same commands.
 */
import { describe, expect, it } from 'vitest';
import { ins, machine } from './machine';
import { checkInvariants } from '../../src/kernel/invariants';

describe('taints', () => {
  it('module taint letters are printed in taint-bit order: OEK, not EKO', () => {
    // Real 6.1: /proc/modules "test_klp_livepatch 16384 1 - Live 0xffffffffc0583000 (OEK)",
    // .../test_klp_callbacks_mod ... (OE); /sys/module/*/taint "OEK" and "OE";
    // /proc/sys/kernel/tainted 45056 (O = bit 12, E = 13, K = 15).
    const m = machine({ selftest: true });
    m.run(ins('test_klp_livepatch'));
    m.run(ins('test_klp_callbacks_mod'));
    expect(m.read('/sys/module/test_klp_livepatch/taint')).toBe('OEK\n');
    expect(m.read('/sys/module/test_klp_callbacks_mod/taint')).toBe('OE\n');
    const lines = m.read('/proc/modules')!.trim().split('\n');
    expect(lines[0]).toMatch(/^test_klp_callbacks_mod \d+ 0 - Live 0x[0-9a-f]+ \(OE\)$/);
    expect(lines[1]).toMatch(/^test_klp_livepatch \d+ 1 - Live 0x[0-9a-f]+ \(OEK\)$/);
    expect(m.read('/proc/sys/kernel/tainted')).toBe('45056\n');
  });

  it('an untainted kernel reads 0; root may add taint bits but never remove them', () => {
    const m = machine();
    expect(m.read('/proc/sys/kernel/tainted')).toBe('0\n');
    expect(m.run('echo 512 > /proc/sys/kernel/tainted').status).toBe(0);
    expect(m.run('echo 0 > /proc/sys/kernel/tainted').status).toBe(0);
    expect(m.read('/proc/sys/kernel/tainted')).toBe('512\n');
  });
});

describe("the loader's notices", () => {
  it('"module verification failed" is pr_notice_once: notice level, once per boot', () => {
    // Real 6.1, dmesg -x after insmod test_klp_livepatch.ko:
    //   kern  :warn  : test_klp_livepatch: loading out-of-tree module taints kernel.
    //   kern  :notice: test_klp_livepatch: tainting kernel with TAINT_LIVEPATCH
    //   kern  :notice: test_klp_livepatch: module verification failed: signature and/or required key missing - tainting kernel
    // and nothing of the kind for test_klp_callbacks_mod loaded next.
    const m = machine();
    m.run('dmesg -C');
    m.run(ins('test_klp_livepatch'));
    m.run(ins('test_klp_callbacks_mod'));
    m.run(ins('test_klp_syscall'));
    const lines = m.run('dmesg -x -t').stdout.split('\n');
    expect(lines.filter((l) => /taint/.test(l))).toEqual([
      'kern  :warn  : test_klp_livepatch: loading out-of-tree module taints kernel.',
      'kern  :notice: test_klp_livepatch: tainting kernel with TAINT_LIVEPATCH',
      'kern  :notice: test_klp_livepatch: module verification failed: signature and/or required key missing - tainting kernel',
    ]);
  });
});

describe('/proc/modules', () => {
  it('addresses are 64-bit, 16 hex digits, in the module area, one module after another', () => {
    // Real 6.1: "test_klp_livepatch 16384 1 - Live 0xffffffffc0583000 (OEK)", the next module
    // loaded at 0xffffffffc058d000.
    const m = machine({ selftest: true });
    m.run(ins('test_klp_livepatch'));
    m.run(ins('test_klp_callbacks_mod'));
    const addr = (name: string) => /0x([0-9a-f]+) /.exec(m.read('/proc/modules')!.split('\n').find((l) => l.startsWith(`${name} `))!)![1]!;
    for (const name of ['test_klp_livepatch', 'test_klp_callbacks_mod']) expect(addr(name)).toMatch(/^ffffffffc0[0-9a-f]{6}$/);
    expect(addr('test_klp_livepatch')).toBe('ffffffffc0583000');
    expect(BigInt(`0x${addr('test_klp_callbacks_mod')}`)).toBeGreaterThan(BigInt(`0x${addr('test_klp_livepatch')}`));
    // A module loaded after another was removed takes the lowest free place again.
    m.run('rmmod test_klp_callbacks_mod');
    m.run(ins('test_klp_callbacks_mod'));
    expect(addr('test_klp_callbacks_mod')).toMatch(/^ffffffffc0[0-9a-f]{6}$/);
  });
});

describe('modprobe -r', () => {
  it('of a module that is not loaded succeeds silently; only --first-time makes it an error', () => {
    // Real 6.1 (kmod 30):
    //   modprobe -r test_klp_callbacks_demo               → nothing, status 0
    //   modprobe -r --first-time test_klp_callbacks_demo  → "modprobe: FATAL: Module test_klp_callbacks_demo is not in kernel.", 1
    //   modprobe -r no_such_module_xyz                    → "modprobe: FATAL: Module no_such_module_xyz not found.", 1
    //   modprobe -r test_klp_livepatch (patch enabled)    → "modprobe: FATAL: Module test_klp_livepatch is in use.", 1
    const m = machine({ selftest: true });
    expect(m.run('modprobe -r test_klp_callbacks_demo')).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(m.run('modprobe -r --first-time test_klp_callbacks_demo')).toEqual({
      stdout: '',
      stderr: 'modprobe: FATAL: Module test_klp_callbacks_demo is not in kernel.\n',
      status: 1,
    });
    expect(m.run('modprobe -r no_such_module_xyz')).toEqual({ stdout: '', stderr: 'modprobe: FATAL: Module no_such_module_xyz not found.\n', status: 1 });
    m.run('modprobe test_klp_livepatch');
    expect(m.run('modprobe -r test_klp_livepatch').stderr).toBe('modprobe: FATAL: Module test_klp_livepatch is in use.\n');
    m.run('echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled');
    expect(m.run('modprobe -r --first-time test_klp_livepatch')).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(m.exists('/sys/module/test_klp_livepatch')).toBe(false);
  });
});

describe('rmmod -f', () => {
  const LP = '/sys/kernel/livepatch/test_klp_livepatch';

  it('without CONFIG_MODULE_FORCE_UNLOAD (Kconfig\'s default): kmod skips its in-use check, the kernel says EAGAIN', () => {
    // kmod's two lines: libkmod's ERR() (with its source line, as Debian 12's kmod 30 prints it for
    // `rmmod -f` of a module that is not loaded: "rmmod: ERROR: ../libkmod/libkmod-module.c:856
    // kmod_module_remove_module() could not remove 'test_klp_callbacks_demo': No such file or
    // directory"), then rmmod's own.
    const m = machine({ selftest: true });
    m.run(ins('test_klp_livepatch'));
    m.mark();
    const r = m.run('rmmod -f test_klp_livepatch');
    expect(r).toEqual({
      stdout: '',
      stderr:
        "rmmod: ERROR: ../libkmod/libkmod-module.c:856 kmod_module_remove_module() could not remove 'test_klp_livepatch': Resource temporarily unavailable\n" +
        'rmmod: ERROR: could not remove module test_klp_livepatch: Resource temporarily unavailable\n',
      status: 1,
    });
    expect(m.log()).toEqual([]);
    expect(m.read('/sys/module/test_klp_livepatch/refcnt')).toBe('1\n');
    expect(m.read('/proc/sys/kernel/tainted')).toBe('45056\n');
    expect(m.read('/proc/cmdline')).toBe('test_klp_livepatch: this has been live patched\n');
    expect(m.run('rmmod -f test_klp_callbacks_demo').stderr).toBe(
      "rmmod: ERROR: ../libkmod/libkmod-module.c:856 kmod_module_remove_module() could not remove 'test_klp_callbacks_demo': No such file or directory\n" +
        'rmmod: ERROR: could not remove module test_klp_callbacks_demo: No such file or directory\n',
    );
  });

  it('with it, an unused module goes as with plain rmmod: no taint', () => {
    const m = machine({ selftest: true, config: { moduleForceUnload: true } });
    m.run(ins('test_klp_callbacks_mod'));
    expect(m.run('rmmod -f test_klp_callbacks_mod').status).toBe(0);
    // Real 6.1: tainted stays 45056 (O, E; no R).
    expect(m.read('/proc/sys/kernel/tainted')).toBe(String((1 << 12) | (1 << 13)) + '\n');
  });

  it('with it, a livepatch module in use goes, its patch still registered: the next read of its files or lsmod Oopses', () => {
    // Real 6.1 (Debian's config has CONFIG_MODULE_FORCE_UNLOAD=y), after insmod test_klp_livepatch.ko:
    //   rmmod -f test_klp_livepatch        → nothing, status 0; tainted 45056 → 45064 (R);
    //                                        the log: "Disabling lock debugging due to kernel taint"
    //   ls /sys/kernel/livepatch           → test_klp_livepatch (its directory stays)
    //   ls -l …/test_klp_livepatch         → enabled force transition vmlinux
    //   cat …/enabled                      → killed (status 137); tainted 45192 (D); the log:
    //     BUG: unable to handle page fault for address: ffffffffc041b058
    //     #PF: supervisor read access in kernel mode
    //     #PF: error_code(0x0000) - not-present page
    //     Oops: 0000 [#1] PREEMPT SMP NOPTI
    //     CPU: 0 PID: 116 Comm: cat Tainted: G  R        OE K    6.1.0-57-amd64 #1  Debian 6.1.192-3
    //     RIP: 0010:sysfs_kf_seq_show+0x19/0xe0
    //     Call Trace: <TASK> seq_read_iter vfs_read ksys_read do_syscall_64 entry_SYSCALL_64_after_hwframe </TASK>
    //     Modules linked in: [last unloaded: test_klp_livepatch(OEK)]
    //     CR2: ffffffffc041b058
    //     ---[ end trace 0000000000000000 ]---
    //   lsmod                              → killed (137): libkmod reads /proc/cmdline, "Comm: lsmod",
    //                                        "RIP: 0010:klp_ftrace_handler+0x88/0x110", under
    //                                        cmdline_proc_show, seq_read_iter, proc_reg_read_iter, vfs_read …
    // The engine prints mainline's format (Oops: Oops:, CPU: … UID: 0, the verbose Tainted: line).
    const m = machine({ selftest: true, config: { moduleForceUnload: true } });
    m.run(ins('test_klp_livepatch'));
    m.mark();
    expect(m.run('rmmod -f test_klp_livepatch')).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(m.log()).toEqual(['Disabling lock debugging due to kernel taint']);
    const R = 1 << 3;
    const D = 1 << 7;
    expect(Number(m.read('/proc/sys/kernel/tainted'))).toBe(45056 | R);
    expect(m.exists('/sys/module/test_klp_livepatch')).toBe(false);
    expect(m.run('cat /proc/modules').stdout).toBe('');
    expect(m.run('ls /sys/kernel/livepatch').stdout).toBe('test_klp_livepatch\n');
    expect(m.run(`ls ${LP}`).status).toBe(0);

    m.mark();
    const cat = m.run(`cat ${LP}/enabled`);
    expect(cat).toEqual({ stdout: '', stderr: 'Killed\n', status: 137 });
    const oops = m.log();
    expect(oops[0]).toMatch(/^BUG: unable to handle page fault for address: ffffffffc0[0-9a-f]{6}$/);
    const address = oops[0]!.slice(-16);
    const pid = /PID: (\d+) Comm: cat /.exec(oops.join('\n'))![1];
    expect(oops.slice(1, 5)).toEqual([
      '#PF: supervisor read access in kernel mode',
      '#PF: error_code(0x0000) - not-present page',
      'Oops: Oops: 0000 [#1] SMP NOPTI',
      // mainline's format ends with the (empty) build id after a blank
      `CPU: 0 UID: 0 PID: ${pid} Comm: cat Tainted: G  R        OE K     7.1.0 #1 PREEMPT(voluntary) `,
    ]);
    expect(oops[5]).toBe('Tainted: [R]=FORCED_RMMOD, [O]=OOT_MODULE, [E]=UNSIGNED_MODULE, [K]=LIVEPATCH');
    expect(oops).toContain(oops.find((l) => /^RIP: 0010:sysfs_kf_seq_show\+0x[0-9a-f]+\/0x[0-9a-f]+$/.test(l)));
    const trace = oops.slice(oops.indexOf(' <TASK>') + 1, oops.indexOf(' </TASK>')).map((l) => l.trim().replace(/\+.*/, ''));
    expect(trace).toEqual(['seq_read_iter', 'vfs_read', 'ksys_read', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe']);
    expect(oops.slice(-4, -1)).toEqual(['Modules linked in: [last unloaded: test_klp_livepatch(OEK)]', `CR2: ${address}`, '---[ end trace 0000000000000000 ]---']);
    // A fault on a kernel address is handled with interrupts off, and oops_end() leaves them so:
    // make_task_dead() notes it (real 6.1: "note: cat[138] exited with irqs disabled"). Preemption
    // was enabled in sysfs_kf_seq_show: no preempt_count note.
    expect(oops.at(-1)).toBe(`note: cat[${pid}] exited with irqs disabled`);
    expect(Number(m.read('/proc/sys/kernel/tainted'))).toBe(45056 | R | D);

    // lsmod reads /proc/cmdline first (kmod_new()): klp_ftrace_handler reads the freed klp_func.
    m.mark();
    const lsmod = m.run('lsmod');
    expect(lsmod).toEqual({ stdout: '', stderr: 'Killed\n', status: 137 });
    const second = m.log();
    expect(second).toContain('Oops: Oops: 0000 [#2] SMP NOPTI');
    expect(second.find((l) => l.startsWith('CPU: '))).toMatch(/Comm: lsmod Tainted: G  R   D    OE K     7\.1\.0 /);
    expect(second.find((l) => l.startsWith('RIP: '))).toMatch(/^RIP: 0010:klp_ftrace_handler\+/);
    const trace2 = second.slice(second.indexOf(' <TASK>') + 1, second.indexOf(' </TASK>')).map((l) => l.trim().replace(/\+.*/, ''));
    expect(trace2).toEqual(['cmdline_proc_show', 'seq_read_iter', 'proc_reg_read_iter', 'vfs_read', 'ksys_read', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe']);
    expect(second.slice(-2)).toEqual(['note: lsmod[' + /PID: (\d+)/.exec(second.join('\n'))![1] + '] exited with irqs disabled', expect.stringMatching(/exited with preempt_count 1$/)]);
    // The simulation goes on: a command that touches nothing freed works.
    expect(m.run('echo still here').stdout).toBe('still here\n');
  });

  it("writing the freed patch's enabled file Oopses in sysfs_kf_write, noted as an exit with irqs disabled", () => {
    // Real 6.1, after rmmod -f test_klp_livepatch: bash -c "echo 0 > …/enabled" → killed (137);
    //   "CPU: 0 PID: 114 Comm: bash", the trace kernfs_fop_write_iter vfs_write ksys_write …, then
    //   "note: bash[114] exited with irqs disabled" and no preempt_count note.
    const m = machine({ selftest: true, config: { moduleForceUnload: true } });
    m.run(ins('test_klp_livepatch'));
    m.run('rmmod -f test_klp_livepatch');
    m.mark();
    // The shell's own echo writes: the login shell faults (the simulation keeps it alive to go on).
    expect(m.run(`echo 0 > ${LP}/enabled`).status).toBe(137);
    const oops = m.log();
    expect(oops.find((l) => l.startsWith('RIP: '))).toMatch(/^RIP: 0010:sysfs_kf_write\+/);
    const pid = /PID: (\d+) Comm: bash /.exec(oops.join('\n'))![1];
    expect(oops.at(-1)).toBe(`note: bash[${pid}] exited with irqs disabled`);
    expect(oops.some((l) => l.includes('preempt_count'))).toBe(false);
  });

  it('loading any module afterwards Oopses in klp_module_coming: klp_patches still holds the freed patch', () => {
    const m = machine({ selftest: true, config: { moduleForceUnload: true } });
    m.run(ins('test_klp_syscall'));
    m.run('rmmod -f test_klp_syscall');
    m.mark();
    // test_klp_syscall patches getpid, not cmdline_proc_show: insmod gets as far as the loader.
    const r = m.run(ins('test_klp_callbacks_mod'));
    expect(r.status).toBe(137);
    expect(m.log().find((l) => l.startsWith('RIP: '))).toMatch(/^RIP: 0010:klp_module_coming\+/);
  });
});

describe('the invariant checker', () => {
  it('fails on the deliberately broken kernel rmmod -f leaves, and says why', () => {
    const m = machine({ selftest: true, config: { moduleForceUnload: true } });
    m.run(ins('test_klp_livepatch'));
    expect(checkInvariants(m.k)).toEqual([]);
    m.run('rmmod -f test_klp_livepatch');
    expect(checkInvariants(m.k)).toEqual([
      'patch test_klp_livepatch outlived its module: rmmod -f freed it under its patch (taint R), a deliberately broken kernel',
    ]);
  });

  it('holds after rmmod -f of a module nothing points into', () => {
    const m = machine({ selftest: true, config: { moduleForceUnload: true } });
    m.run(ins('test_klp_callbacks_mod'));
    m.run(ins('test_klp_livepatch'));
    m.run('echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled');
    m.run('rmmod -f test_klp_livepatch');
    m.run('rmmod -f test_klp_callbacks_mod');
    expect(checkInvariants(m.k)).toEqual([]);
  });
});
