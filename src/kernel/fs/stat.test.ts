/**
 * stat(2)'s type and st_size for the simulated files, as Debian 12's 6.1
 * reports them (`stat -c '%s %F'`, ../shared/realkernel/ask.sh):
 * 4096 regular file /sys/kernel/kexec_loaded; 0 regular empty file
 * /proc/version, /proc/modules, /sys/kernel/debug/dynamic_debug/control,
 * /sys/kernel/tracing/trace; 0 character special file /dev/kmsg, /dev/null;
 * 8 regular file for a tmpfs file holding 8 bytes.
 */
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel';
import { bootKernel } from '../boot';
import { settle } from '../settle';
import { Shell } from '../shell/shell';
import { lookup } from './vfs';
import { statNode, utf8Length } from './stat';

function statOf(k: Kernel, path: string) {
  const node = lookup(k, path);
  if (!node) throw new Error(`no ${path}`);
  return statNode(node, path, '/');
}

describe('statNode', () => {
  it('procfs, debugfs and tracefs files are regular and 0 long; sysfs attributes 4096; /dev/kmsg and /dev/null devices', () => {
    const k = bootKernel();
    const sh = new Shell(k);
    sh.run('insmod test_modules/test_klp_livepatch.ko');
    settle(k);
    expect(statOf(k, '/proc/version')).toEqual({ type: 'regular', size: 0 });
    expect(statOf(k, '/proc/modules')).toEqual({ type: 'regular', size: 0 });
    expect(statOf(k, '/sys/kernel/debug/dynamic_debug/control')).toEqual({ type: 'regular', size: 0 });
    expect(statOf(k, '/sys/kernel/tracing/trace')).toEqual({ type: 'regular', size: 0 });
    expect(statOf(k, '/sys/kernel/livepatch/test_klp_livepatch/enabled')).toEqual({ type: 'regular', size: 4096 });
    expect(statOf(k, '/sys/module/test_klp_livepatch/refcnt')).toEqual({ type: 'regular', size: 4096 });
    expect(statOf(k, '/dev/kmsg')).toEqual({ type: 'character', size: 0 });
    expect(statOf(k, '/dev/null')).toEqual({ type: 'character', size: 0 });
    expect(statOf(k, '/sys/kernel/livepatch').type).toBe('directory');
  });

  it('a file the user wrote is as long as its bytes in UTF-8', () => {
    const k = bootKernel();
    const sh = new Shell(k);
    sh.run("echo -e 'a b\\nccc' > /tmp/x; echo é日😀 > /tmp/u");
    expect(statOf(k, '/tmp/x')).toEqual({ type: 'regular', size: 8 });
    expect(statOf(k, '/tmp/u')).toEqual({ type: 'regular', size: 2 + 3 + 4 + 1 });
  });

  it('utf8Length agrees with TextEncoder, a lone surrogate as U+FFFD', () => {
    for (const s of ['', 'abc', 'é', '日本', '😀', 'a\ud800b', '\udc00']) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });
});
