import { describe, expect, it } from 'vitest';
import { dmesgText, formatTimestamp, KernelLog, KERN_INFO, KERN_NOTICE } from './log';

describe('the kernel log as dmesg prints it', () => {
  it('pads the seconds to five places and the microseconds to six', () => {
    expect(formatTimestamp(0)).toBe('[    0.000000]');
    expect(formatTimestamp(1_500_042)).toBe('[    1.500042]');
    expect(formatTimestamp(123_456_000_001)).toBe('[123456.000001]');
  });

  it('writes a line per record, the timestamp then the text, without the level', () => {
    const clock = { now: 0 };
    const log = new KernelLog(clock);
    log.printk(KERN_NOTICE, "livepatch: enabling patch 'test_klp_livepatch'");
    clock.now = 2_000_000;
    log.printk(KERN_INFO, 'test_klp_livepatch: this has been live patched', { open: true });
    log.cont(' (continued)');
    log.writeKmsg('<6>from user space\n');
    expect(dmesgText(log.records)).toBe(
      "[    0.000000] livepatch: enabling patch 'test_klp_livepatch'\n" +
        '[    2.000000] test_klp_livepatch: this has been live patched (continued)\n' +
        '[    2.000000] from user space\n',
    );
    expect(dmesgText([])).toBe('');
  });
});
