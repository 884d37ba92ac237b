/**
 * Random command lines for property tests: what a user at the shell might
 * type, valid and invalid, about the modules of the catalogue.
 */
import fc from 'fast-check';
import { CATALOG } from '../../src/kernel/catalog';

const names = [...CATALOG.map((m) => m.name), 'no_such_module'];
const patches = CATALOG.filter((m) => m.livepatch).map((m) => m.name);
const values = ['0', '1', 'Y', 'N', 'on', 'x', '', '-1', '2'];

const insmod = fc
  .tuple(fc.constantFrom(...names), fc.constantFrom('', 'replace=1', 'replace=0', 'block_transition=Y', 'block_transition=N', 'pre_patch_ret=-19', 'pre_patch_ret=x', 'has_post_handler=false', 'klp_pids=1,2', 'bogus=1'))
  .map(([n, p]) => `insmod test_modules/${n}.ko ${p}`.trim());

export const commandArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: insmod },
  { weight: 4, arbitrary: fc.constantFrom(...names).map((n) => `rmmod ${n}`) },
  // The property tests run mainline's default config (no CONFIG_MODULE_FORCE_UNLOAD), where the
  // kernel refuses it with EAGAIN. With the option a forced removal breaks the kernel on purpose
  // (tests/engine/modules.test.ts shows the checker failing on it), so those runs are not fuzzed.
  { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => `rmmod -f ${n}`) },
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom(...patches, 'nope'), fc.constantFrom('enabled', 'force', 'transition'), fc.constantFrom(...values))
      .map(([p, f, v]) => `echo ${v} > /sys/kernel/livepatch/${p}/${f}`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'echo N > /sys/module/test_klp_callbacks_busy/parameters/block_transition',
      'echo Y > /sys/module/test_klp_callbacks_busy/parameters/block_transition',
      'echo -19 > /sys/module/test_klp_callbacks_demo/parameters/pre_patch_ret',
      'echo 0 > /sys/module/test_klp_callbacks_demo/parameters/pre_patch_ret',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom('sleep 1', 'sleep 16', 'sleep 0.5') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'start_getpid_helpers',
      'kill_getpid_helpers',
      'set_ftrace_enabled 0',
      'set_ftrace_enabled 1',
      'echo 0 > /sys/kernel/debug/kprobes/enabled',
      'trace_function cmdline_proc_show',
      "echo 'file kernel/livepatch/* +p' > /sys/kernel/debug/dynamic_debug/control",
      'modprobe livepatch_sample',
      'modprobe -r livepatch_sample',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'cat /proc/cmdline',
      'cat /proc/meminfo | grep live',
      'ls -l /sys/kernel/livepatch/*',
      'cat /sys/kernel/livepatch/*/enabled',
      'lsmod',
      'dmesg | tail -n 3',
      'cat /sys/kernel/test_klp_syscall/npids',
      'cat /proc/test_klp_mod_target',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

/** A command line, and how many single kernel events to run after it (-1: settle). */
export const stepArb = fc.tuple(commandArb, fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 5 })));
