/**
 * The rule differences between releases (../shared/conformance/versions/README.md,
 * rows 23–27), each shown on the engine under two profiles: what one release
 * does, the other does not.
 */
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../kernel';
import { bootKernel } from '../boot';
import { Shell } from '../shell/shell';
import { settle } from '../settle';
import { lookup } from '../fs/vfs';
import { kernelProfile, parseRelease } from './profile';
import type { Release } from './releases';
import { addTask } from '../../session/timeline';
import { BUSY_PASS_USEC, TICK_USEC } from '../world/task-events';

const DIR = '/sys/kernel/livepatch/livepatch_sample';

function machine(release?: Release) {
  const k = bootKernel(release ? { release } : {});
  const sh = new Shell(k);
  const run = (line: string) => {
    const r = sh.run(line);
    settle(k);
    return r;
  };
  return { k, run };
}

const SAMPLE = (k: Kernel) => `/lib/modules/${k.uts}/kernel/samples/livepatch/livepatch-sample.ko`;

describe('kernel profiles', () => {
  it('reads the releases users and transcripts name', () => {
    expect(parseRelease('v4.19')).toBe('4.19');
    expect(parseRelease('4.19.71')).toBe('4.19');
    expect(parseRelease('6.1.0-57-amd64')).toBe('6.1');
    expect(parseRelease('mainline')).toBeNull();
    expect(kernelProfile('4.19').registerApi).toBe(true);
    expect(kernelProfile('5.1').registerApi).toBe(false);
  });

  it('uname -r and /proc/version name the release', () => {
    const { k, run } = machine('5.10');
    expect(run('uname -r').stdout).toBe('5.10.0\n');
    expect(run('cat /proc/version').stdout).toContain('Linux version 5.10.0 ');
    expect(k.log.records[0]!.text).toContain('5.10.0');
  });

  it("help speaks of the release's modules and files", () => {
    const old = machine('4.19').run('help').stdout;
    expect(old).toContain('Linux 4.19 kernel');
    expect(old).toContain('insmod samples/livepatch/NAME.ko');
    expect(old).toContain('/signal');
    expect(old).not.toContain('test_modules');
    expect(old).not.toContain('stack_order');
    expect(machine().run('help').stdout).toContain('{enabled,transition,replace,stack_order}');
  });

  it('before 5.1 the tree has the samples but no selftest modules', () => {
    const { run } = machine('4.19');
    expect(run('modprobe test_klp_livepatch').stderr).toContain('Module test_klp_livepatch not found in directory /lib/modules/4.19.0');
    expect(machine('5.10').run('modprobe test_klp_livepatch').status).toBe(0);
  });
});

describe('row 23: the directory after echo 0', () => {
  it('4.19: stays until rmmod (klp_unregister_patch() in module_exit); 5.10: free_work removes it', () => {
    for (const [release, stays] of [['4.19', true], ['5.10', false]] as const) {
      const { k, run } = machine(release);
      expect(run(`insmod ${SAMPLE(k)}`).status).toBe(0);
      run(`echo 0 > ${DIR}/enabled`);
      expect(lookup(k, DIR) !== null, release).toBe(stays);
      expect(run('rmmod livepatch_sample').status, release).toBe(0);
      expect(lookup(k, DIR), release).toBeNull();
    }
  });
});

describe('row 24: echo 1 on a disabled patch', () => {
  it('4.19 enables it again; since 5.1 there is nothing to write to', () => {
    const old = machine('4.19');
    old.run(`insmod ${SAMPLE(old.k)}`);
    old.run(`echo 0 > ${DIR}/enabled`);
    expect(old.run(`echo 1 > ${DIR}/enabled`).status).toBe(0);
    expect(old.run(`cat ${DIR}/enabled`).stdout).toBe('1\n');
    expect(old.run('cat /proc/cmdline').stdout).toBe('this has been live patched\n');
    expect(old.run('rmmod livepatch_sample').stderr).toContain('is in use');

    const now = machine('5.10');
    now.run(`insmod ${SAMPLE(now.k)}`);
    now.run(`echo 0 > ${DIR}/enabled`);
    expect(now.run(`echo 1 > ${DIR}/enabled`).status).not.toBe(0);
  });
});

describe('row 25: the signal file', () => {
  it('exists 4.15–5.0 and sends the fake signal by hand; gone in 5.10', () => {
    const old = machine('4.19');
    old.run(`insmod ${SAMPLE(old.k)}`);
    expect(old.run(`ls -1 ${DIR}`).stdout).toBe('enabled\nforce\nsignal\ntransition\nvmlinux\n');
    expect(old.run(`echo 1 > ${DIR}/signal`).stderr).toContain('Invalid argument');
    const now = machine('5.10');
    now.run(`insmod ${SAMPLE(now.k)}`);
    expect(now.run(`ls ${DIR}`).stdout).not.toContain('signal');
  });
});

describe('row 27: disable order', () => {
  it('4.19: only the topmost enabled patch may be disabled; 5.10: any', () => {
    for (const [release, status] of [['4.19', 1], ['5.10', 0]] as const) {
      const { k, run } = machine(release);
      run(`insmod ${SAMPLE(k)}`);
      run(`insmod /usr/src/linux/samples/livepatch/livepatch-callbacks-demo.ko`);
      const r = run(`echo 0 > ${DIR}/enabled`);
      expect(r.status, release).toBe(status);
      if (status) expect(r.stderr).toContain('Device or resource busy');
    }
  });
});

describe('row 26: force', () => {
  /** the sample enabled first, then a transition forced to its end, then both disabled */
  function forcedStory(release: Release) {
    const { k, run } = machine(release);
    const busy = kernelProfile(release).selftests ? 'test_modules/test_klp_callbacks_busy.ko block_transition=Y' : '/usr/src/linux/samples/livepatch/livepatch-callbacks-busymod.ko sleep_secs=30';
    const demo = kernelProfile(release).selftests ? 'test_klp_callbacks_demo' : 'livepatch_callbacks_demo';
    run(`insmod ${SAMPLE(k)}`);
    run(`insmod ${busy}`);
    run(`insmod ${kernelProfile(release).selftests ? 'test_modules/test_klp_callbacks_demo.ko' : '/usr/src/linux/samples/livepatch/livepatch-callbacks-demo.ko'}`);
    expect(run(`cat /sys/kernel/livepatch/${demo}/transition`).stdout).toBe('1\n');
    run(`echo 1 > /sys/kernel/livepatch/${demo}/force`);
    expect(run(`cat /sys/kernel/livepatch/${demo}/transition`).stdout).toBe('0\n');
    run(`echo 0 > /sys/kernel/livepatch/${demo}/enabled`);
    run(`echo 0 > ${DIR}/enabled`);
    return { k, run, demo };
  }

  it('4.19: the global klp_forced keeps every later unpatching from releasing its module', () => {
    const { run, demo } = forcedStory('4.19');
    expect(run(`rmmod ${demo}`).stderr).toContain('is in use');
    expect(run('rmmod livepatch_sample').stderr).toContain('is in use');
    // and the forced patch stays registered on klp_patches: no patch after it can be enabled (stacking)
    expect(run('insmod /usr/src/linux/samples/livepatch/livepatch-shadow-fix1.ko').stderr).toContain('Device or resource busy');
  });

  it('5.18 on: a forced patching transition marks no other patch', () => {
    const { run, demo } = forcedStory('6.12');
    expect(run(`rmmod ${demo}`).status).toBe(0);
    expect(run('rmmod livepatch_sample').status).toBe(0);
  });
});

describe('a busy kthread switching itself', () => {
  /** When (µs after the insmod) the busy ksmd switched, patching livepatch_sample at `release`. */
  function ksmdSwitchesAfter(release: Release, freezable: boolean): number {
    const k = bootKernel({ release });
    addTask(k, { comm: 'ksmd', kind: 'kthread', sleepsIn: ['ksm_scan_thread', 'ksm_do_scan'], state: 'R', cpu: 1, freezable });
    const ksmd = k.tasks.find((t) => t.comm === 'ksmd')!;
    let at = -1;
    k.klpObserver = (e) => {
      if (e.type === 'switch' && e.task === ksmd && at < 0) at = k.now;
    };
    const sh = new Shell(k);
    const from = k.now;
    sh.run(`insmod ${SAMPLE(k)}`);
    settle(k);
    expect(at, release).toBeGreaterThanOrEqual(0);
    return at - from;
  }

  it('6.4–6.15: at the next cond_resched(); since 6.16: in __schedule() going to a freezable sleep; before 6.4: when a retry finds it asleep', () => {
    for (const freezable of [false, true]) expect(ksmdSwitchesAfter('6.4', freezable)).toBeLessThanOrEqual(TICK_USEC);
    expect(ksmdSwitchesAfter('7.1', true)).toBe(BUSY_PASS_USEC);
    // not freezable: the sleep does not try, a retry's stack check does (a second after the start)
    expect(ksmdSwitchesAfter('7.1', false)).toBeGreaterThanOrEqual(1_000_000);
    for (const freezable of [false, true]) expect(ksmdSwitchesAfter('6.1', freezable)).toBeGreaterThanOrEqual(1_000_000);
  });
});
