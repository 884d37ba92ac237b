/**
 * The kernel config a profile brings: Kconfig's defaults of the release, or a
 * distribution's own config (Debian 12's 6.1, read from its package), and a
 * set-up's own settings over either.
 */
import { describe, expect, it } from 'vitest';
import type { KernelConfig } from '../config';
import { machine as testMachine } from '../../../tests/engine/machine';
import { DISTRIBUTIONS, kconfigLines, kconfigOf } from './kconfig';
import { parseTranscript } from '../selftest/transcript';

/** The engine tests' booted machine with a shell (runs a line, then settles). */
const machine = (config: Partial<KernelConfig>) => testMachine({ config });

/** rmmod -f of a livepatch module in use: removed (CONFIG_MODULE_FORCE_UNLOAD=y) or EAGAIN */
function forceUnloadWorks(config: Partial<KernelConfig>): boolean {
  const { k, run } = machine(config);
  run(`insmod /lib/modules/${k.uts}/kernel/samples/livepatch/livepatch-sample.ko`);
  return run('rmmod -f livepatch_sample').status === 0;
}

describe('kernel config by profile', () => {
  it("CONFIG_MODULE_FORCE_UNLOAD: Kconfig's default n at every release, y in Debian 12's 6.1; a set-up's own setting wins", () => {
    expect(forceUnloadWorks({})).toBe(false);
    expect(forceUnloadWorks({ release: '6.1' })).toBe(false);
    expect(forceUnloadWorks({ release: '6.1', distribution: 'debian-12' })).toBe(true);
    expect(forceUnloadWorks({ release: '6.1', distribution: 'debian-12', moduleForceUnload: false })).toBe(false);
    expect(forceUnloadWorks({ moduleForceUnload: true })).toBe(true);
    // an undefined setting is no setting
    expect(forceUnloadWorks({ release: '6.1', distribution: 'debian-12', moduleForceUnload: undefined })).toBe(true);
  });

  it('the banner says PREEMPT_DYNAMIC from 5.12, the x86-64 default since', () => {
    expect(machine({ release: '4.19' }).run('cat /proc/version').stdout).toBe('Linux version 4.19.0 (klpscope@localhost) #1 SMP\n');
    expect(machine({ release: '5.10' }).run('uname -a').stdout).toBe('Linux klpscope 5.10.0 #1 SMP x86_64 GNU/Linux\n');
    expect(machine({ release: '6.1' }).run('cat /proc/version').stdout).toBe('Linux version 6.1.0 (klpscope@localhost) #1 SMP PREEMPT_DYNAMIC\n');
    expect(machine({}).k.log.records[0]!.text).toContain('#1 SMP PREEMPT_DYNAMIC');
  });

  it('says where each value comes from, and which differ from mainline', () => {
    const debian = kconfigLines('6.1', 'debian-12');
    expect(debian.find((l) => l.name === 'CONFIG_MODULE_FORCE_UNLOAD')).toEqual({
      name: 'CONFIG_MODULE_FORCE_UNLOAD',
      does: 'rmmod -f may remove a module in use (the kernel is tainted R)',
      value: true,
      from: "Debian 12's config",
      differs: true,
    });
    expect(kconfigLines('4.19').find((l) => l.name === 'CONFIG_PREEMPT_DYNAMIC')).toMatchObject({ value: false, differs: true, from: "Kconfig's default for x86-64 at 4.19" });
    expect(kconfigLines('7.1').every((l) => !l.differs)).toBe(true);
    expect(DISTRIBUTIONS['debian-12'].source).toContain('CONFIG_MODULE_FORCE_UNLOAD=y');
    expect(kconfigOf('6.1', 'debian-12')).toEqual(DISTRIBUTIONS['debian-12'].kconfig);
  });

  it("a transcript run on Debian's 6.1 is replayed with Debian's config", () => {
    expect(parseTranscript('# kernel: v6.1 (6.1.0-57-amd64, Debian, run in QEMU)\n').distribution).toBe('debian-12');
    expect(parseTranscript('# kernel: v6.4 (test)\n').distribution).toBeUndefined();
    expect(parseTranscript('# kernel: v5.10 (Debian 11)\n').distribution).toBeUndefined();
  });
});
