/**
 * A module the loader knows about (struct module), from load_module() until
 * free_module().
 */
import type { SnapshotFrom } from 'xstate';
import type { moduleMachine } from '../machines/module.machine';
import type { ModuleSpec, ParamValue } from '../catalog/types';
import type { ModuleApi } from '../catalog/api';
import type { KlpPatch } from '../livepatch/types';
import type { Task } from '../world/tasks';
import type { KernelEvent } from '../world/events';
import type { SysfsAttr } from '../kernel';

export type ModuleStateName = 'unformed' | 'coming' | 'live' | 'going' | 'gone';

export interface ModuleWork {
  name: string;
  /** the kworker running it while it sleeps inside the work function */
  worker: Task | null;
  /** what the sleeping work function waits on, and what it does after (the module's code: see WorkResult) */
  blockedWhile: ((m: ModuleApi) => boolean) | null;
  then: ((m: ModuleApi) => void) | null;
  /** a timed sleep's end (virtual µs), when the work function sleeps in msleep() */
  wakesAt?: number;
}

export interface LoadedModule {
  name: string;
  spec: ModuleSpec;
  machine: SnapshotFrom<typeof moduleMachine>;
  params: Record<string, ParamValue>;
  /** mod->klp_alive: klp_module_coming() ran and klp_module_going() did not yet */
  klpAlive: boolean;
  /** the patch this livepatch module enabled, until it is freed */
  patch: KlpPatch | null;
  /** the module's static variables */
  data: Record<string, unknown>;
  works: Map<string, ModuleWork>;
  /** its delayed works whose timers are pending, by work function */
  timers: Map<string, KernelEvent>;
  procFiles: Set<string>;
  sysfsDirs: Map<string, Map<string, SysfsAttr>>;
  kprobes: Set<string>;
  /** load order, for lsmod (newest first) */
  loadSeq: number;
  /** where the module's memory starts, as an offset into the module area (moduleAddress() gives the address) */
  base: number;
  /** mod->taints: the TAINT_* bits add_taint_module() set (world/taint.ts) */
  taints: number;
}

export function moduleState(mod: LoadedModule): ModuleStateName {
  return mod.machine.value as ModuleStateName;
}

/**
 * module_refcount(). While its init runs (COMING) a module also holds the
 * reference module_unload_init() took "during initialization", which
 * do_init_module() drops when init returns: an init that never returns keeps
 * it, so rmmod says "in use" (Debian's 6.1: refcnt 1, lsmod "Used by" 1).
 */
export function moduleRefcnt(mod: LoadedModule): number {
  return mod.machine.context.refcnt + (moduleState(mod) === 'coming' ? 1 : 0);
}

/** What init memory a module holds until its init returns (Debian's 6.1, test_klp_callbacks_busy: 24576 in /proc/modules against coresize 16384). */
export const INIT_SIZE = 8192;

/** /sys/module/<mod>/initsize: the init sections, freed once init returned. */
export function moduleInitSize(mod: LoadedModule): number {
  return moduleState(mod) === 'coming' ? INIT_SIZE : 0;
}

/** MODULES_VADDR on x86_64: modules live in the top of the address space, from 0xffffffffc0000000. */
export const MODULES_VADDR = 0xffffffffc0000000n;

/** The kernel address `offset` bytes into the module's memory, as /proc/modules and an Oops print it (16 hex digits). */
export function moduleAddress(mod: { base: number }, offset = 0): string {
  return (MODULES_VADDR + BigInt(mod.base + offset)).toString(16);
}
