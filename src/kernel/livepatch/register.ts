/**
 * The livepatch API of 4.12 – 5.0 (kernel/livepatch/core.c as 4.19 has it):
 * klp_register_patch(), klp_enable_patch() of a registered patch,
 * klp_unregister_patch(), and the sysfs stores of a registered patch
 * (enabled, force, signal). The rules live in registeredPatchMachine; these
 * functions are its actions and the code between its events. What both APIs
 * share (klp_init_patch(), the objects, the transition) is core.ts's.
 */
import { initialTransition, type SnapshotFrom } from 'xstate';
import type { Kernel } from '../kernel';
import { drive } from '../world/drive';
import { EINVAL } from '../world/errno';
import { LIVEPATCH_CORE as W, say } from '../words';
import { registeredPatchMachine, type RegisteredPatchEvent } from '../machines/registered-patch.machine';
import { patchEnabled } from '../machines/patch.machine';
import type { LoadedModule } from '../module/types';
import { moduleSend } from '../module/loader';
import type { KlpPatch } from './types';
import { klp_patch_object } from './patch';
import { klp_init_patch, freePatchStart, kobjectPutPatch, newPatch, objName, sharedPatchActions } from './core';
import { kstrtobool } from '../world/kstrtox';
import { klp_send_signals } from './transition';
import { klp_is_object_loaded, klp_pre_patch_callback } from './callbacks';
import { fcall, fentry } from '../world/fgraph';

type Snapshot = SnapshotFrom<typeof registeredPatchMachine>;

/** Sends an event to a registered patch's machine and runs what it decides. Returns the errno. */
export function registeredPatchSend(k: Kernel, patch: KlpPatch, event: RegisteredPatchEvent): number {
  return drive(
    registeredPatchMachine,
    () => patch.machine as Snapshot,
    (s) => (patch.machine = s),
    event,
    {
      ...sharedPatchActions(k, patch),
      pr_err_no_consistency_model: () => say(k, W.noConsistencyModelRefused),
      free_patch_sync: () => freePatch(k, patch),
      klp_send_signals: () => klp_send_signals(k, true),
      klp_free_patch: () => freePatch(k, patch),
    },
  );
}

/** klp_free_patch() and the kobject_put() after it: off klp_patches, objects freed, the directory goes. */
function freePatch(k: Kernel, patch: KlpPatch): void {
  using _ = fentry(k, 'klp_free_patch');
  freePatchStart(k, patch);
  kobjectPutPatch(k, patch);
  fcall(k, 'wait_for_completion');
}

/** klp_register_patch(), from the patch module's init: checks, then klp_init_patch(). */
export function klp_register_patch(k: Kernel, mod: LoadedModule): number {
  using _ = fentry(k, 'klp_register_patch');
  if (!mod.spec.patch || mod.spec.patch.objects.length === 0) return -EINVAL;
  if (mod.patch && k.klp.all.includes(mod.patch)) return -EINVAL; // klp_is_patch_registered()
  const patch = newPatch(mod, initialTransition(registeredPatchMachine, { name: mod.name })[0]);
  let ret = registeredPatchSend(k, patch, {
    type: 'klp_register_patch',
    livepatchModule: mod.spec.livepatch,
    initialized: k.klp.initialized,
    reliableStacks: k.config.reliableStacks,
  });
  if (ret) return ret;
  k.klp.all.push(patch);
  mod.patch = patch;
  patch.kobj.refcount = 1;
  for (const obj of patch.objs) {
    obj.kobj.refcount = 1;
    for (const f of obj.funcs) f.kobj.refcount = 1;
  }
  ret = klp_init_patch(k, patch);
  return registeredPatchSend(k, patch, ret ? { type: 'klp_init_patch.failed', errno: ret } : { type: 'klp_init_patch.done' });
}

/** The patch before this one on klp_patches is not enabled: it must be enabled first. */
function enableStackBlocked(k: Kernel, patch: KlpPatch): boolean {
  const prev = k.klp.patches[k.klp.patches.indexOf(patch) - 1];
  return k.profile.stacking && prev !== undefined && !patchEnabled(String(prev.machine.value));
}

/** The patch after this one is enabled: it must be disabled first. */
function disableStackBlocked(k: Kernel, patch: KlpPatch): boolean {
  const next = k.klp.patches[k.klp.patches.indexOf(patch) + 1];
  return k.profile.stacking && next !== undefined && patchEnabled(String(next.machine.value));
}

/**
 * __klp_enable_patch()'s checks in its order; try_module_get() only once the
 * others passed (it takes the reference the unpatching will drop).
 */
function enableChecks(k: Kernel, patch: KlpPatch) {
  const transitionBusy = k.transitionRunning();
  const stackBlocked = enableStackBlocked(k, patch);
  const moduleGet = !transitionBusy && !stackBlocked && tryModuleGet(k, patch) === 0;
  return { transitionBusy, stackBlocked, moduleGet };
}

/** klp_enable_patch() of a registered patch, from the module's init. */
export function klp_enable_registered_patch(k: Kernel, mod: LoadedModule): number {
  using _ = fentry(k, 'klp_enable_patch');
  const patch = mod.patch;
  if (!patch || !k.klp.all.includes(patch) || String(patch.machine.value) === 'refused') return -EINVAL;
  if (patchEnabled(String(patch.machine.value))) return -EINVAL;
  using __ = fentry(k, '__klp_enable_patch');
  const ret = registeredPatchSend(k, patch, { type: '__klp_enable_patch', ...enableChecks(k, patch) });
  return ret || enableObjects(k, patch);
}

/** The objects loop of __klp_enable_patch(): pre_patch callback, then patch, each loaded object. */
function enableObjects(k: Kernel, patch: KlpPatch): number {
  if (String(patch.machine.value) !== 'enabling') return 0;
  if (k.klp.forced) registeredPatchSend(k, patch, { type: 'forced' });
  for (const obj of patch.objs) {
    if (!klp_is_object_loaded(obj)) continue;
    let err = klp_pre_patch_callback(k, obj);
    const stage = err ? 'pre_patch' : 'patch';
    if (!err) err = klp_patch_object(k, obj);
    if (err) return registeredPatchSend(k, patch, { type: 'object.failed', errno: err, object: objName(obj), stage, klpForced: k.klp.forced });
  }
  return registeredPatchSend(k, patch, { type: 'objects.patched' });
}

/** klp_unregister_patch(), from the module's exit: a disabled patch is freed, its directory goes. */
export function klp_unregister_patch(k: Kernel, mod: LoadedModule): number {
  using _ = fentry(k, 'klp_unregister_patch');
  const patch = mod.patch;
  if (!patch || !k.klp.all.includes(patch)) return -EINVAL;
  return registeredPatchSend(k, patch, { type: 'klp_unregister_patch' });
}

/** enabled_store() of 4.19: a registered, disabled patch is enabled again by a write of 1. */
export function registered_enabled_store(k: Kernel, patch: KlpPatch, buf: string): number {
  using _ = fentry(k, 'enabled_store');
  const value = kstrtobool(buf);
  if (value === null) return -EINVAL;
  const transition = k.klpTransitionPatch();
  const state = String(patch.machine.value);
  const enabling = value && state === 'registered';
  // what the store calls when it is not reversing a transition: the graph's only reading of the state
  using __ = enabling ? fentry(k, '__klp_enable_patch') : !value && state === 'enabled' ? fentry(k, '__klp_disable_patch') : null;
  const checks = enabling ? enableChecks(k, patch) : { transitionBusy: transition !== null && transition !== patch, stackBlocked: false, moduleGet: false };
  const ret = registeredPatchSend(k, patch, {
    type: 'sysfs.enabled',
    value,
    transitionBusy: checks.transitionBusy,
    stackBlocked: disableStackBlocked(k, patch),
    enableStackBlocked: checks.stackBlocked,
    moduleGet: checks.moduleGet,
  });
  return ret || (enabling ? enableObjects(k, patch) : 0);
}

/** force_store() of a registered patch. */
export function registered_force_store(k: Kernel, patch: KlpPatch, buf: string): number {
  using _ = fentry(k, 'force_store');
  const value = kstrtobool(buf);
  if (value === null) return -EINVAL;
  return value ? registeredPatchSend(k, patch, { type: 'sysfs.force' }) : 0;
}

/** signal_store() (4.15–5.0): fake-signal the tasks the transition still waits for. */
export function signal_store(k: Kernel, patch: KlpPatch, buf: string): number {
  using _ = fentry(k, 'signal_store');
  const value = kstrtobool(buf);
  if (value === null) return -EINVAL;
  return value ? registeredPatchSend(k, patch, { type: 'sysfs.signal' }) : 0;
}

/** try_module_get(patch->mod) in __klp_enable_patch(), once its checks passed. */
function tryModuleGet(k: Kernel, patch: KlpPatch): number {
  using _ = fentry(k, 'try_module_get');
  return moduleSend(k, patch.mod, { type: 'try_module_get' });
}
