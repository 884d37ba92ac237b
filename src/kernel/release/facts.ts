/**
 * The kernel facts that depend on the release, each with the range it holds
 * for and the upstream commit that began it (or ended it). Captions, stories
 * and the engine's sysfs layout take release numbers from here only
 * (scenarios.test.ts finds every release a caption names in this table).
 *
 * Sources: ../shared/livepatch/history-and-callbacks.md (the version table;
 * sysfs attributes from Documentation/ABI/testing/sysfs-kernel-livepatch,
 * whose KernelVersion lines date them) and semantics.md. `commit` is given
 * only where those sources name it; `subject` is the commit's subject line.
 */
import { compareReleases, previousRelease, type Release } from './releases';

export interface ReleaseFact {
  /** what holds, in a caption's words */
  says: string;
  /** the first release it holds in */
  since: Release;
  /** the first release it no longer holds in (absent: mainline still does) */
  until?: Release;
  /** the upstream commit that made it so (12 hex digits), where our sources name it */
  commit?: string;
  /** that commit's subject, or what dated it */
  subject: string;
  /** a fact of the selftests' harness, not of the kernel: not a rule users meet */
  harness?: true;
}

export const FACTS = {
  livepatchCore: {
    says: 'the livepatch core and /sys/kernel/livepatch/<patch>/enabled',
    since: '4.0',
    commit: 'b700e7f03df5',
    subject: 'livepatch: kernel: add support for live patching',
  },
  consistencyModel: {
    says: 'the per-task consistency model: transitions, the transition file, /proc/<pid>/patch_state',
    since: '4.12',
    commit: 'd83a7cb375ee',
    subject: 'livepatch: change to a per-task consistency model',
  },
  registerThenEnable: {
    says: "a patch module's init calls klp_register_patch() then klp_enable_patch(); echo 1 re-enables a disabled patch; only the topmost patch may be disabled",
    since: '4.12',
    until: '5.1',
    commit: '958ef1e39d24',
    subject: 'livepatch: Simplify API by removing registration step (ended it)',
  },
  simplifiedApi: {
    says: 'klp_enable_patch() alone registers and enables; a disabled patch is freed by free_work and can never be enabled again',
    since: '5.1',
    commit: '958ef1e39d24',
    subject: 'livepatch: Simplify API by removing registration step',
  },
  atomicReplace: {
    says: 'atomic replace: a cumulative patch (patch->replace) replaces every patch before it, nops undoing what it no longer changes',
    since: '5.1',
    commit: 'e1452b607c48',
    subject: 'livepatch: Add atomic replace',
  },
  noStackingOrder: {
    says: 'patches may be disabled in any order',
    since: '5.1',
    commit: 'd67a53720966',
    subject: 'livepatch: Remove ordering (stacking) of the livepatches',
  },
  signalFile: {
    says: 'a write-only signal file sends the fake signal by hand',
    since: '4.15',
    until: '5.1',
    commit: '0b3d52790e1c',
    subject: 'livepatch: Remove signal sysfs attribute (ended it; the fake signal became automatic)',
  },
  forcedFlagGlobal: {
    says: 'a forced transition sets the one global klp_forced, after which no unpatching transition drops its patch module\'s reference: no livepatch module can be removed again until reboot',
    since: '4.15',
    until: '5.1',
    commit: 'c99a2be790b0',
    subject: 'livepatch: force transition to finish (began it; from 5.1 each patch is marked instead)',
  },
  livepatchSelftests: {
    says: 'the livepatch selftests (tools/testing/selftests/livepatch) and their test modules; before them the callbacks document\'s worked examples with the samples were the tests',
    since: '5.1',
    // dated by ../shared/livepatch/history-and-callbacks.md (its v5.1 row)
    subject: 'selftests/livepatch: introduce tests (Joe Lawrence, 2019-01-11)',
  },
  forceFile: {
    says: 'a write-only force file',
    since: '4.15',
    commit: 'c99a2be790b0',
    subject: 'livepatch: force transition to finish',
  },
  freePatchInline: {
    says: 'the patch is freed by klp_free_patch_start() and schedule_work() written inline',
    since: '5.1',
    until: '5.5',
    subject: 'livepatch: Keep replaced patches until post_patch callback is called (ended it: klp_free_patch_async())',
  },
  systemState: {
    says: 'klp_state: klp_get_state(), klp_get_prev_state() and the compatibility check',
    since: '5.5',
    commit: '73727f4dafa2',
    subject: 'livepatch: Basic API to track system state changes',
  },
  moduleRefInInitEarly: {
    says: 'the patch module reference is taken in klp_init_patch_early()',
    since: '5.1',
    until: '5.17',
    commit: '5ef3dd20555e',
    subject: 'livepatch: Fix kobject refcount bug on klp_init_patch_early failure path (ended it)',
  },
  moduleRefAtEnable: {
    says: 'the patch module reference is taken in klp_enable_patch()',
    since: '5.17',
    commit: '5ef3dd20555e',
    subject: 'livepatch: Fix kobject refcount bug on klp_init_patch_early failure path (moved try_module_get() out of klp_init_patch_early())',
  },
  forceMarksEveryPatch: {
    // 4.15–5.0 had one global klp_forced flag, with the same effect
    says: 'force marks every patch on klp_patches forced, so none of their modules can ever be removed',
    since: '5.1',
    until: '5.18',
    commit: '2957308343fa',
    subject: "livepatch: Don't block removal of patches that are safe to unload (ended it)",
  },
  forceMarksRemoved: {
    says: 'force marks only the patches a forced transition removes',
    since: '5.18',
    commit: '2957308343fa',
    subject: "livepatch: Don't block removal of patches that are safe to unload",
  },
  objectPatchedFile: {
    says: 'a read-only patched file in each object directory',
    since: '6.1',
    subject: 'Documentation/ABI: "Date: August 2022, KernelVersion: 6.1.0" (Song Liu)',
  },
  idleKick: {
    says: 'the first try kicks idle CPUs with wake_up_if_idle(), so their idle tasks switch in do_idle()',
    since: '5.16',
    commit: '5de62ea84abd',
    subject: 'sched,livepatch: Use wake_up_if_idle()',
  },
  condReschedSwitch: {
    says: 'a CPU-bound kthread switches in cond_resched()',
    since: '6.4',
    until: '6.16',
    commit: 'e3ff7c609f39',
    subject: 'livepatch,sched: Add livepatch task switching to cond_resched()',
  },
  schedTrySwitch: {
    says: 'a task in transition going into a freezable sleep checks its own stack in __schedule() (__klp_sched_try_switch())',
    since: '6.16',
    commit: '676e8cf70cb0',
    subject: 'sched,livepatch: Untangle cond_resched() and live-patching',
  },
  transitionStateNames: {
    says: 'the transition states are spelled KLP_TRANSITION_IDLE, KLP_TRANSITION_UNPATCHED and KLP_TRANSITION_PATCHED',
    since: '6.10',
    subject: 'livepatch: Rename KLP_* to KLP_TRANSITION_*',
  },
  replaceFile: {
    says: 'a read-only replace file',
    since: '6.11',
    subject: 'Documentation/ABI: "Date: Jun 2024, KernelVersion: 6.11.0" (Yafang Shao)',
  },
  stackOrderFile: {
    says: 'a read-only stack_order file: the patch\'s 1-based place among the enabled patches',
    since: '6.14',
    commit: '3dae09de4061',
    subject: 'Documentation/ABI: "Date: Jan 2025, KernelVersion: 6.14.0" (Wardenjohn)',
  },
  preemptDynamic: {
    says: 'x86-64 builds default to CONFIG_PREEMPT_DYNAMIC (the preemption model chosen at boot): the boot banner says PREEMPT_DYNAMIC',
    since: '5.12',
    subject: 'preempt: Introduce CONFIG_PREEMPT_DYNAMIC (Kconfig: "default y if HAVE_PREEMPT_DYNAMIC_CALL")',
  },
  ftraceEnabledFailFlag: {
    harness: true,
    says: "the selftests' set_ftrace_enabled takes --fail for a write that must be refused; without it a refused write skips the test (before, the helper logged sysctl's answer whatever it was)",
    since: '6.4',
    subject:
      'tools/testing/selftests/livepatch/functions.sh: first in the 6.4 sources read (../shared/conformance/versions, row 20); 6.1 logs always, as 5.10; 6.2 and 6.3 were not read',
  },
} as const satisfies Record<string, ReleaseFact>;

export type FactId = keyof typeof FACTS;

/** "since 5.18" */
export const since = (f: ReleaseFact): string => `since ${f.since}`;

/** "5.1–5.17", or "since 5.18" for a fact mainline still holds */
export function range(f: ReleaseFact): string {
  return f.until ? `${f.since}–${previousRelease(f.until)}` : since(f);
}

/** Does the fact hold in this release? */
export function holdsIn(f: ReleaseFact, r: Release): boolean {
  return compareReleases(r, f.since) >= 0 && (!f.until || compareReleases(r, f.until) < 0);
}

