/** The selftests' set-up, done by the shell or directly, leaves the same machine. */
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../src/kernel/kernel';
import { bootKernel } from '../../src/kernel/boot';
import { Shell } from '../../src/kernel/shell/shell';
import { settle } from '../../src/kernel/settle';
import { SELFTEST_SETUP, selftestSetup } from '../../src/kernel/selftest/setup';
import { snapshot } from '../../src/kernel/view/snapshot';

describe('selftest set-up', () => {
  it('typed into the shell or applied directly, gives the same log, debug control and view', () => {
    const typed = bootKernel();
    const sh = new Shell(typed);
    for (const line of SELFTEST_SETUP) sh.run(line);
    settle(typed);
    const direct = bootKernel();
    selftestSetup(direct);
    settle(direct);
    const texts = (k: Kernel) => k.log.records.map((r) => `${r.level} ${r.text}`);
    expect(texts(direct)).toEqual(texts(typed));
    expect(direct.dyndbg.control()).toBe(typed.dyndbg.control());
    expect(direct.dyndbg.control()).toContain('klp_init_transition =p');
    expect(direct.dyndbg.control()).toContain('klp_try_switch_task =_');
    expect(snapshot(direct)).toEqual(snapshot(typed));
  });
});
