/**
 * What a module's code may call: the kernel API surface the catalogue's
 * entries use (printk of the catalogue's words, module parameters, klp_enable_patch(), klp_state,
 * workqueues, proc and sysfs files, kprobes, shadow variables).
 */
import type { ParamValue } from './types';
import type { Args, AutoArg, Word } from '../words';

/** struct klp_object as a callback sees it. */
export interface ObjectView {
  /** obj->name: null for vmlinux */
  name: string | null;
  /** obj->mod: set while the object's module is loaded */
  mod: { name: string; state: 'unformed' | 'coming' | 'live' | 'going' } | null;
}

/** struct klp_state */
export interface KlpStateView {
  id: number;
  version: number;
  data: unknown;
}

/**
 * A work function either finishes, or keeps looping in a sleep (msleep) while
 * a condition holds, like busymod_work_func with block_transition set.
 * The condition and what follows are functions of the module's API, not
 * closures over it: the kernel keeps them while the work sleeps, and a copy
 * of the kernel (a checkpoint) must not reach back into the original.
 */
export type WorkResult = void | {
  /** the innermost frames while it sleeps, after the work function itself */
  sleepsIn: string[];
  while: (m: ModuleApi) => boolean;
  /** what runs once the condition no longer holds */
  then: (m: ModuleApi) => void;
  /** a timed sleep (msleep(N)): it wakes by itself this many microseconds later */
  wakesAfter?: number;
};

export type WorkFn = (m: ModuleApi) => WorkResult;

/**
 * A module_init that sleeps for good: wait_for_completion() on a completion
 * nothing will complete. `sleepsIn` are the frames below the init function,
 * innermost last (the scheduler's, which /proc/<pid>/stack leaves out).
 */
export interface InitSleeps {
  /** the call the init sleeps in, as its source names it */
  waitsIn: string;
  sleepsIn: string[];
}

export type ShadowCtor = (obj: number, shadowData: number, ctorData: number) => number;
export type ShadowDtor = (obj: number, shadowData: number) => void;

export interface ShadowApi {
  get(obj: number, id: number): number;
  alloc(obj: number, id: number, size: number, ctor: ShadowCtor | null, ctorData: number): number;
  getOrAlloc(obj: number, id: number, size: number, ctor: ShadowCtor | null, ctorData: number): number;
  free(obj: number, id: number, dtor: ShadowDtor | null): void;
  freeAll(id: number, dtor: ShadowDtor | null): void;
}

export interface ModuleApi {
  readonly name: string;
  /** Prints one of the module's own entries of the words catalogue, its name as the pr_fmt prefix. */
  say<A extends string>(w: Word<A>, ...args: [Exclude<A, AutoArg>] extends [never] ? [args?: Args<A>] : [args: Args<A>]): void;
  param(name: string): ParamValue;
  /** the module's own write of a parameter variable */
  set_param(name: string, value: ParamValue): void;
  /** The module's static variables. */
  readonly data: Record<string, unknown>;
  /** klp_enable_patch(&patch) with this module's patch (before 5.1: of the patch it registered) */
  klp_enable_patch(): number;
  /** 4.12–5.0: klp_register_patch(&patch) */
  klp_register_patch(): number;
  /** 4.12–5.0: klp_unregister_patch(&patch) */
  klp_unregister_patch(): number;
  /** the livepatch API of the release the module was built for (its source differs by it) */
  readonly registerApi: boolean;
  klp_get_state(id: number): KlpStateView | null;
  klp_get_prev_state(id: number): KlpStateView | null;
  /** schedule_work(): runs fn on a kworker */
  schedule_work(name: string, fn: WorkFn): void;
  /** schedule_delayed_work(): runs fn on a kworker once `delay` jiffies have passed */
  schedule_delayed_work(name: string, delay: number, fn: WorkFn): void;
  /** cancel_delayed_work_sync(): the work will not run; one running now is waited for */
  cancel_delayed_work_sync(name: string): void;
  /** flush_work(): waits until the work is done */
  flush_work(name: string): void;
  /** proc_create_single(): /proc/<name> shows the output of this module's function */
  proc_create(name: string, showFunction: string): number;
  proc_remove(name: string): void;
  /** a read-only attribute in a kobject under /sys/kernel */
  /** `show` reads through the API it is given (a function of it, not a closure: see WorkResult) */
  sysfs_create(dir: string, attr: string, show: (m: ModuleApi) => string): number;
  sysfs_remove(dir: string): void;
  /** register_kprobe() on a vmlinux function; a post handler needs IPMODIFY */
  register_kprobe(symbol: string, postHandler: boolean): number;
  unregister_kprobe(symbol: string): void;
  readonly shadow: ShadowApi;
  /** a fresh kernel address: kmalloc(), or a stack slot, or a function's address */
  address(kind: 'heap' | 'stack' | 'text'): number;
  /** kzalloc() and kfree() of module data whose lifetime the views follow */
  kzalloc(): number;
  kfree(addr: number): void;
  /**
   * A call of one of this module's own functions by its code: it enters
   * through ftrace like any call, so a livepatch may redirect it. Returns
   * what the function that ran returned (a pointer, a bool as 0/1).
   */
  call(fn: string, ...args: number[]): number;
  /** jiffies, now */
  jiffies(): number;
  /** how printk prints a pointer with %p (hashed) */
  p(addr: number): string;
  /** read and write one pointer-sized word of kernel memory */
  peek(addr: number): number;
  poke(addr: number, value: number): void;
}
