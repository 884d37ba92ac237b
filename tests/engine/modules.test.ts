/**
 * The module loader and kmod as a real kernel shows them: taints, /proc/modules,
 * the loader's notices, modprobe -r, rmmod -f. Where a test quotes the real
 * kernel, the words are what Debian 12's 6.1 kernel (booted by
 * ../shared/realkernel/ask.sh) printed for the same commands.
 */
import { describe, expect, it } from 'vitest';
import { ins, machine } from './machine';

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
