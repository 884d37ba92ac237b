/**
 * A kernel Oops: code touched memory that is no longer mapped. The one way
 * the simulation gets there is `rmmod -f` of a livepatch module whose patch
 * is still registered (CONFIG_MODULE_FORCE_UNLOAD): free_module() unmaps the
 * module's memory, but klp_patches, the func_stacks and the sysfs kobjects
 * still point into it. The next access faults: page_fault_oops() prints the
 * record, oops_end() taints the kernel D (TAINT_DIE) and the task that
 * faulted is killed (SIGKILL).
 *
 * The record keeps the lines that carry meaning (the fault, the faulting
 * function, the task and taints, the call trace, the modules) and leaves out
 * the register dump. What Debian's 6.1 printed for the same commands (an
 * `lsmod`, a `cat` of the patch's sysfs file) is quoted in
 * tests/engine/modules.test.ts; the format is mainline's (dump_stack_print_info()
 * with UID and the preemption model, print_tainted_verbose(), "Oops: Oops:").
 */
import type { Kernel } from '../kernel';
import { KERNEL_RELEASE } from '../kernel';
import { KERN_INFO, KERN_WARNING } from './log';
import { symbolOffset } from './code';
import { moduleTaintLetters, printTainted, printTaintedVerbose, TAINT_DIE } from './taint';
import { moduleState } from '../module/types';
import type { Task } from './tasks';

const KERN_ALERT = 1;
/** printk(KERN_DEFAULT …) lands at default_message_loglevel, warning */
const KERN_DEFAULT = KERN_WARNING;

/** dump_stack_set_arch_desc(): what DMI says the machine is (the simulated machine is a VM). */
export const HARDWARE_NAME = 'QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014';

export interface PageFault {
  /** the faulting address, 16 hex digits */
  address: string;
  access: 'read access' | 'write access' | 'instruction fetch';
  /** the function that faulted */
  rip: string;
  /** the call trace below it, innermost first */
  trace: string[];
  /** the fault came with preemption disabled (inside the ftrace handler's preempt_disable_notrace()) */
  atomic?: boolean;
}

/** Thrown where kernel code touches freed memory; whoever runs the task's code catches it and calls die(). */
export class KernelOops extends Error {
  constructor(
    readonly task: Task,
    readonly fault: PageFault,
  ) {
    super(`Oops: ${task.comm}[${task.pid}] ${fault.access} at ${fault.address} in ${fault.rip}`);
    this.name = 'KernelOops';
  }
}

/** print_modules(): the loaded modules, newest first, with their taints, then the last one unloaded. */
function modulesLinkedIn(k: Kernel): string {
  const mods = [...k.modules.values()]
    .filter((m) => moduleState(m) !== 'unformed' && moduleState(m) !== 'gone')
    .sort((a, b) => b.loadSeq - a.loadSeq)
    .map((m) => {
      const st = moduleState(m) === 'going' ? '-' : moduleState(m) === 'coming' ? '+' : '';
      const flags = moduleTaintLetters(m.taints) + st;
      return ` ${m.name}${flags ? `(${flags})` : ''}`;
    });
  const last = k.lastUnloaded ? ` [last unloaded: ${k.lastUnloaded.name}${k.lastUnloaded.taints ? `(${k.lastUnloaded.taints})` : ''}]` : '';
  return `Modules linked in:${mods.join('')}${last}`;
}

/**
 * page_fault_oops() → __die() → oops_end(): the record, TAINT_DIE, and the
 * task is killed. Returns the signal that killed it (SIGKILL).
 */
export function die(k: Kernel, oops: KernelOops): number {
  const { task, fault } = oops;
  const p = (level: number, text: string) => k.printk(level, text, 'page_fault_oops');
  const code = fault.access === 'write access' ? 0x2 : fault.access === 'instruction fetch' ? 0x10 : 0;
  p(KERN_ALERT, `BUG: unable to handle page fault for address: ${fault.address}`);
  p(KERN_ALERT, `#PF: supervisor ${fault.access} in kernel mode`);
  p(KERN_ALERT, `#PF: error_code(0x${code.toString(16).padStart(4, '0')}) - not-present page`);
  p(KERN_DEFAULT, `Oops: Oops: ${code.toString(16).padStart(4, '0')} [#${++k.dieCounter}] SMP NOPTI`);
  p(KERN_DEFAULT, `CPU: ${task.cpu} UID: 0 PID: ${task.pid} Comm: ${task.comm} ${printTainted(k.tainted)} ${KERNEL_RELEASE} #1 PREEMPT(voluntary)`);
  if (k.tainted) p(KERN_DEFAULT, printTaintedVerbose(k.tainted));
  p(KERN_DEFAULT, `Hardware name: ${HARDWARE_NAME}`);
  p(KERN_DEFAULT, `RIP: 0010:${symbolOffset(fault.rip)}`);
  p(KERN_DEFAULT, 'Call Trace:');
  p(KERN_DEFAULT, ' <TASK>');
  for (const fn of fault.trace) p(KERN_DEFAULT, ` ${symbolOffset(fn)}`);
  p(KERN_DEFAULT, ' </TASK>');
  p(KERN_DEFAULT, modulesLinkedIn(k));
  p(KERN_DEFAULT, `CR2: ${fault.address}`);
  p(KERN_WARNING, '---[ end trace 0000000000000000 ]---');
  // oops_end(): the kernel is now tainted D (lock debugging is already off: no second notice)
  k.addTaint(TAINT_DIE, true);
  // make_task_dead(): a fault on a kernel address is handled with interrupts off (do_kern_addr_fault()
  // never turns them on) and oops_end() restores them off, so every one of these faults is noted so.
  // Real 6.1 printed it after a cat of sysfs, an echo into sysfs and lsmod alike.
  k.printk(KERN_INFO, `note: ${task.comm}[${task.pid}] exited with irqs disabled`, 'make_task_dead');
  if (fault.atomic) k.printk(KERN_INFO, `note: ${task.comm}[${task.pid}] exited with preempt_count 1`, 'make_task_dead');
  if (task.kind !== 'idle' && task !== k.loginShell) k.exitTask(task);
  return 9;
}
