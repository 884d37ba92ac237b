/**
 * The composition root: a Kernel with the rules it runs by. kernel.ts is a
 * leaf of the engine's imports (the machine: time, events, tasks, the log,
 * the livepatch core's globals); the kernel code lives in livepatch/,
 * module/ and world/, and takes the Kernel as its first argument. The few
 * places where the machine itself must call that code (KernelRules) are
 * wired here, the one file that knows both sides.
 */
import { graphCall } from './world/fgraph';
import { Kernel, type KernelRules } from './kernel';
import type { KernelConfig } from './config';
import { sameCode, VMLINUX } from './world/code';
import { BUILTINS } from './world/builtins';
import { HungTaskDetector } from './world/hung-task';
import { KernelOops, die } from './world/oops';
import { PATHS } from './livepatch/freed';
import { ShadowTable } from './livepatch/shadow';
import { resolveCall } from './livepatch/patch';
import { klp_copy_process } from './livepatch/task-switch';
import { moduleApi } from './module/api';

/**
 * The rules of the kernel the engine models (what differs between releases
 * is the Kernel's profile). Frozen: a forked machine shares them (session/fork.ts).
 */
export const LINUX_RULES: Readonly<KernelRules> = Object.freeze<KernelRules>({
  copyProcess: klp_copy_process,
  eventThrew(k, e) {
    if (!(e instanceof KernelOops)) throw e;
    die(k, e);
  },
  callFunction(k, task, code, caller, args) {
    k.ftrace.recordCall(task, code, caller);
    // A /proc file read by a command: the read system call is what lies under the call.
    const target = resolveCall(k, task, code, caller === 'seq_read_iter' && task.calls.length === 0 ? PATHS.procRead : undefined);
    if (!sameCode(target, code)) k.ftrace.recordCall(task, target, caller);
    if (k.fgraph) graphCall(k, code.fn, sameCode(target, code) ? null : target.fn);
    if (target.obj === VMLINUX) return Object.hasOwn(BUILTINS, target.fn) ? BUILTINS[target.fn]!(k, task) : undefined;
    const mod = k.modules.get(target.obj);
    const impl = mod?.spec.functions && Object.hasOwn(mod.spec.functions, target.fn) ? mod.spec.functions[target.fn] : undefined;
    return mod && impl ? impl(moduleApi(k, mod), { pid: task.pid, args }) : undefined;
  },
  hungTaskDetector: (k) => new HungTaskDetector(k),
  shadowTable: () => new ShadowTable(),
});

/** A freshly booted machine of `config` (DEFAULT_CONFIG for what it leaves out). */
export function bootKernel(config: Partial<KernelConfig> = {}): Kernel {
  return new Kernel(LINUX_RULES, config);
}
