/**
 * kernel/livepatch/core.c: klp_enable_patch() and everything around it,
 * the sysfs stores, the free path, atomic replace's nops, and the module
 * loader hooks klp_module_coming() / klp_module_going(). The patch machine
 * holds the lifecycle rules; these functions are its actions and the code
 * between its events.
 */
import { initialTransition, type SnapshotFrom } from 'xstate';
import type { Kernel } from '../kernel';
import { WAKE_LATENCY } from '../world/timing';
import { runWork } from '../world/workqueue';
import { drive, type ActionImpls } from '../world/drive';
import { VMLINUX } from '../world/code';
import { EINVAL, ENOENT } from '../world/errno';
import { kstrtobool } from '../world/kstrtox';
import { LIVEPATCH_CORE as W, say } from '../words';
import { patchEnabled, patchMachine, type PatchEvent } from '../machines/patch.machine';
import { KLP_TRANSITION_PATCHED, KLP_TRANSITION_UNPATCHED } from '../machines/transition.machine';
import type { LoadedModule } from '../module/types';
import { moduleSend } from '../module/loader';
import type { KlpFunc, KlpObject, KlpPatch, Kobj } from './types';
import { klp_patch_object, klp_unpatch_object, klp_unpatch_objects, klp_unpatch_objects_dynamic } from './patch';
import {
  klp_cancel_transition,
  klp_force_transition,
  klp_init_transition,
  klp_reverse_transition,
  klp_start_transition,
  klp_try_complete_transition,
} from './transition';
import {
  klp_is_object_loaded,
  klp_post_patch_callback,
  klp_post_unpatch_callback,
  klp_pre_patch_callback,
  klp_pre_unpatch_callback,
} from './callbacks';
import { klp_is_patch_compatible } from './state';
import { PATHS, touchPatch } from './freed';
import { fcall, fentry } from '../world/fgraph';

const MODULE_NAME_LEN = 56;
const KSYM_NAME_LEN = 512;

const objName = (obj: KlpObject) => obj.name ?? VMLINUX;
const kobj = (name: string): Kobj => ({ name, inSysfs: false, refcount: 0 });

/**
 * The actions both APIs' patch machines name for the same kernel code:
 * __klp_enable_patch()'s and __klp_disable_patch()'s steps and the
 * transition calls.
 */
export function sharedPatchActions(k: Kernel, patch: KlpPatch): ActionImpls {
  const name = patch.mod.name;
  return {
    pr_err_not_livepatch_module: () => say(k, W.notLivepatchModule, { patch: name }),
    pr_notice_enabling: () => say(k, W.enablingPatch, { patch: name }),
    klp_init_transition_patched: () => klp_init_transition(k, patch, KLP_TRANSITION_PATCHED),
    pr_warn_object_failed: (p) => say(k, p.stage === 'pre_patch' ? W.prePatchFailed : W.patchObjectFailed, { object: String(p.object) }),
    pr_warn_failed_to_enable: () => say(k, W.enableFailed, { patch: name }),
    klp_cancel_transition: () => klp_cancel_transition(k),
    klp_start_transition: () => klp_start_transition(k),
    klp_try_complete_transition: () => klp_try_complete_transition(k),
    klp_reverse_transition: () => klp_reverse_transition(k),
    klp_force_transition: () => klp_force_transition(k),
    klp_init_transition_unpatched: () => {
      klp_init_transition(k, patch, KLP_TRANSITION_UNPATCHED);
      for (const obj of patch.objs) if (obj.patched) klp_pre_unpatch_callback(k, obj);
    },
    module_put: () => klpModulePut(k, patch),
    markForced: () => {},
  };
}

/** Sends an event to a patch's machine and runs what it decides. Returns the errno. */
export function patchSend(k: Kernel, patch: KlpPatch, event: PatchEvent): number {
  const name = patch.mod.name;
  return drive(
    patchMachine,
    () => patch.machine as SnapshotFrom<typeof patchMachine>,
    (s) => (patch.machine = s),
    event,
    {
      ...sharedPatchActions(k, patch),
      warn_unreliable_stack: () => {
        if (k.config.reliableStacks) return;
        say(k, W.noConsistencyModel);
        say(k, W.mayNeverComplete);
      },
      pr_err_incompatible: () => say(k, W.incompatible, { patch: name }),
      klp_init_patch_early: () => klp_init_patch_early(k, patch),
      free_patch_sync: () => {
        klp_free_patch_start(k, patch);
        klp_free_patch_finish(k, patch);
      },
      klp_free_patch_async: () => klp_free_patch_async(k, patch),
      klp_free_replaced_patches_async: () => {
        for (const old of [...k.klp.patches]) {
          if (old === patch) break;
          patchSend(k, old, { type: 'free.async' });
        }
      },
      klp_unpatch_objects: () => klp_unpatch_objects(k, patch),
      kobject_put_patch: () => {
        kobjectPutPatch(k, patch);
        fcall(k, 'wait_for_completion'); // klp_kobj_release_patch() completed patch->finish
      },
    },
  );
}

/** The struct klp_patch a module's init passes in: its static objects and funcs. */
export function newPatch(mod: LoadedModule, machine?: KlpPatch['machine']): KlpPatch {
  const spec = mod.spec.patch!;
  const replace =
    typeof spec.replace === 'boolean' ? spec.replace : Boolean(mod.params[spec.replace.param]);
  const patch: KlpPatch = {
    mod,
    objs: [],
    states: (spec.states ?? []).map((s) => ({ id: s.id, version: s.version, data: null })),
    machine: machine ?? initialTransition(patchMachine, { name: mod.name, replace })[0],
    kobj: kobj(mod.name),
    listed: false,
    freeWorkPending: false,
  };
  for (const o of spec.objects) {
    const obj = newObject(patch, o.name, false);
    obj.callbacks = o.callbacks ?? {};
    for (const f of o.funcs) obj.funcs.push(newFunc(obj, f.old, f.new, f.sympos ?? 0, false));
  }
  return patch;
}

function newObject(patch: KlpPatch, name: string | null, dynamic: boolean): KlpObject {
  const obj: KlpObject = {
    name,
    funcs: [],
    callbacks: {},
    postUnpatchEnabled: false,
    dynamic,
    mod: null,
    patched: false,
    kobj: kobj(name ?? VMLINUX),
    patch,
  };
  patch.objs.push(obj);
  return obj;
}

function newFunc(obj: KlpObject, oldName: string, newName: string | null, sympos: number, nop: boolean): KlpFunc {
  return {
    oldName,
    newName,
    sympos,
    nop,
    oldFunc: null,
    newFunc: null,
    patched: false,
    transition: false,
    kobj: kobj(`${oldName},${sympos || 1}`),
    object: obj,
  };
}

/**
 * klp_enable_patch(), called from the livepatch module's init. Returns 0
 * once the transition has started (not when it is complete), or -errno with
 * everything undone.
 */
export function klp_enable_patch(k: Kernel, mod: LoadedModule): number {
  using _ = fentry(k, 'klp_enable_patch');
  const spec = mod.spec.patch;
  if (!spec) return -EINVAL;
  const patch = newPatch(mod);
  let ret = patchSend(k, patch, {
    type: 'klp_enable_patch',
    malformed: spec.objects.length === 0,
    livepatchModule: mod.spec.livepatch,
    initialized: k.klp.initialized,
  });
  if (ret) return ret;
  // mutex_lock(&klp_mutex)
  const compatible = klp_is_patch_compatible(k, patch);
  // 5.1–5.16 took the reference in klp_init_patch_early(), since 5.17 just before it (the same count either way)
  const moduleGet = compatible && tryModuleGet(k, mod, k.profile.moduleRefInInitEarly) === 0;
  ret = patchSend(k, patch, { type: 'klp_enable_patch.locked', compatible, moduleGet });
  if (ret) return ret;
  if (!k.profile.moduleRefInInitEarly) fcall(k, 'klp_init_patch_early');
  k.klp.all.push(patch);
  mod.patch = patch;
  ret = klp_init_patch(k, patch);
  ret = patchSend(k, patch, ret ? { type: 'klp_init_patch.failed', errno: ret } : { type: 'klp_init_patch.done' });
  if (ret) return ret;
  using __ = fentry(k, '__klp_enable_patch');
  ret = patchSend(k, patch, { type: '__klp_enable_patch', transitionBusy: k.transitionRunning() });
  if (ret) return ret;
  for (const obj of patch.objs) {
    if (!klp_is_object_loaded(obj)) continue;
    let err = klp_pre_patch_callback(k, obj);
    if (err) return patchSend(k, patch, { type: 'object.failed', errno: err, object: objName(obj), stage: 'pre_patch' });
    err = klp_patch_object(k, obj);
    if (err) return patchSend(k, patch, { type: 'object.failed', errno: err, object: objName(obj), stage: 'patch' });
  }
  return patchSend(k, patch, { type: 'objects.patched' });
}

/** klp_init_patch_early(): kobjects initialised, not yet in sysfs. */
function klp_init_patch_early(_k: Kernel, patch: KlpPatch): void {
  patch.kobj.refcount = 1;
  for (const obj of patch.objs) {
    obj.kobj.refcount = 1;
    for (const f of obj.funcs) f.kobj.refcount = 1;
  }
}

/** klp_init_patch(): sysfs, nops for a replace patch, objects; then onto klp_patches. */
export function klp_init_patch(k: Kernel, patch: KlpPatch): number {
  using _ = fentry(k, 'klp_init_patch');
  patch.kobj.inSysfs = true;
  if (patch.machine.context.replace) klp_add_nops(k, patch);
  for (const obj of patch.objs) {
    const ret = klp_init_object(k, patch, obj);
    if (ret) return ret;
  }
  k.klp.patches.push(patch);
  patch.listed = true;
  return 0;
}

/** klp_add_nops(): a nop for every func an active patch has and this one lacks. */
function klp_add_nops(k: Kernel, patch: KlpPatch): void {
  for (const old of k.klp.patches) {
    for (const oldObj of old.objs) {
      let obj = patch.objs.find((o) => o.name === oldObj.name);
      if (!obj) {
        obj = newObject(patch, oldObj.name, true);
        obj.kobj.refcount = 1;
      }
      for (const oldFunc of oldObj.funcs) {
        if (obj.funcs.some((f) => f.oldName === oldFunc.oldName && f.sympos === oldFunc.sympos)) continue;
        const nop = newFunc(obj, oldFunc.oldName, null, oldFunc.sympos, true);
        nop.kobj.refcount = 1;
        obj.funcs.push(nop);
      }
    }
  }
}

/** klp_find_object_module(): bind a module object only to a module klp_alive. */
function klp_find_object_module(k: Kernel, obj: KlpObject): void {
  if (obj.name === null) return;
  const mod = k.modules.get(obj.name);
  if (mod && mod.klpAlive) obj.mod = mod;
}

function klp_init_object(k: Kernel, patch: KlpPatch, obj: KlpObject): number {
  if (obj.name !== null && obj.name.length >= MODULE_NAME_LEN) return -EINVAL;
  obj.patched = false;
  obj.mod = null;
  klp_find_object_module(k, obj);
  obj.kobj.inSysfs = true;
  for (const func of obj.funcs) {
    if (!func.nop && !func.newName) return -EINVAL;
    if (func.oldName.length >= KSYM_NAME_LEN) return -EINVAL;
    func.patched = false;
    func.transition = false;
    func.kobj.inSysfs = true;
  }
  return klp_is_object_loaded(obj) ? klp_init_object_loaded(k, patch, obj) : 0;
}

/** klp_find_object_symbol(): the symbol must exist, be unique or at sympos. */
function klp_find_object_symbol(k: Kernel, objname: string | null, name: string, sympos: number): number {
  const count = k.symbolCount(objname ?? VMLINUX, name);
  const where = objname ?? VMLINUX;
  if (count === 0) say(k, W.symbolNotFound, { symbol: name });
  // objname is passed as is: vsnprintf() prints a NULL (vmlinux) as "(null)"
  else if (count > 1 && sympos === 0) say(k, W.symbolAmbiguous, { symbol: name, object: objname ?? '(null)' });
  else if (sympos > 0 && sympos !== Math.min(count, sympos)) say(k, W.symbolPositionNotFound, { sympos, symbol: name, object: where });
  else return 0;
  return -EINVAL;
}

/** klp_init_object_loaded(): resolve old and new functions once the object's code exists. */
export function klp_init_object_loaded(k: Kernel, patch: KlpPatch, obj: KlpObject): number {
  for (const func of obj.funcs) {
    const ret = klp_find_object_symbol(k, obj.name, func.oldName, func.sympos);
    if (ret) return ret;
    func.oldFunc = { obj: objName(obj), fn: func.oldName };
    if (func.nop) {
      func.newFunc = func.oldFunc;
    } else {
      if (k.symbolCount(patch.mod.name, func.newName!) === 0) {
        say(k, W.sizeLookupFailed, { symbol: func.oldName });
        return -ENOENT;
      }
      func.newFunc = { obj: patch.mod.name, fn: func.newName! };
    }
  }
  return 0;
}

/** klp_free_patch_start(): what is safe under klp_mutex: off the list, objects and funcs put. */
export function klp_free_patch_start(k: Kernel, patch: KlpPatch): void {
  using _ = fentry(k, 'klp_free_patch_start');
  freePatchStart(k, patch);
}

/** klp_free_patch_start()'s work, which 4.19's klp_free_patch() does inline. */
export function freePatchStart(k: Kernel, patch: KlpPatch): void {
  if (patch.listed) {
    k.klp.patches.splice(k.klp.patches.indexOf(patch), 1);
    patch.listed = false;
  }
  freeObjects(patch, false);
}

function freeObjects(patch: KlpPatch, nopsOnly: boolean): void {
  for (const obj of [...patch.objs]) {
    for (const func of [...obj.funcs]) {
      if (nopsOnly && !func.nop) continue;
      obj.funcs.splice(obj.funcs.indexOf(func), 1);
      kobjectPut(func.kobj);
    }
    if (nopsOnly && !obj.dynamic) continue;
    patch.objs.splice(patch.objs.indexOf(obj), 1);
    kobjectPut(obj.kobj);
  }
}

function kobjectPut(o: Kobj): void {
  o.refcount = Math.max(0, o.refcount - 1);
  if (o.refcount === 0) o.inSysfs = false;
}

/** kobject_put(&patch->kobj): the directory goes; its release completes patch->finish. */
export function kobjectPutPatch(k: Kernel, patch: KlpPatch): void {
  using _ = fentry(k, 'kobject_put');
  k.klpObserver?.({ type: 'kobject_put', patch });
  kobjectPut(patch.kobj);
  // the last reference: the release function runs (and the directory goes)
  if (patch.kobj.refcount === 0) fcall(k, 'klp_kobj_release_patch');
  k.klp.all.splice(k.klp.all.indexOf(patch), 1);
  if (patch.mod.patch === patch) patch.mod.patch = null;
  patch.freeWorkPending = false;
}

/** module_put(patch->mod): "after the last access to struct klp_patch" */
export function klpModulePut(k: Kernel, patch: KlpPatch): void {
  using _ = fentry(k, 'module_put');
  k.klpObserver?.({ type: 'module_put', patch });
  moduleSend(k, patch.mod, { type: 'module_put' });
}

/** klp_free_patch_finish(): outside klp_mutex; module_put() unless forced. */
function klp_free_patch_finish(k: Kernel, patch: KlpPatch): void {
  using _ = fentry(k, 'klp_free_patch_finish');
  kobjectPutPatch(k, patch);
  fcall(k, 'wait_for_completion');
  if (!patch.machine.context.forced) klpModulePut(k, patch);
}

/**
 * klp_free_patch_async(): the sysfs write that disabled the patch holds an
 * active reference on a file of the directory kobject_put() would remove,
 * and klp_mutex; the final put runs from free_work on the system workqueue.
 */
function klp_free_patch_async(k: Kernel, patch: KlpPatch): void {
  using _ = fentry(k, 'klp_free_patch_async');
  klp_free_patch_start(k, patch);
  if (k.mutant === 'free-in-store') return void patchSend(k, patch, { type: 'free_work' });
  patch.freeWorkPending = true;
  fcall(k, 'schedule_work');
  const cpu = k.current?.cpu ?? 0;
  k.schedule(WAKE_LATENCY, 'work', `klp_free_patch_work_fn: ${patch.mod.name}`, klp_free_patch_work_fn, patch, cpu);
}

function klp_free_patch_work_fn(k: Kernel, patch: KlpPatch, cpu: number): void {
  runWork(k, cpu, 'klp_free_patch_work_fn', () => {
    using _ = fentry(k, 'klp_free_patch_work_fn');
    touchPatch(k, patch, 'klp_free_patch_work_fn', PATHS.worker);
    // the machine's free_work is klp_free_patch_finish(): kobject_put(), wait_for_completion(), module_put()
    using __ = fentry(k, 'klp_free_patch_finish');
    patchSend(k, patch, { type: 'free_work' });
    if (k.mutant === 'forced-module-put' && patch.machine.context.forced) klpModulePut(k, patch);
  });
}

/** klp_unpatch_replaced_patches(): every older patch is disabled silently. */
export function klp_unpatch_replaced_patches(k: Kernel, newPatch: KlpPatch): void {
  for (const old of [...k.klp.patches]) {
    if (old === newPatch) return;
    patchSend(k, old, { type: 'replaced' });
  }
}

/** klp_discard_nops(): the nops leave the func_stacks and are freed. */
export function klp_discard_nops(k: Kernel, patch: KlpPatch): void {
  klp_unpatch_objects_dynamic(k, patch);
  freeObjects(patch, true);
}

// --- sysfs stores -------------------------------------------------------------

/** enabled_store() */
export function enabled_store(k: Kernel, patch: KlpPatch, buf: string): number {
  using _ = fentry(k, 'enabled_store');
  const value = kstrtobool(buf);
  if (value === null) return -EINVAL;
  const transition = k.klpTransitionPatch();
  // what the store calls when it is not reversing a transition: the graph's only reading of the state
  using __ = !value && transition !== patch && patchEnabled(String(patch.machine.value)) ? fentry(k, '__klp_disable_patch') : null;
  return patchSend(k, patch, { type: 'sysfs.enabled', value, transitionBusy: transition !== null && transition !== patch });
}

/** force_store() */
export function force_store(k: Kernel, patch: KlpPatch, buf: string): number {
  using _ = fentry(k, 'force_store');
  const value = kstrtobool(buf);
  if (value === null) return -EINVAL;
  if (!value) return 0;
  return patchSend(k, patch, { type: 'sysfs.force' });
}

/** stack_order_show(): the 1-based position on klp_patches. */
export function stackOrder(k: Kernel, patch: KlpPatch): number {
  const i = k.klp.patches.indexOf(patch);
  return i < 0 ? k.klp.patches.length : i + 1;
}

// --- modules coming and going -------------------------------------------------------------

/**
 * klp_cleanup_module_patches_limited(): revert the module's object in every
 * patch before `limit` (all when null), as the module is going away.
 */
function klp_cleanup_module_patches_limited(k: Kernel, mod: LoadedModule, limit: KlpPatch | null): void {
  for (const patch of [...k.klp.patches]) {
    if (patch === limit) break;
    touchPatch(k, patch, 'klp_cleanup_module_patches_limited', ['klp_module_going', ...PATHS.deleteModule]);
    const obj = patch.objs.find((o) => o.name === mod.name);
    if (!obj) continue;
    if (patchActive(k, patch)) {
      if (patch !== k.klpTransitionPatch()) klp_pre_unpatch_callback(k, obj);
      say(k, W.revertingOnUnload, { patch: patch.mod.name, module: mod.name });
      klp_unpatch_object(k, obj);
      klp_post_unpatch_callback(k, obj);
    }
    // klp_free_object_loaded()
    obj.mod = null;
    for (const f of obj.funcs) {
      f.oldFunc = null;
      if (f.nop) f.newFunc = null;
    }
  }
}

/**
 * klp_module_coming(): called by the module loader while the module is
 * COMING, before its init runs. Every active patch with an object for it
 * patches it now; a failure refuses the load.
 */
export function klp_module_coming(k: Kernel, mod: LoadedModule): number {
  if (mod.name === VMLINUX) {
    say(k, W.vmlinuxInvalid);
    return -EINVAL;
  }
  mod.klpAlive = true;
  for (const patch of [...k.klp.patches]) {
    touchPatch(k, patch, 'klp_module_coming', PATHS.loadModule);
    const obj = patch.objs.find((o) => o.name === mod.name);
    if (!obj) continue;
    obj.mod = mod;
    let ret = klp_init_object_loaded(k, patch, obj);
    if (ret) {
      say(k, W.comingInitFailed, { patch: patch.mod.name, module: mod.name, ret });
      return comingFailed(k, mod, patch, obj, ret);
    }
    // Only an enabled patch or the one in transition patches it (before 5.1 a disabled one stays listed).
    if (!patchActive(k, patch)) continue;
    say(k, W.applyingToLoading, { patch: patch.mod.name, module: mod.name });
    ret = klp_pre_patch_callback(k, obj);
    if (ret) {
      say(k, W.comingPrePatchFailed, { object: `${obj.name}` });
      return comingFailed(k, mod, patch, obj, ret);
    }
    ret = klp_patch_object(k, obj);
    if (ret) {
      say(k, W.comingApplyFailed, { patch: patch.mod.name, module: mod.name, ret });
      klp_post_unpatch_callback(k, obj);
      return comingFailed(k, mod, patch, obj, ret);
    }
    // The transition patch's post_patch runs when its transition completes.
    if (patch !== k.klpTransitionPatch()) klp_post_patch_callback(k, obj);
  }
  return 0;
}

function comingFailed(k: Kernel, mod: LoadedModule, patch: KlpPatch, obj: KlpObject, ret: number): number {
  say(k, W.refusingModule, { patch: patch.mod.name, module: mod.name });
  mod.klpAlive = false;
  obj.mod = null;
  klp_cleanup_module_patches_limited(k, mod, patch);
  return ret;
}

/** patch->enabled || patch == klp_transition_patch */
function patchActive(k: Kernel, patch: KlpPatch): boolean {
  return patchEnabled(String(patch.machine.value)) || patch === k.klpTransitionPatch();
}

/** klp_module_going(): after the module's exit ran, revert it everywhere. */
export function klp_module_going(k: Kernel, mod: LoadedModule): void {
  mod.klpAlive = false;
  klp_cleanup_module_patches_limited(k, mod, null);
}

export { objName };

/** try_module_get(patch->mod), in klp_enable_patch() or (5.1–5.16) klp_init_patch_early(). */
function tryModuleGet(k: Kernel, mod: LoadedModule, inEarly: boolean): number {
  using _ = inEarly ? fentry(k, 'klp_init_patch_early') : null;
  using __ = fentry(k, 'try_module_get');
  return moduleSend(k, mod, { type: 'try_module_get' });
}
