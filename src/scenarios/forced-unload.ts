import type { TimelineScenario } from './types';
import { said } from './said';
import { PANIC } from '../kernel/words';

const P = 'test_klp_livepatch';
const LP = `/sys/kernel/livepatch/${P}`;
const TAINTED = '/proc/sys/kernel/tainted';
/** TAINT_OOT_MODULE (O), TAINT_UNSIGNED_MODULE (E), TAINT_LIVEPATCH (K): what loading the test module set */
const OEK = (1 << 12) | (1 << 13) | (1 << 15);
const R = 1 << 3;
const D = 1 << 7;

export const forcedUnload: TimelineScenario = {
  kind: 'timeline',
  id: 'forced-unload',
  title: 'When rmmod -f is allowed',
  summary: 'With CONFIG_MODULE_FORCE_UNLOAD=y, rmmod -f frees a livepatch module whose patch is still registered: the next read of its files Oopses.',
  setup: { config: { moduleForceUnload: true }, selftest: true, lines: [`insmod test_modules/${P}.ko`] },
  intro: `The same patch as in "Why rmmod -f is refused", loaded and enabled, on a kernel built with CONFIG_MODULE_FORCE_UNLOAD=y, as x86_64_defconfig and many distributions have it (Debian's 6.1 does). Here rmmod -f is obeyed.`,
  introFocus: { views: ['modules', 'patches'], actors: [{ module: P }, { patch: P }] },
  steps: [
    {
      do: { command: `rmmod -f ${P}` },
      caption:
        "rmmod -f succeeds and prints nothing. try_force_unload() taints the kernel R (FORCED_RMMOD), and the module's memory is freed. The patch was never disabled: klp_patches, the func_stack and sysfs still point into that memory.",
      fn: 'try_force_unload',
      file: 'kernel/module/main.c',
      focus: { views: ['modules', 'patches'], actors: [{ module: P }, { patch: P }] },
      claims: [
        said(PANIC.lockDebuggingOff),
        { file: TAINTED, equals: String(OEK | R) },
        { moduleGone: P },
        { exists: `/sys/module/${P}`, is: false },
        { exists: LP, is: true },
        { card: P, on: 'stack', tone: 'gone' },
      ],
    },
    {
      do: { command: `cat ${LP}/enabled` },
      caption:
        "Reading the patch's enabled file: sysfs_kf_seq_show() follows the kobject into the freed module. A page fault in kernel mode: Oops. The kernel kills cat and taints itself D (DIE).",
      fn: 'sysfs_kf_seq_show',
      file: 'fs/sysfs/file.c',
      focus: { views: ['log', 'shell'], actors: [{ file: `${LP}/enabled` }] },
      claims: [
        { log: 'BUG: unable to handle page fault for address' },
        { log: 'RIP: 0010:sysfs_kf_seq_show' },
        { term: 'Killed' },
        { file: TAINTED, equals: String(OEK | R | D) },
      ],
    },
    {
      do: { command: 'lsmod' },
      caption:
        'Even lsmod Oopses: kmod reads /proc/cmdline first, cmdline_proc_show() is still patched, and klp_ftrace_handler() reads the freed klp_func on top of its func_stack. Nothing can unregister that patch now; only a reboot clears it.',
      fn: 'klp_ftrace_handler',
      file: 'kernel/livepatch/patch.c',
      focus: { views: ['log', 'funcs'], actors: [{ func: 'cmdline_proc_show' }] },
      claims: [
        { log: 'Oops: Oops: 0000 [#2]' },
        { log: 'RIP: 0010:klp_ftrace_handler' },
        { log: 'Comm: lsmod' },
        { term: 'Killed' },
        { funcStack: 'cmdline_proc_show', is: [P] },
      ],
    },
  ],
};
