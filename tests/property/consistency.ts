/**
 * Random runs aimed at the consistency model: tasks asleep in the functions
 * the catalogue's patches change (some with unreliable stacks), a work item
 * that keeps its kworker inside a patched function, patches enabled,
 * replaced, disabled, reversed and forced while transitions stall, helpers
 * hammering a patched system call, fake signals (sleep 16) and wake-ups.
 * A run is checked by the invariant watch after every command and every
 * kernel event; it returns the first violations it meets.
 */
import fc from 'fast-check';
import type { Kernel, KernelConfig } from '../../src/kernel/kernel';
import { bootKernel } from '../../src/kernel/boot';
import { Shell } from '../../src/kernel/shell/shell';
import { settle } from '../../src/kernel/settle';
import { watchInvariants } from '../../src/kernel/invariants';
import type { Mutant } from '../../src/kernel/mutants';
import { addTask, wakeTask } from '../../src/session/timeline';
import type { TaskSetup } from '../../src/session/situation';
import { DIAL_RELEASES, kernelProfile } from '../../src/kernel/release/profile';
import { findModuleByName } from '../../src/kernel/catalog';

const LP = '/sys/kernel/livepatch';
const BUSY_PARAM = '/sys/module/test_klp_callbacks_busy/parameters/block_transition';
const PATCHES = ['test_klp_callbacks_demo', 'test_klp_callbacks_demo2', 'test_klp_livepatch', 'test_klp_atomic_replace', 'test_klp_syscall', 'livepatch_sample', 'test_klp_mod_patch'];
const MODULES = [...PATCHES, 'test_klp_callbacks_busy', 'test_klp_callbacks_mod', 'test_klp_mod_target'];

/**
 * Before 5.1 there are no selftest modules: the runs use the samples of the
 * callbacks document (a busy module asleep 30 s in the function the demo
 * patches) on the register + enable API.
 */
const SAMPLES = '/usr/src/linux/samples/livepatch';
const OLD_PATCHES = ['livepatch_callbacks_demo', 'livepatch_sample'];
const OLD_MODULES = [...OLD_PATCHES, 'livepatch_callbacks_busymod', 'livepatch_callbacks_mod'];
const sampleFile = (m: string) => `${SAMPLES}/${m.replace(/_/g, '-')}.ko`;

/** Where set-up tasks sleep: inside patched functions (cmdline_proc_show, meminfo_proc_show), or elsewhere. */
const SLEEPS = [
  ['ksys_read', 'vfs_read', 'seq_read_iter', 'cmdline_proc_show', 'mutex_lock'],
  ['ksys_read', 'vfs_read', 'seq_read_iter', 'meminfo_proc_show', 'schedule_timeout'],
  ['ksys_read', 'vfs_read', 'pipe_read'],
  ['do_nanosleep'],
];

const task: fc.Arbitrary<TaskSetup> = fc.record({
  comm: fc.constantFrom('reader', 'logger', 'kwatch', 'daemon'),
  kind: fc.constantFrom('user' as const, 'kthread' as const),
  sleepsIn: fc.constantFrom(...SLEEPS),
  state: fc.constantFrom('S' as const, 'D' as const),
  unreliable: fc.boolean(),
});

const config: fc.Arbitrary<Partial<KernelConfig>> = fc.record({
  cpus: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: 1, max: 1000 }),
  reliableStacks: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  forceMarksEveryPatch: fc.boolean(),
  release: fc.constantFrom(...DIAL_RELEASES),
});

/** What a run does: a command line, a number of single kernel events (-1: settle), or waking a set-up task. */
export type Act = { line: string; events: number } | { wake: number };

const insmod = (p: string) => {
  if (p === 'livepatch_sample') return ['modprobe livepatch_sample'];
  if (p === 'test_klp_atomic_replace') return [`insmod test_modules/${p}.ko replace=1`, `insmod test_modules/${p}.ko replace=0`];
  return [`insmod test_modules/${p}.ko`];
};

/** Command lines about a few patches, so that enabling, disabling, reversing and forcing meet each other often. */
const line = (patches: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y', 'insmod test_modules/test_klp_callbacks_busy.ko') },
    { weight: 1, arbitrary: fc.constantFrom(`echo N > ${BUSY_PARAM}`, `echo Y > ${BUSY_PARAM}`) },
    { weight: 6, arbitrary: fc.constantFrom(...patches.flatMap(insmod)) },
    { weight: 1, arbitrary: fc.constantFrom('insmod test_modules/test_klp_callbacks_mod.ko', 'insmod test_modules/test_klp_mod_target.ko') },
    { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...patches), fc.constantFrom('0', '0', '1')).map(([p, v]) => `echo ${v} > ${LP}/${p}/enabled`) },
    { weight: 3, arbitrary: fc.constantFrom(...patches).map((p) => `echo 1 > ${LP}/${p}/force`) },
    { weight: 4, arbitrary: fc.constantFrom(...patches, ...MODULES).map((m) => `rmmod ${m}`) },
    { weight: 2, arbitrary: fc.constantFrom('start_getpid_helpers', 'kill_getpid_helpers') },
    { weight: 3, arbitrary: fc.constantFrom('sleep 1', 'sleep 16') },
    { weight: 1, arbitrary: fc.constantFrom('cat /proc/cmdline', 'cat /proc/meminfo | grep Mem', 'cat /proc/test_klp_mod_target') },
  );

/** The same kinds of lines before 5.1, about the samples. */
const oldLine = (patches: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(`insmod ${sampleFile('livepatch_callbacks_busymod')} sleep_secs=30`, `insmod ${sampleFile('livepatch_callbacks_busymod')}`) },
    { weight: 6, arbitrary: fc.constantFrom(...patches.map(sampleFile)).map((f) => `insmod ${f}`) },
    { weight: 1, arbitrary: fc.constant(`insmod ${sampleFile('livepatch_callbacks_mod')}`) },
    { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...patches), fc.constantFrom('0', '0', '1')).map(([p, v]) => `echo ${v} > ${LP}/${p}/enabled`) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...patches), fc.constantFrom('force', 'signal')).map(([p, f]) => `echo 1 > ${LP}/${p}/${f}`) },
    { weight: 4, arbitrary: fc.constantFrom(...OLD_MODULES).map((m) => `rmmod ${m}`) },
    { weight: 3, arbitrary: fc.constantFrom('sleep 1', 'sleep 16', 'sleep 31') },
    { weight: 1, arbitrary: fc.constantFrom('cat /proc/cmdline', 'echo -19 > /sys/module/livepatch_callbacks_demo/parameters/pre_patch_ret') },
  );

const act = (patches: string[], old: boolean): fc.Arbitrary<Act> =>
  fc.oneof(
    { weight: 9, arbitrary: fc.record({ line: old ? oldLine(patches) : line(patches), events: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 5 })) }) },
    { weight: 1, arbitrary: fc.nat(3).map((i) => ({ wake: i })) },
  );

export interface ConsistencyCase {
  config: Partial<KernelConfig>;
  tasks: TaskSetup[];
  acts: Act[];
}

export const consistencyCase: fc.Arbitrary<ConsistencyCase> = fc
  .record({ config, tasks: fc.array(task, { maxLength: 3 }) })
  .chain(({ config, tasks }) => {
    const profile = kernelProfile(config.release);
    const old = !profile.selftests;
    // only the patch modules this release's tree builds
    const built = (old ? OLD_PATCHES : PATCHES).filter((m) => findModuleByName(m, profile));
    return fc
      .shuffledSubarray(built, { minLength: 1, maxLength: Math.min(3, built.length) })
      .chain((patches) => fc.array(act(patches, old), { maxLength: 16 }))
      .map((acts) => ({ config, tasks, acts }));
  });

/** Runs a case, with a planted bug if asked: the kernel and its shell, and the first violations met (with what came just before) or []. */
export function playCase(c: ConsistencyCase, mutant: Mutant | null = null): { k: Kernel; sh: Shell; violations: string[] } {
  const k = bootKernel(c.config);
  k.mutant = mutant;
  const watch = watchInvariants(k);
  const sh = new Shell(k);
  const pids = c.tasks.map((t) => (addTask(k, t), k.tasks[k.tasks.length - 1]!.pid));
  const checked = (after: string) => watch.check().map((v) => `${v} (after ${after})`);
  let v = checked('boot');
  for (const a of c.acts) {
    if (v.length) break;
    if ('wake' in a) {
      const pid = pids[a.wake % Math.max(1, pids.length)];
      if (pid !== undefined) wakeTask(k, pid);
      v = checked(`waking ${pid}`);
      continue;
    }
    sh.run(a.line);
    v = checked(a.line);
    if (a.events < 0) settle(k);
    else for (let i = 0; i < a.events && !v.length && k.step(); i++) v = checked(`${a.line} +event`);
    if (!v.length) v = checked(`${a.line} (settled)`);
  }
  watch.stop();
  return { k, sh, violations: v };
}

export const runCase = (c: ConsistencyCase, mutant: Mutant | null = null): string[] => playCase(c, mutant).violations;
