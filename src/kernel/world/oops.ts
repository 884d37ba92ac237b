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
import { utsArgs } from './uts';
import { KERN_DEFAULT } from './log';
import { symbolOffset } from './code';
import { moduleTaintLetters, printTainted, printTaintedVerbose, TAINT_DIE } from './taint';
import { moduleState } from '../module/types';
import type { Task } from './tasks';
import { showTraceLogLvl } from './show-trace';
import { DUMP_STACK, EXIT, MODULE_MAIN, PANIC, X86_DUMPSTACK, X86_FAULT, say } from '../words';

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

/** print_modules(): the loaded modules, newest first, with their taints, then the last one unloaded: one record. */
function printModules(k: Kernel): void {
  say(k, MODULE_MAIN.modulesLinkedIn);
  const mods = [...k.modules.values()]
    .filter((m) => moduleState(m) !== 'unformed' && moduleState(m) !== 'gone')
    .sort((a, b) => b.loadSeq - a.loadSeq);
  for (const m of mods) {
    // module_flags(mod, buf, true)
    const st = moduleState(m) === 'going' ? '-' : moduleState(m) === 'coming' ? '+' : '';
    const flags = moduleTaintLetters(m.taints) + st;
    say(k, MODULE_MAIN.linkedModule, { module: m.name, flags: flags ? `(${flags})` : '' });
  }
  const last = k.lastUnloaded;
  if (last) say(k, MODULE_MAIN.lastUnloaded, { module: last.name, taints: last.taints ? `(${last.taints})` : '' });
  say(k, MODULE_MAIN.modulesEnd);
}

/**
 * page_fault_oops() → __die() → oops_end(): the record, TAINT_DIE, and the
 * task is killed. Returns the signal that killed it (SIGKILL).
 */
export function die(k: Kernel, oops: KernelOops): number {
  const { task, fault } = oops;
  const code = fault.access === 'write access' ? 0x2 : fault.access === 'instruction fetch' ? 0x10 : 0;
  const lvl = { logLvl: KERN_DEFAULT };
  // show_fault_oops()
  say(k, X86_FAULT.unableToHandle, { address: fault.address });
  say(k, X86_FAULT.access, { privilege: 'supervisor', access: fault.access, mode: 'kernel' });
  say(k, X86_FAULT.errorCode, { error_code: code, reason: 'not-present page' });
  // __die(): __die_header(), then show_regs(): dump_stack_print_info(), show_ip(), the stack
  say(k, X86_DUMPSTACK.oops, { str: 'Oops', err: code, die_counter: ++k.dieCounter, smp: ' SMP', pagealloc: '', kasan: '', pti: ' NOPTI' });
  say(k, DUMP_STACK.cpu, { cpu: task.cpu, uid: 0, pid: task.pid, comm: task.comm, kdump: '', tainted: printTainted(k.tainted), ...utsArgs(k), preempt_model: 'PREEMPT(voluntary)', build_id: '' }, lvl);
  if (k.tainted) say(k, DUMP_STACK.tainted, { tainted_verbose: printTaintedVerbose(k.tainted) }, lvl);
  say(k, DUMP_STACK.hardware, { arch_desc: HARDWARE_NAME }, lvl);
  say(k, X86_DUMPSTACK.rip, { cs: 0x10, ip: symbolOffset(fault.rip) }, lvl);
  showTraceLogLvl(k, fault.trace.map(symbolOffset), KERN_DEFAULT);
  printModules(k);
  say(k, X86_FAULT.cr2, { address: BigInt(`0x${fault.address}`) });
  // oops_end() → oops_exit(): the end marker; the kernel is now tainted D (lock debugging is already off: no second notice)
  say(k, PANIC.endTrace, { id: 0 });
  k.addTaint(TAINT_DIE, true);
  // make_task_dead(): a fault on a kernel address is handled with interrupts off (do_kern_addr_fault()
  // never turns them on) and oops_end() restores them off, so every one of these faults is noted so.
  // Real 6.1 printed it after a cat of sysfs, an echo into sysfs and lsmod alike.
  say(k, EXIT.irqsDisabled, { comm: task.comm, pid: task.pid });
  if (fault.atomic) say(k, EXIT.preemptCount, { comm: task.comm, pid: task.pid, count: 1 });
  if (task.kind !== 'idle' && task !== k.loginShell) k.exitTask(task);
  return 9;
}
