/**
 * The kernel's shadow variable demo, samples/livepatch/livepatch-shadow-{mod,fix1,fix2}.c,
 * run in the order the comment at the top of livepatch-shadow-mod.c gives. The checks
 * follow each dummy through the kernel log (by the id %p prints for it) and compare it
 * with klp_shadow_hash; what should happen is worked out from the modules' rules
 * (allocated every second, checked every three, expired after twelve), not copied from
 * a run. Debian's 6.1 running the same commands (built from linux-source-6.1) printed
 * the same sequence of lines, with (____ptrval____) for every pointer: its crng was not
 * ready in QEMU without an entropy source.
 */
import { describe, expect, it } from 'vitest';
import { machine, type TestMachine } from './machine';
import { settle } from '../../src/kernel/settle';
import { checkInvariants } from '../../src/kernel/invariants';
import { jiffiesAt, HZ, timeAfter } from '../../src/kernel/world/jiffies';
import type { LogRecord } from '../../src/kernel/world/log';
import { hashedPointer } from '../../src/kernel/world/vsprintf';

const LP = '/sys/kernel/livepatch';
const SV_LEAK = 1;
const SV_COUNTER = 2;

interface Dummy {
  /** what %p prints for it */
  ptr: string;
  /** the function that allocated it, and when */
  by: string;
  at: number;
  /** its line's place in the log */
  seq: number;
  expires: number;
}

const ALLOC = /^(?:livepatch_shadow_fix1: )?(dummy_alloc|livepatch_fix1_dummy_alloc): dummy @ ([0-9a-f]{16}), expires @ ([0-9a-f]+)$/;
const CLEANUP = /^cleanup_work_func: jiffies = ([0-9a-f]+)$/;
/** every line that ends a dummy's life, and how */
const FREED = [
  { how: 'plain', re: /^dummy_free: dummy @ ([0-9a-f]{16}), expired = [0-9a-f]+$/ },
  { how: 'leaked', re: /^livepatch_shadow_fix[12]: livepatch_fix[12]_dummy_free: dummy @ ([0-9a-f]{16}) leaked!$/ },
  { how: 'prevented', re: /^livepatch_shadow_fix[12]: livepatch_fix[12]_dummy_leak_dtor: dummy @ ([0-9a-f]{16}), prevented leak @ [0-9a-f]{16}$/ },
  { how: 'counted', re: /^livepatch_shadow_fix2: livepatch_fix2_dummy_free: dummy @ ([0-9a-f]{16}), check counter = (\d+)$/ },
] as const;

function records(m: TestMachine, from: number): LogRecord[] {
  return m.k.log.records.slice(from);
}

function dummiesIn(recs: readonly LogRecord[]): Dummy[] {
  return recs.flatMap((r) => {
    const a = ALLOC.exec(r.text);
    return a ? [{ ptr: a[2]!, by: a[1]!, at: r.usec, seq: r.seq, expires: parseInt(a[3]!, 16) }] : [];
  });
}

function lines(recs: readonly LogRecord[], how: (typeof FREED)[number]['how']): { ptr: string; at: number; n?: number }[] {
  const re = FREED.find((f) => f.how === how)!.re;
  return recs.flatMap((r) => {
    const x = re.exec(r.text);
    return x ? [{ ptr: x[1]!, at: r.usec, ...(x[2] ? { n: Number(x[2]) } : {}) }] : [];
  });
}

const shadowCount = (m: TestMachine, id: number) => m.k.shadow.vars.filter((v) => v.id === id).length;
const funcStackTop = (m: TestMachine, fn: string) => m.k.klp.ops.get(`livepatch_shadow_mod:${fn}`)?.funcStack[0]?.newName ?? null;

describe('livepatch-shadow-mod: the leak', () => {
  it('allocates a dummy every second, checks every three, frees each at the first check after it expired', () => {
    const m = machine({ selftest: true });
    const from = m.k.log.records.length;
    const loadedAt = m.k.now;
    m.run('modprobe livepatch-shadow-mod');
    expect(m.log().filter((l) => /dummy|cleanup/.test(l))).toEqual([]); // init only arms the two timers
    m.run('sleep 40');
    const recs = records(m, from);
    const dummies = dummiesIn(recs);
    expect(dummies.map((d) => (d.at - loadedAt) / 1e6)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const d of dummies) {
      expect(d.by).toBe('dummy_alloc'); // the module has no pr_fmt: no module name before it
      expect(d.expires).toBe(jiffiesAt(d.at) + 12 * HZ);
    }
    const checks = recs.filter((r) => CLEANUP.test(r.text));
    expect(checks.map((r) => (r.usec - loadedAt) / 1e6)).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39]);
    for (const c of checks) expect(parseInt(CLEANUP.exec(c.text)![1]!, 16)).toBe(jiffiesAt(c.usec));
    // Each dummy goes at the first check whose jiffies are time_after() its expiry, no sooner.
    const freed = lines(recs, 'plain');
    for (const d of dummies) {
      const due = checks.find((c) => timeAfter(jiffiesAt(c.usec), d.expires));
      const f = freed.find((x) => x.ptr === d.ptr);
      expect(f?.at, d.ptr).toBe(due?.usec);
    }
    // list_add() puts the newest at the head: one check frees newest first.
    const at = freed.filter((f) => f.at === freed[freed.length - 1]!.at).map((f) => f.ptr);
    expect(at).toEqual(dummies.filter((d) => at.includes(d.ptr)).map((d) => d.ptr).reverse());
    expect(m.k.shadow.vars).toEqual([]);
  });

  it('settling runs its timers only on the way to something that moves on', () => {
    const m = machine({ selftest: true });
    m.run('modprobe livepatch-shadow-mod');
    expect(settle(m.k)).toBe(0); // nothing but its own clockwork is queued
    m.run('sleep 1.5');
    const before = m.k.now;
    m.sh.run('modprobe livepatch-shadow-fix1');
    settle(m.k); // the transition completes a retry later; the timers due before it run on the way
    expect(m.k.transitionRunning()).toBe(false);
    expect(m.k.now - before).toBeGreaterThanOrEqual(1e6 - 1);
    expect(m.k.queue.peek()?.kind).toBe('delayed-work');
  });
});

describe('the shadow variable demo, in the order livepatch-shadow-mod.c gives', () => {
  it('fix1 attaches SV_LEAK to new dummies only; fix2 counts in-flight ones; the variables outlive the patches until module_exit', () => {
    const m = machine({ selftest: true });
    const start = m.k.log.records.length;
    m.run('insmod /lib/modules/7.1.0/kernel/samples/livepatch/livepatch-shadow-mod.ko');
    m.run('sleep 16');

    // Step 2: fix1 replaces dummy_alloc and dummy_free.
    const fix1From = m.k.log.records.length;
    m.run('insmod /lib/modules/7.1.0/kernel/samples/livepatch/livepatch-shadow-fix1.ko');
    expect(funcStackTop(m, 'dummy_alloc')).toBe('livepatch_fix1_dummy_alloc');
    expect(funcStackTop(m, 'dummy_free')).toBe('livepatch_fix1_dummy_free');
    m.run('sleep 15');
    let recs = records(m, start);
    const before = dummiesIn(records(m, start).slice(0, fix1From - start));
    const withFix1 = dummiesIn(records(m, fix1From));
    expect(before.every((d) => d.by === 'dummy_alloc')).toBe(true);
    expect(withFix1.length).toBeGreaterThan(10);
    expect(withFix1.every((d) => d.by === 'livepatch_fix1_dummy_alloc')).toBe(true);
    // Dummies from before the patch have no shadow variable: fix1's dummy_free says they leaked.
    const leaked = lines(records(m, fix1From), 'leaked').map((l) => l.ptr);
    expect(leaked.length).toBeGreaterThan(0);
    expect(leaked.every((p) => before.some((d) => d.ptr === p))).toBe(true);
    // Those from fix1's dummy_alloc do: klp_shadow_free() runs the destructor, which frees the int.
    const prevented = lines(records(m, fix1From), 'prevented').map((l) => l.ptr);
    expect(prevented.length).toBeGreaterThan(0);
    expect(prevented.every((p) => withFix1.some((d) => d.ptr === p))).toBe(true);
    // Every live dummy fix1 allocated carries exactly one SV_LEAK; nothing else is in the hash.
    const gone = new Set([...leaked, ...prevented]);
    expect(shadowCount(m, SV_LEAK)).toBe(withFix1.filter((d) => !gone.has(d.ptr)).length);
    expect(m.k.shadow.vars.every((v) => v.id === SV_LEAK && v.owner === 'livepatch_shadow_fix1')).toBe(true);

    // Step 3: fix2 replaces dummy_check (and dummy_free again); dummy_alloc stays fix1's.
    const fix2From = m.k.log.records.length;
    m.run('insmod /lib/modules/7.1.0/kernel/samples/livepatch/livepatch-shadow-fix2.ko');
    expect(funcStackTop(m, 'dummy_check')).toBe('livepatch_fix2_dummy_check');
    expect(funcStackTop(m, 'dummy_free')).toBe('livepatch_fix2_dummy_free');
    expect(funcStackTop(m, 'dummy_alloc')).toBe('livepatch_fix1_dummy_alloc');
    m.run('sleep 7');
    const fix2Recs = records(m, fix2From);
    const fix2Checks = fix2Recs.filter((r) => CLEANUP.test(r.text));
    const counted = lines(fix2Recs, 'counted');
    expect(counted.length).toBeGreaterThan(0);
    // A dummy's counter counts the checks made with fix2 in place, the one that freed it included.
    for (const c of counted) expect(c.n).toBe(fix2Checks.filter((r) => r.usec <= c.at).length);
    // klp_shadow_get_or_alloc() gave a counter to every dummy still on the list at the last check.
    recs = records(m, start);
    const alive = dummiesIn(recs).filter((d) => !FREED.some((f) => recs.some((r) => f.re.exec(r.text)?.[1] === d.ptr)));
    const lastCheck = fix2Checks[fix2Checks.length - 1]!.seq;
    expect(shadowCount(m, SV_COUNTER)).toBe(alive.filter((d) => d.seq < lastCheck).length);
    expect(m.k.shadow.vars.filter((v) => v.id === SV_COUNTER).every((v) => v.owner === 'livepatch_shadow_fix2')).toBe(true);

    // Step 4: disable both. fix2's counters stay in the hash; the dummies they hang on are freed without them.
    const offFrom = m.k.log.records.length;
    m.run(`echo 0 > ${LP}/livepatch_shadow_fix2/enabled`);
    m.run('sleep 3');
    expect(lines(records(m, offFrom), 'counted')).toEqual([]);
    expect(shadowCount(m, SV_COUNTER)).toBeGreaterThan(0);
    const countersOnFreed = m.k.shadow.vars.filter((v) => v.id === SV_COUNTER && m.k.freed.has(v.obj)).length;
    expect(countersOnFreed).toBeGreaterThan(0);
    m.run(`echo 0 > ${LP}/livepatch_shadow_fix1/enabled`);
    m.run('sleep 3');
    expect(funcStackTop(m, 'dummy_alloc')).toBeNull();
    const unfixed = dummiesIn(records(m, m.k.log.records.length - 20));
    expect(unfixed.at(-1)?.by).toBe('dummy_alloc');
    // The original dummy_free knows nothing of SV_LEAK: those variables now hang on freed dummies.
    expect(m.k.shadow.vars.some((v) => v.id === SV_LEAK && m.k.freed.has(v.obj))).toBe(true);

    // Step 5: rmmod. fix2's module_exit frees SV_COUNTER silently (no destructor)...
    const leftLeak = m.k.shadow.vars.filter((v) => v.id === SV_LEAK);
    let mark = m.k.log.records.length;
    expect(m.run('rmmod livepatch-shadow-fix2').status).toBe(0);
    expect(records(m, mark).map((r) => r.text)).toEqual([]);
    expect(shadowCount(m, SV_COUNTER)).toBe(0);
    expect(shadowCount(m, SV_LEAK)).toBe(leftLeak.length);
    // ...fix1's frees SV_LEAK with its destructor: one "prevented leak" for each variable left, in hash order.
    mark = m.k.log.records.length;
    expect(m.run('rmmod livepatch-shadow-fix1').status).toBe(0);
    const dtor = lines(records(m, mark), 'prevented').map((l) => l.ptr);
    expect(dtor.slice().sort()).toEqual(leftLeak.map((v) => p(m, v.obj)).sort());
    expect(m.k.shadow.vars).toEqual([]);
    // The module's exit cancels its timers and frees what is left on its list with dummy_free.
    mark = m.k.log.records.length;
    const listed = (m.k.modules.get('livepatch_shadow_mod')!.data.dummy_list as number[]).map((d) => p(m, d));
    expect(m.run('rmmod livepatch-shadow-mod').status).toBe(0);
    expect(lines(records(m, mark), 'plain').map((l) => l.ptr)).toEqual(listed);
    expect(m.k.queue.pending().filter((e) => e.kind === 'delayed-work')).toEqual([]);
    expect(checkInvariants(m.k)).toEqual([]);
  });

  it("the brief's other order: with fix2 removed and fix1 still enabled, dummies keep their SV_LEAK and no counter", () => {
    const m = machine({ selftest: true });
    m.run('modprobe livepatch-shadow-mod');
    m.run('modprobe livepatch-shadow-fix1');
    m.run('modprobe livepatch-shadow-fix2');
    m.run('sleep 7');
    expect(shadowCount(m, SV_COUNTER)).toBeGreaterThan(0);
    m.run(`echo 0 > ${LP}/livepatch_shadow_fix2/enabled`);
    m.run('rmmod livepatch-shadow-fix2');
    expect(shadowCount(m, SV_COUNTER)).toBe(0);
    const mark = m.k.log.records.length;
    m.run('sleep 15');
    expect(lines(records(m, mark), 'prevented').length).toBeGreaterThan(0);
    expect(lines(records(m, mark), 'counted')).toEqual([]);
    expect(shadowCount(m, SV_COUNTER)).toBe(0);
    expect(m.k.shadow.vars.every((v) => v.id === SV_LEAK && !m.k.freed.has(v.obj))).toBe(true);
  });
});

/** What %p prints for an address on this machine. */
const p = (m: TestMachine, addr: number) => hashedPointer(addr, m.k.config.seed);
