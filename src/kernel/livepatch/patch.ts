/**
 * kernel/livepatch/patch.c: putting a func on its function's func_stack
 * (registering the ftrace handler the first time), taking it off, and
 * klp_ftrace_handler() choosing which code a call runs (resolveCall(): what
 * every call in the simulation asks).
 */
import { fentry } from '../world/fgraph';
import type { Kernel } from '../kernel';
import { codeKey, type CodeRef } from '../world/code';
import { EINVAL } from '../world/errno';
import { LIVEPATCH_PATCH, say } from '../words';
import type { FtraceOps } from '../world/ftrace';
import { KLP_TRANSITION_UNPATCHED } from '../machines/transition.machine';
import type { KlpFunc, KlpObject, KlpOps, KlpPatch } from './types';
import type { Task } from '../world/tasks';
import { FUNC_OFFSET, patchFreed } from './freed';
import { KernelOops } from '../world/oops';
import { moduleAddress } from '../module/types';

export function klp_find_ops(k: Kernel, oldFunc: CodeRef): KlpOps | undefined {
  return k.klp.ops.get(codeKey(oldFunc));
}

/** klp_patch_func(): push func on the stack; the first one registers ftrace. */
function klp_patch_func(k: Kernel, func: KlpFunc): number {
  if (!func.oldFunc) return -EINVAL;
  let ops = klp_find_ops(k, func.oldFunc);
  if (!ops) {
    const fops: FtraceOps = {
      owner: 'livepatch',
      funcs: new Set([codeKey(func.oldFunc)]),
      ipmodify: true,
      permanent: true,
    };
    const ret = k.ftrace.register(fops);
    if (ret) {
      say(k, LIVEPATCH_PATCH.registerFailed, { function: func.oldName, ret });
      return ret;
    }
    ops = { oldFunc: func.oldFunc, funcStack: [func], fops };
    k.klp.ops.set(codeKey(func.oldFunc), ops);
  } else {
    ops.funcStack.unshift(func);
  }
  func.patched = true;
  return 0;
}

/** klp_unpatch_func(): pop func; the last one unregisters the ftrace handler. */
function klp_unpatch_func(k: Kernel, func: KlpFunc): void {
  const ops = func.oldFunc && klp_find_ops(k, func.oldFunc);
  if (!ops) return;
  const i = ops.funcStack.indexOf(func);
  if (i >= 0) ops.funcStack.splice(i, 1);
  if (ops.funcStack.length === 0) {
    k.ftrace.unregister(ops.fops);
    k.klp.ops.delete(codeKey(ops.oldFunc));
  }
  func.patched = false;
}

function __klp_unpatch_object(k: Kernel, obj: KlpObject, nopsOnly: boolean): void {
  for (const func of obj.funcs) {
    if (nopsOnly && !func.nop) continue;
    if (func.patched) klp_unpatch_func(k, func);
  }
  if (obj.dynamic || !nopsOnly) obj.patched = false;
}

export function klp_unpatch_object(k: Kernel, obj: KlpObject): void {
  __klp_unpatch_object(k, obj, false);
}

/** klp_patch_object(): every func of the object, or none of them. */
export function klp_patch_object(k: Kernel, obj: KlpObject): number {
  using _ = fentry(k, 'klp_patch_object');
  if (obj.patched) return -EINVAL;
  for (const func of obj.funcs) {
    const ret = klp_patch_func(k, func);
    if (ret) {
      klp_unpatch_object(k, obj);
      return ret;
    }
  }
  obj.patched = true;
  return 0;
}

export function klp_unpatch_objects(k: Kernel, patch: KlpPatch): void {
  using _ = fentry(k, 'klp_unpatch_objects');
  for (const obj of patch.objs) if (obj.patched) __klp_unpatch_object(k, obj, false);
}

export function klp_unpatch_objects_dynamic(k: Kernel, patch: KlpPatch): void {
  for (const obj of patch.objs) if (obj.patched) __klp_unpatch_object(k, obj, true);
}

/**
 * klp_ftrace_handler(): the code a call of `code` runs for `task`. The newest
 * func on the stack wins, unless it is in transition and the task is still
 * unpatched: then the one below it (or the original). A nop means the
 * original.
 */
export function klp_ftrace_handler(k: Kernel, task: Task, code: CodeRef): CodeRef {
  const ops = k.klp.ops.get(codeKey(code));
  if (!ops) return code;
  let func = ops.funcStack[0];
  if (!func) return code;
  if (func.transition && task.patchState === KLP_TRANSITION_UNPATCHED && k.mutant !== 'handler-ignores-universe') {
    func = ops.funcStack[1];
    if (!func) return code;
  }
  if (func.nop || !func.newFunc) return code;
  return func.newFunc;
}

/**
 * What a call of `code` by `task` runs, as klp_ftrace_handler() decides.
 * The handler reads the klp_func on top of the func_stack (and the one below
 * it for a task not yet switched): if rmmod -f freed it, the call Oopses.
 * `below` is the call trace under `code`, innermost first (by default the
 * task's own calls).
 */
export function resolveCall(k: Kernel, task: Task, code: CodeRef, below?: readonly string[]): CodeRef {
  const ops = klp_find_ops(k, code);
  const top = ops?.funcStack[0];
  const read = top && top.transition && task.patchState === KLP_TRANSITION_UNPATCHED ? [top, ops.funcStack[1]] : [top];
  const freed = read.find((f) => f && patchFreed(f.object.patch));
  if (freed) {
    const under = below ?? [...task.calls].reverse().map((c) => c.fn).filter((fn, i) => i > 0 || fn !== code.fn);
    throw new KernelOops(task, {
      address: moduleAddress(freed.object.patch.mod, FUNC_OFFSET),
      access: 'read access',
      rip: 'klp_ftrace_handler',
      trace: [code.fn, ...under],
      atomic: true,
    });
  }
  const ran = klp_ftrace_handler(k, task, code);
  k.klpObserver?.({ type: 'call', task, code, ran });
  return ran;
}

