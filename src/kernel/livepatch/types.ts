/**
 * The livepatch core's structures (include/linux/livepatch.h), as the
 * simulator keeps them.
 */
import type { SnapshotFrom } from 'xstate';
import type { CodeRef } from '../world/code';
import type { FtraceOps } from '../world/ftrace';
import type { CallbackSpec } from '../catalog/types';
import type { KlpStateView } from '../catalog/api';
import type { patchMachine } from '../machines/patch.machine';
import type { registeredPatchMachine } from '../machines/registered-patch.machine';
import type { LoadedModule } from '../module/types';

/** A kobject as far as sysfs and the free path care. */
export interface Kobj {
  name: string;
  /** kobject_add() ran: the directory exists in sysfs */
  inSysfs: boolean;
  refcount: number;
}

export interface KlpFunc {
  oldName: string;
  /** the replacement's symbol in the patch module; null for a nop */
  newName: string | null;
  sympos: number;
  nop: boolean;
  /** func->old_func, resolved while the object is loaded */
  oldFunc: CodeRef | null;
  /** func->new_func: the patch module's function, or old_func for a nop */
  newFunc: CodeRef | null;
  patched: boolean;
  transition: boolean;
  kobj: Kobj;
  object: KlpObject;
}

export interface KlpObject {
  /** null for vmlinux */
  name: string | null;
  funcs: KlpFunc[];
  callbacks: CallbackSpec;
  /** callbacks.post_unpatch_enabled */
  postUnpatchEnabled: boolean;
  /** allocated by klp_add_nops() for a replace patch */
  dynamic: boolean;
  /** obj->mod: the loaded module, while bound */
  mod: LoadedModule | null;
  patched: boolean;
  kobj: Kobj;
  patch: KlpPatch;
}

export interface KlpPatch {
  /** patch->mod */
  mod: LoadedModule;
  objs: KlpObject[];
  states: KlpStateView[];
  /**
   * the patch's lifecycle machine (enabled, forced and replace live in it): since 5.1
   * patchMachine, before it registeredPatchMachine (the register/enable API)
   */
  machine: SnapshotFrom<typeof patchMachine> | SnapshotFrom<typeof registeredPatchMachine>;
  kobj: Kobj;
  /** on klp_patches */
  listed: boolean;
  /** free_work is queued and has not run yet */
  freeWorkPending: boolean;
}

/** struct klp_ops: one per patched function, holding the func_stack. */
export interface KlpOps {
  oldFunc: CodeRef;
  /** newest first: func_stack's head is what klp_ftrace_handler() looks at */
  funcStack: KlpFunc[];
  /** ops->fops: the ftrace_ops registered for it (unregistered with the last func) */
  fops: FtraceOps;
}
