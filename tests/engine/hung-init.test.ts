/**
 * A module whose init waits on code a patch replaced hangs, as on a real
 * kernel: with test_klp_callbacks_demo enabled, busymod_work_func is already
 * patched when test_klp_callbacks_busy_init() schedules it, patched_work_func
 * never calls complete(), and init sleeps in wait_for_completion() for good.
 *
 * Debian's 6.1 (../shared/realkernel/ask.sh), `insmod … block_transition=Y &`
 * then 5 s later:
 *   initstate: coming
 *   /proc/120/status: State:	D (disk sleep)
 *   /proc/120/stack:  [<0>] test_klp_callbacks_busy_init+0x3c/0xf88 [test_klp_callbacks_busy]
 *                     [<0>] do_one_initcall+0x59/0x220
 *                     [<0>] do_init_module+0x4a/0x1f0
 *                     [<0>] __do_sys_finit_module+0xac/0x120   (mainline: init_module_from_file,
 *                     [<0>] do_syscall_64+0x5d/0xb0              idempotent_init_module,
 *                     [<0>] entry_SYSCALL_64_after_hwframe+0x6e/0xd8  __x64_sys_finit_module)
 *   /proc/120/wchan:  test_klp_callbacks_busy_init
 *   /proc/modules:    test_klp_callbacks_busy 24576 1 - Loading 0xffffffffc052c000 (OE+)
 *   lsmod:            test_klp_callbacks_busy    16384  1
 *   rmmod:            rmmod: ERROR: Module test_klp_callbacks_busy is in use
 *   rmmod -f:         …kmod_module_remove_module() could not remove 'test_klp_callbacks_busy': Device or resource busy
 *   modprobe -r:      modprobe: FATAL: Module test_klp_callbacks_busy is in use.
 *   kill -9:          rc 0, still D (disk sleep)
 *   echo 0 > enabled: the unpatching transition completes (post_unpatch_callback:
 *                     test_klp_callbacks_busy -> [MODULE_STATE_COMING]), rmmod of the demo works
 *   dmesg:            [243.05] INFO: task insmod:120 blocked for more than 120 seconds.
 *                     [243.05]       Tainted: G           OE K    6.1.0-57-amd64 #1 Debian 6.1.192-3
 *                     [243.05] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
 *                     [363.87] INFO: task insmod:120 blocked for more than 241 seconds.
 *                     [484.71] INFO: task insmod:120 blocked for more than 362 seconds.
 */
import { describe, expect, it } from 'vitest';
import { ins, LP, machine } from './machine';
import { settle } from '../../src/kernel/settle';

const BUSY = 'test_klp_callbacks_busy';

function hung() {
  const m = machine({ selftest: true });
  m.run(ins('test_klp_callbacks_demo'));
  m.mark();
  return m;
}

describe('insmod of a module whose init waits on patched code', () => {
  it('prints what the real kernel prints, then init sleeps for good: no busymod_work_func', () => {
    const m = hung();
    m.run(ins(BUSY, 'block_transition=Y'));
    expect(m.log()).toEqual([
      `livepatch: applying patch 'test_klp_callbacks_demo' to loading module '${BUSY}'`,
      `test_klp_callbacks_demo: pre_patch_callback: ${BUSY} -> [MODULE_STATE_COMING] Full formed, running module_init`,
      `test_klp_callbacks_demo: post_patch_callback: ${BUSY} -> [MODULE_STATE_COMING] Full formed, running module_init`,
      `${BUSY}: test_klp_callbacks_busy_init`,
      'test_klp_callbacks_demo: patched_work_func',
    ]);
  });

  it('leaves the module COMING and insmod in D state inside its init', () => {
    const m = hung();
    const r = m.run(ins(BUSY, 'block_transition=Y'));
    expect(r.blocked).toMatchObject({ comm: 'insmod', state: 'D', wchan: 'wait_for_completion' });
    const pid = r.blocked!.pid;
    expect(m.read(`/sys/module/${BUSY}/initstate`)).toBe('coming\n');
    expect(m.read(`/proc/${pid}/status`)).toContain('State:\tD (disk sleep)\n');
    expect(m.read(`/proc/${pid}/wchan`)).toBe('test_klp_callbacks_busy_init');
    expect(m.read(`/proc/${pid}/stack`)!.split('\n').map((l) => l.replace(/\+0x\w+\/0x\w+/, ''))).toEqual([
      `[<0>] test_klp_callbacks_busy_init [${BUSY}]`,
      '[<0>] do_one_initcall',
      '[<0>] do_init_module',
      '[<0>] init_module_from_file',
      '[<0>] idempotent_init_module',
      '[<0>] __x64_sys_finit_module',
      '[<0>] do_syscall_64',
      '[<0>] entry_SYSCALL_64_after_hwframe',
      '',
    ]);
    // module_flags(): '+' while coming; the size still counts the init sections; init holds a reference
    expect(m.read('/proc/modules')).toMatch(new RegExp(`^${BUSY} \\d+ 1 - Loading 0x[0-9a-f]{16} \\(OE\\+\\)\\n`));
    expect(m.run('lsmod').stdout).toMatch(new RegExp(`\\n${BUSY} +\\d+  1\\n`));
    expect(m.read(`/sys/module/${BUSY}/refcnt`)).toBe('1\n');
  });

  it('cannot be removed while it is coming, and SIGKILL leaves insmod asleep', () => {
    const m = hung();
    const pid = m.run(ins(BUSY, 'block_transition=Y')).blocked!.pid;
    expect(m.run(`rmmod ${BUSY}`).stderr).toBe(`rmmod: ERROR: Module ${BUSY} is in use\n`);
    expect(m.run(`rmmod -f ${BUSY}`).stderr).toBe(
      `rmmod: ERROR: ../libkmod/libkmod-module.c:856 kmod_module_remove_module() could not remove '${BUSY}': Device or resource busy\n` +
        `rmmod: ERROR: could not remove module ${BUSY}: Device or resource busy\n`,
    );
    expect(m.run(`modprobe -r ${BUSY}`).stderr).toBe(`modprobe: FATAL: Module ${BUSY} is in use.\n`);
    const k = m.run(`kill -9 ${pid}`);
    expect(k.status).toBe(0);
    expect(m.read(`/proc/${pid}/status`)).toContain('State:\tD (disk sleep)');
    expect(m.read(`/sys/module/${BUSY}/initstate`)).toBe('coming\n');
    // the signal stays pending: the hung-task report shows TIF_SIGPENDING
    m.run('echo 1 > /proc/sys/kernel/hung_task_timeout_secs');
    m.run('sleep 3');
    expect(m.log().find((l) => l.startsWith('task:insmod'))).toMatch(/ flags:0x00004004$/);
  });

  it('the patch can still be disabled: its transition completes, init sleeps on', () => {
    const m = hung();
    const pid = m.run(ins(BUSY, 'block_transition=Y')).blocked!.pid;
    m.mark();
    m.run(`echo 0 > ${LP}/test_klp_callbacks_demo/enabled`);
    expect(m.log()).toContain(`test_klp_callbacks_demo: post_unpatch_callback: ${BUSY} -> [MODULE_STATE_COMING] Full formed, running module_init`);
    expect(m.log()).toContain("livepatch: 'test_klp_callbacks_demo': unpatching complete");
    expect(m.run('rmmod test_klp_callbacks_demo').status).toBe(0);
    expect(m.read(`/proc/${pid}/status`)).toContain('State:\tD (disk sleep)');
  });
});

describe('khungtaskd', () => {
  const INFO = /^INFO: task insmod:(\d+) blocked for more than (\d+) seconds\.$/;

  it('reports the task after one to two timeouts, in the kernel words, and again every timeout', () => {
    const m = hung();
    const start = m.k.now;
    const pid = m.run(ins(BUSY, 'block_transition=Y')).blocked!.pid;
    m.run('sleep 119');
    expect(m.log().filter((l) => INFO.test(l))).toEqual([]);
    m.run('sleep 121');
    const at = m.k.log.records.filter((r) => INFO.test(r.text));
    expect(at).toHaveLength(1);
    expect(at[0]!.usec - start).toBeGreaterThanOrEqual(120e6);
    expect(at[0]!.usec - start).toBeLessThanOrEqual(240e6);
    const from = m.log().findIndex((l) => INFO.test(l));
    const report = m.log().slice(from);
    expect(report[0]).toBe(`INFO: task insmod:${pid} blocked for more than 120 seconds.`);
    expect(report[1]).toMatch(/^ {6}Tainted: G {11}OE K +7\.1\.0 #1$/);
    expect(report[2]).toBe('"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.');
    expect(report[3]).toMatch(new RegExp(`^task:insmod {10}state:D stack:0 {5}pid:${pid} +tgid:${pid} +ppid:${m.sh.task.pid} +task_flags:0x400100 flags:0x00004000$`));
    // Debian's 6.1 (hung_task_timeout_secs=10), less its "? fn" guesses and the user registers:
    //   task:insmod          state:D stack:0     pid:114   ppid:110    flags:0x00004006
    //   Call Trace:
    //    <TASK>
    //    __schedule+0x34d/0xa00
    //    schedule+0x5a/0xd0
    //    schedule_timeout+0x11a/0x150
    //    __wait_for_common+0x94/0x1e0
    //    test_klp_callbacks_busy_init+0x3c/0xf88 [test_klp_callbacks_busy]
    //    do_one_initcall+0x59/0x220
    //    do_init_module+0x4a/0x1f0
    //    __do_sys_finit_module+0xac/0x120
    //    do_syscall_64+0x5d/0xb0
    //    entry_SYSCALL_64_after_hwframe+0x6e/0xd8
    //   RIP: 0033:0x7fb7b17a8829 … (registers)
    //    </TASK>
    const trace = report.slice(4, report.indexOf(' </TASK>') + 1).map((l) => l.replace(/\+0x\w+\/0x\w+/, ''));
    expect(trace).toEqual([
      'Call Trace:',
      ' <TASK>',
      ' __schedule',
      ' schedule',
      ' schedule_timeout',
      ' __wait_for_common',
      ' test_klp_callbacks_busy_init [test_klp_callbacks_busy]',
      ' do_one_initcall',
      ' do_init_module',
      ' init_module_from_file',
      ' idempotent_init_module',
      ' __x64_sys_finit_module',
      ' do_syscall_64',
      ' entry_SYSCALL_64_after_hwframe',
      ' </TASK>',
    ]);
    m.run('sleep 120');
    expect(m.log().filter((l) => INFO.test(l)).map((l) => Number(INFO.exec(l)![2]))).toEqual([120, 240]);
  });

  it('settling does not wait for it, and the sysctls steer it', () => {
    const m = hung();
    m.run(ins(BUSY, 'block_transition=Y'));
    settle(m.k);
    expect(m.k.now).toBeLessThan(10e6);
    expect(m.read('/proc/sys/kernel/hung_task_timeout_secs')).toBe('120\n');
    expect(m.run('sysctl kernel.hung_task_warnings').stdout).toBe('kernel.hung_task_warnings = 10\n');
    expect(m.run('echo -5 > /proc/sys/kernel/hung_task_timeout_secs').stderr).toBe('bash: echo: write error: Invalid argument\n');
    m.run('echo 2 > /proc/sys/kernel/hung_task_warnings');
    m.run('echo 10 > /proc/sys/kernel/hung_task_timeout_secs');
    m.run('sleep 100');
    expect(m.log().filter((l) => INFO.test(l))).toHaveLength(2);
    expect(m.log()).toContain('Future hung task reports are suppressed, see sysctl kernel.hung_task_warnings');
    expect(m.read('/proc/sys/kernel/hung_task_warnings')).toBe('0\n');
    // nothing left to report: no check stays queued
    expect(m.k.queue.pending().filter((e) => e.kind === 'watchdog')).toEqual([]);
  });

  it('timeout 0 turns the checks off', () => {
    const m = hung();
    m.run(ins(BUSY, 'block_transition=Y'));
    m.run('echo 0 > /proc/sys/kernel/hung_task_timeout_secs');
    m.run('sleep 1000');
    expect(m.log().filter((l) => INFO.test(l))).toEqual([]);
  });
});

describe('the shell around a command that never returns', () => {
  it('a foreground insmod: the rest of the line is skipped, the shell says what is blocked, and goes on', () => {
    const m = hung();
    const r = m.run(`${ins(BUSY, 'block_transition=Y')}; echo after`);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^klp: insmod \(pid \d+\) is in D state \(uninterruptible sleep\) in wait_for_completion\(\) and will never return; Ctrl-C cannot interrupt it\.\n/);
    expect(m.run('echo next').stdout).toBe('next\n');
    expect(m.run('ps').stdout).toMatch(/ insmod\n/);
  });

  it('Ctrl-C leaves a D-state insmod asleep and says so', () => {
    const m = hung();
    const pid = m.run(ins(BUSY, 'block_transition=Y')).blocked!.pid;
    const c = m.sh.interrupt();
    expect(c.stderr).toMatch(/^\^C\nklp: SIGINT is pending for insmod \(pid \d+\), but a task in D state is not woken by signals/);
    expect(m.read(`/proc/${pid}/status`)).toContain('State:\tD (disk sleep)');
    expect(m.sh.stuck).toHaveLength(1);
  });

  it('in the background: a Running job; wait says it would wait for ever', () => {
    const m = hung();
    const r = m.run(`${ins(BUSY, 'block_transition=Y')} &`);
    const pid = Number(/^\[1\] (\d+)$/m.exec(r.stderr)![1]);
    expect(r.blocked).toBeUndefined();
    expect(m.read(`/proc/${pid}/status`)).toContain('State:\tD (disk sleep)');
    expect(m.run('echo $!').stdout).toBe(`${pid}\n`);
    expect(m.run('jobs').stdout).toBe(`[1]+  Running                 ${ins(BUSY, 'block_transition=Y')} &\n`);
    const w = m.run('wait');
    expect(w.status).toBe(130);
    expect(w.stderr).toMatch(/^klp: wait: insmod \(pid \d+\) sleeps for good in wait_for_completion\(\)/);
    expect(m.run('kill %1').status).toBe(0);
    expect(m.run('jobs').stdout).toMatch(/Running/);
  });

  it('a second insmod of the module still loading waits interruptibly; Ctrl-C ends it', () => {
    const m = hung();
    m.run(`${ins(BUSY, 'block_transition=Y')} &`);
    const r = m.run(ins(BUSY));
    expect(r.blocked).toMatchObject({ comm: 'insmod', state: 'S', wchan: 'idempotent_wait_for_completion' });
    expect(m.read(`/proc/${r.blocked!.pid}/status`)).toContain('State:\tS (sleeping)');
    const c = m.sh.interrupt();
    expect(c.stderr).toMatch(/^\^C\nklp: SIGINT ended insmod/);
    expect(m.read(`/proc/${r.blocked!.pid}/status`)).toBeNull();
    expect(m.sh.stuck).toEqual([]);
  });
});
