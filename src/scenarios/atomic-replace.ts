import type { TimelineScenario } from './types';
import { said } from './said';
import { LIVEPATCH_TRANSITION } from '../kernel/words';

const TLP = 'test_klp_livepatch';
const SYS = 'test_klp_syscall';
const DEMO = 'test_klp_callbacks_demo';
const AR = 'test_klp_atomic_replace';
const REPLACED = [TLP, SYS, DEMO];
const GETPID = '__x64_sys_getpid';

export const atomicReplace: TimelineScenario = {
  kind: 'timeline',
  id: 'atomic-replace',
  title: 'Atomic replace',
  summary: 'A cumulative patch with nops replaces the whole stack; the replaced patches vanish silently; their modules become removable.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: 'Three patches are stacked, each for a different function. Then one cumulative patch takes over from all of them.',
  introFocus: { views: ['patches', 'funcs'] },
  steps: [
    {
      do: { command: `insmod test_modules/${TLP}.ko` },
      caption: 'Patch 1, test_klp_livepatch, replaces cmdline_proc_show.',
      fn: 'klp_enable_patch',
      focus: { views: ['patches', 'funcs'], actors: [{ patch: TLP }, { func: 'cmdline_proc_show' }] },
      claims: [{ card: TLP, on: 'stack', tone: 'patching' }, { funcStack: 'cmdline_proc_show', is: [TLP], transition: true }],
    },
    {
      do: { settle: true },
      caption: 'Its transition completes.',
      fn: 'klp_complete_transition',
      focus: { views: ['patches'], actors: [{ patch: TLP }] },
      claims: [{ card: TLP, tone: 'enabled' }],
    },
    {
      do: { command: `insmod test_modules/${SYS}.ko` },
      caption: 'Patch 2, test_klp_syscall, replaces the getpid system call.',
      fn: 'klp_enable_patch',
      focus: { views: ['patches', 'funcs'], actors: [{ patch: SYS }, { func: GETPID }] },
      claims: [{ card: SYS, on: 'stack', top: true, tone: 'patching' }, { funcStack: GETPID, is: [SYS], transition: true }],
    },
    {
      do: { settle: true },
      caption: 'Its transition completes.',
      fn: 'klp_complete_transition',
      focus: { views: ['patches'], actors: [{ patch: SYS }] },
      claims: [{ card: SYS, tone: 'enabled' }],
    },
    {
      do: { command: `insmod test_modules/${DEMO}.ko` },
      caption: 'Patch 3, test_klp_callbacks_demo: callbacks, and a busymod_work_func for a module that is not loaded, so no func_stack for it yet.',
      fn: 'klp_enable_patch',
      focus: { views: ['patches'], actors: [{ patch: DEMO }] },
      claims: [{ card: DEMO, on: 'stack', top: true, tone: 'patching' }, { object: `${DEMO}/test_klp_callbacks_busy`, loaded: false }, { funcStack: 'busymod_work_func', is: [] }],
    },
    {
      do: { settle: true },
      caption: 'Its transition completes: three patches on klp_patches.',
      fn: 'klp_complete_transition',
      focus: { views: ['patches'], actors: REPLACED.map((patch) => ({ patch })) },
      claims: [{ file: `/sys/kernel/livepatch/${DEMO}/stack_order`, equals: '3' }, { card: DEMO, top: true, tone: 'enabled' }],
    },
    {
      do: { command: `insmod test_modules/${AR}.ko replace=1` },
      caption:
        "A replace patch. klp_add_nops() gives it a 'nop' for every function an older patch changes and it does not: a switched task runs the patch's own meminfo_proc_show, and the original code wherever a nop stands.",
      fn: 'klp_add_nops',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['funcs', 'patches'], actors: [{ patch: AR }, { func: 'cmdline_proc_show' }, { func: GETPID }, { func: 'meminfo_proc_show' }] },
      claims: [
        { exists: `/sys/kernel/livepatch/${AR}/vmlinux/cmdline_proc_show,1`, is: true },
        { exists: `/sys/kernel/livepatch/${AR}/test_klp_callbacks_busy/busymod_work_func,1`, is: true },
        { transitionPatch: AR },
        { funcStack: 'cmdline_proc_show', is: [`${AR} (nop)`, TLP], transition: true },
        { funcStack: GETPID, is: [`${AR} (nop)`, SYS], transition: true },
        { funcStack: 'meminfo_proc_show', is: [AR], transition: true },
        { card: AR, on: 'stack', top: true, tone: 'patching' },
      ],
    },
    {
      do: { advance: 1 },
      caption:
        'A second later the retry completes it: klp_unpatch_replaced_patches() takes the three older patches off silently (no transition, no callbacks), and klp_discard_nops() drops the nops, so the original functions run unredirected. Each replaced patch has its free_work queued.',
      fn: 'klp_unpatch_replaced_patches',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['patches', 'free'], actors: [{ patch: AR }, ...REPLACED.map((patch) => ({ patch }))] },
      claims: [
        said(LIVEPATCH_TRANSITION.complete, { patch: AR, state: 'patching' }),
        { noLog: 'unpatching' },
        { noLog: 'pre_unpatch_callback' },
        { file: `/sys/kernel/livepatch/${TLP}/enabled`, equals: '0' },
        { exists: `/sys/kernel/livepatch/${AR}/vmlinux/cmdline_proc_show,1`, is: false },
        { file: `/sys/kernel/livepatch/${AR}/stack_order`, equals: '1' },
        { file: '/proc/cmdline', contains: 'BOOT_IMAGE=' },
        { file: '/proc/meminfo', equals: 'test_klp_atomic_replace: this has been live patched' },
        { card: AR, on: 'stack', top: true, tone: 'enabled' },
        ...REPLACED.map((p) => ({ card: p, on: 'offList' as const, replacedBy: AR })),
        { freeWork: REPLACED },
        { funcStack: 'cmdline_proc_show', is: [] },
        { funcStack: GETPID, is: [] },
        { funcStack: 'meminfo_proc_show', is: [AR], transition: false },
      ],
    },
    {
      do: { settle: true },
      caption: "Their free_work runs: klp_free_patch_finish() removes each replaced patch's directory and module_put() drops its module's reference.",
      fn: 'klp_free_patch_finish',
      file: 'kernel/livepatch/core.c',
      focus: { views: ['free', 'modules'], actors: REPLACED.map((module) => ({ module })) },
      claims: [
        { file: `/sys/kernel/livepatch/${TLP}/enabled`, equals: null },
        { freeWork: [] },
        ...REPLACED.map((p) => ({ freePhase: p, is: 'freed' as const, modulePut: 'done' as const })),
        ...REPLACED.map((p) => ({ moduleRef: p, is: 0 })),
      ],
    },
    {
      do: { command: 'lsmod' },
      caption: 'The replaced patch modules are still loaded, but nothing uses them.',
      fn: 'module_put',
      focus: { views: ['modules', 'shell'], actors: REPLACED.map((module) => ({ module })) },
      claims: [{ term: 'test_klp_livepatch     12288  0' }, { term: 'test_klp_atomic_replace    12288  1' }, { refcnt: TLP, is: 0 }, { refcnt: SYS, is: 0 }, { refcnt: DEMO, is: 0 }, ...REPLACED.map((p) => ({ moduleRef: p, is: 0 })), { moduleRef: AR, is: 1 }],
    },
    {
      do: { command: `rmmod ${DEMO}` },
      caption: 'They can be removed without disabling anything first; rmmod prints nothing.',
      fn: 'delete_module',
      focus: { views: ['modules'], actors: [{ module: DEMO }] },
      claims: [{ noLog: 'livepatch:' }, { moduleGone: DEMO }],
    },
    {
      do: { command: `rmmod ${SYS}` },
      caption: 'Removed.',
      fn: 'delete_module',
      focus: { views: ['modules'], actors: [{ module: SYS }] },
      claims: [{ moduleGone: SYS }],
    },
    {
      do: { command: `rmmod ${TLP}` },
      caption: 'Removed. Only the cumulative patch remains.',
      fn: 'delete_module',
      focus: { views: ['modules', 'patches'], actors: [{ module: TLP }, { patch: AR }] },
      claims: [{ file: `/sys/module/${TLP}/refcnt`, equals: null }, { moduleGone: TLP }, { card: AR, on: 'stack', top: true }],
    },
  ],
};
