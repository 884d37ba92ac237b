/**
 * The 5.1 API's lifecycle, from the shell: enabling from module_init, no
 * re-enable, freeing from a workqueue before rmmod can work, atomic replace,
 * and the errors each step gives, in the tools' own words.
 */
import { describe, expect, it } from 'vitest';
import { ins, LP, machine } from './machine';

describe('the livepatch lifecycle', () => {
  it('a default kernel prints no pr_debug lines', () => {
    const m = machine();
    m.mark();
    m.run(ins('test_klp_livepatch'));
    expect(m.log().filter((l) => l.startsWith('livepatch:'))).toEqual([
      "livepatch: enabling patch 'test_klp_livepatch'",
      "livepatch: 'test_klp_livepatch': starting patching transition",
      "livepatch: 'test_klp_livepatch': patching complete",
    ]);
  });

  it('rmmod fails while the patch exists and works once free_work ran module_put()', () => {
    const m = machine({ selftest: true });
    m.run(ins('test_klp_livepatch'));
    expect(m.read('/sys/module/test_klp_livepatch/refcnt')).toBe('1\n');
    const early = m.run('rmmod test_klp_livepatch');
    expect(early.stderr).toBe('rmmod: ERROR: Module test_klp_livepatch is in use\n');
    expect(early.status).toBe(1);
    // Once the unpatching transition completes, the directory goes only when free_work runs.
    m.sh.run(`echo 0 > ${LP}/test_klp_livepatch/enabled`);
    while (m.k.transitionRunning()) m.k.step();
    expect(m.k.queue.pending().map((e) => e.label)).toContain('klp_free_patch_work_fn: test_klp_livepatch');
    expect(m.exists(`${LP}/test_klp_livepatch/enabled`)).toBe(true);
    expect(m.exists(`${LP}/test_klp_livepatch/vmlinux`)).toBe(false);
    expect(m.run('rmmod test_klp_livepatch').stderr).toBe('rmmod: ERROR: Module test_klp_livepatch is in use\n');
    m.run('true');
    expect(m.exists(`${LP}/test_klp_livepatch`)).toBe(false);
    expect(m.read('/sys/module/test_klp_livepatch/refcnt')).toBe('0\n');
    expect(m.run('rmmod test_klp_livepatch').status).toBe(0);
    expect(m.run('rmmod test_klp_livepatch').stderr).toBe('rmmod: ERROR: Module test_klp_livepatch is not currently loaded\n');
  });

  it('a disabled patch can never be re-enabled', () => {
    const m = machine({ selftest: true });
    m.run(ins('test_klp_livepatch'));
    m.sh.run(`echo 0 > ${LP}/test_klp_livepatch/enabled`);
    while (m.k.transitionRunning()) m.k.step();
    // Disabled, its directory still there until free_work runs: both values are refused.
    expect(m.read(`${LP}/test_klp_livepatch/enabled`)).toBe('0\n');
    expect(m.sh.run(`echo 1 > ${LP}/test_klp_livepatch/enabled`).stderr).toBe('bash: echo: write error: Invalid argument\n');
    expect(m.sh.run(`echo 0 > ${LP}/test_klp_livepatch/enabled`).stderr).toBe('bash: echo: write error: Invalid argument\n');
    m.run('true');
    expect(m.run(`echo 1 > ${LP}/test_klp_livepatch/enabled`).stderr).toBe(
      `bash: ${LP}/test_klp_livepatch/enabled: No such file or directory\n`,
    );
  });

  it('writing the current value, garbage, or to a read-only file is refused', () => {
    const m = machine({ selftest: true });
    m.run(ins('test_klp_livepatch'));
    expect(m.run(`echo 1 > ${LP}/test_klp_livepatch/enabled`).stderr).toBe('bash: echo: write error: Invalid argument\n');
    expect(m.run(`echo maybe > ${LP}/test_klp_livepatch/enabled`).stderr).toBe('bash: echo: write error: Invalid argument\n');
    expect(m.run(`echo 1 > ${LP}/test_klp_livepatch/force`).stderr).toBe('bash: echo: write error: Invalid argument\n');
    expect(m.run(`echo 0 > ${LP}/test_klp_livepatch/force`).status).toBe(0);
    expect(m.run(`echo 1 > ${LP}/test_klp_livepatch/transition`).stderr).toBe(`bash: ${LP}/test_klp_livepatch/transition: Permission denied\n`);
    expect(m.run(`cat ${LP}/test_klp_livepatch/force`).stderr).toBe(`cat: ${LP}/test_klp_livepatch/force: Permission denied\n`);
    expect(m.read(`${LP}/test_klp_livepatch/enabled`)).toBe('1\n');
  });

  it('disabling while another patch is in transition is -EBUSY', () => {
    const m = machine({ selftest: true });
    m.run(ins('test_klp_livepatch'));
    m.run(ins('test_klp_callbacks_busy', 'block_transition=Y'));
    m.run(ins('test_klp_callbacks_demo'));
    expect(m.run(`echo 0 > ${LP}/test_klp_livepatch/enabled`).stderr).toBe('bash: echo: write error: Device or resource busy\n');
  });

  it('atomic replace: replaced patches go silently, nops stand in, modules become removable', () => {
    const m = machine({ selftest: true });
    m.run(ins('test_klp_livepatch'));
    m.run(ins('test_klp_syscall'));
    m.sh.run(ins('test_klp_atomic_replace', 'replace=1'));
    // During the transition the replace patch carries nops for what the others patch.
    const replace = m.k.klp.all.find((p) => p.mod.name === 'test_klp_atomic_replace')!;
    expect(replace.objs.flatMap((o) => o.funcs.filter((f) => f.nop).map((f) => f.oldName)).sort()).toEqual([
      '__x64_sys_getpid',
      'cmdline_proc_show',
    ]);
    expect(m.exists(`${LP}/test_klp_atomic_replace/vmlinux/cmdline_proc_show,1`)).toBe(true);
    m.mark();
    m.run('true');
    expect(m.log().filter((l) => l.includes("'test_klp_livepatch'") || l.includes("'test_klp_syscall'"))).toEqual([]);
    expect(m.read(`${LP}/test_klp_atomic_replace/stack_order`)).toBe('1\n');
    expect(m.exists(`${LP}/test_klp_atomic_replace/vmlinux/cmdline_proc_show,1`)).toBe(false);
    expect(m.run('ls /sys/kernel/livepatch').stdout).toBe('test_klp_atomic_replace\n');
    expect(m.read('/proc/cmdline')).not.toContain('live patched');
    expect(m.read('/proc/meminfo')).toBe('test_klp_atomic_replace: this has been live patched\n');
    expect(m.run('rmmod test_klp_livepatch').status).toBe(0);
    expect(m.run('rmmod test_klp_syscall').status).toBe(0);
  });

  it('a forced replace pins the replaced patches\' modules', () => {
    const m = machine({ selftest: true });
    m.run(ins('test_klp_livepatch'));
    m.sh.run(ins('test_klp_atomic_replace', 'replace=1'));
    m.run(`echo 1 > ${LP}/test_klp_atomic_replace/force`);
    expect(m.exists(`${LP}/test_klp_livepatch`)).toBe(false);
    expect(m.run('rmmod test_klp_livepatch').stderr).toBe('rmmod: ERROR: Module test_klp_livepatch is in use\n');
    m.run(`echo 0 > ${LP}/test_klp_atomic_replace/enabled`);
    expect(m.run('rmmod test_klp_atomic_replace').status).toBe(0);
  });

  it('stacked patches: the newest runs, and a task still unpatched runs the one below', () => {
    const m = machine({ selftest: true });
    m.run('modprobe livepatch_sample');
    expect(m.read('/proc/cmdline')).toBe('this has been live patched\n');
    m.sh.run(ins('test_klp_livepatch'));
    // Mid-transition: what a reader gets depends on its own universe.
    const shell = m.k.loginShell;
    expect(m.k.callFunction({ ...shell, patchState: 0 }, { obj: 'vmlinux', fn: 'cmdline_proc_show' }, 'test')).toBe(
      'this has been live patched\n',
    );
    expect(m.k.callFunction({ ...shell, patchState: 1 }, { obj: 'vmlinux', fn: 'cmdline_proc_show' }, 'test')).toBe(
      'test_klp_livepatch: this has been live patched\n',
    );
    m.run('true');
    expect(m.read('/proc/cmdline')).toBe('test_klp_livepatch: this has been live patched\n');
    expect(m.read(`${LP}/livepatch_sample/stack_order`)).toBe('1\n');
    expect(m.read(`${LP}/test_klp_livepatch/stack_order`)).toBe('2\n');
    // No stacking order since 5.1: the lower one may be disabled first.
    m.run(`echo 0 > ${LP}/livepatch_sample/enabled`);
    expect(m.read('/proc/cmdline')).toBe('test_klp_livepatch: this has been live patched\n');
    expect(m.read(`${LP}/test_klp_livepatch/stack_order`)).toBe('1\n');
  });

  it('a kprobe with a post handler and a livepatch cannot share a function, in either order', () => {
    const m = machine({ selftest: true });
    m.run(ins('test_klp_livepatch'));
    expect(m.run(ins('test_klp_kprobe')).stderr).toBe(
      'insmod: ERROR: could not insert module test_modules/test_klp_kprobe.ko: Device or resource busy\n',
    );
    expect(m.run(ins('test_klp_kprobe', 'has_post_handler=false')).status).toBe(0);
  });

  it('module loading errors read as kmod prints them', () => {
    const m = machine();
    expect(m.run('insmod test_modules/nope.ko').stderr).toBe(
      'insmod: ERROR: could not load module test_modules/nope.ko: No such file or directory\n',
    );
    expect(m.run(ins('test_klp_atomic_replace', 'replace=x')).stderr).toBe(
      'insmod: ERROR: could not insert module test_modules/test_klp_atomic_replace.ko: Invalid parameters\n',
    );
    expect(m.k.modules.size).toBe(0);
    m.run(ins('test_klp_callbacks_mod'));
    expect(m.run(ins('test_klp_callbacks_mod')).stderr).toBe(
      'insmod: ERROR: could not insert module test_modules/test_klp_callbacks_mod.ko: File exists\n',
    );
    expect(m.run('nosuchcommand').stderr).toBe('bash: nosuchcommand: command not found\n');
    expect(m.run('modprobe nope').stderr).toMatch(/^modprobe: FATAL: Module nope not found in directory \/lib\/modules\//);
  });

  it('test_klp_syscall counts the listed processes that have not called the patched getpid', () => {
    const m = machine({ selftest: true });
    m.run('start_getpid_helpers');
    const pids = m.sh.vars.get('PID_LIST')!;
    expect(pids.split(',')).toHaveLength(m.k.config.cpus);
    m.sh.run(ins('test_klp_syscall', `klp_pids=${pids}`));
    expect(Number(m.read('/sys/kernel/test_klp_syscall/npids'))).toBe(m.k.config.cpus);
    m.run('true');
    expect(m.read('/sys/kernel/test_klp_syscall/npids')).toBe('0\n');
    m.run('kill_getpid_helpers');
    expect(m.k.tasks.some((t) => t.behavior.type === 'syscall-loop')).toBe(false);
  });
});
