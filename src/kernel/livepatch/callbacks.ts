/**
 * The callback helpers of kernel/livepatch/core.h. A post_unpatch callback
 * runs only for an object whose pre_patch callback ran and succeeded
 * (callbacks.post_unpatch_enabled).
 */
import type { Kernel } from '../kernel';
import type { ObjectView } from '../catalog/api';
// A callback is the patch module's code: it runs with the module's API (which imports livepatch back).
import { moduleApi } from '../module/api';
import { moduleState } from '../module/types';
import type { KlpObject } from './types';

function view(obj: KlpObject): ObjectView {
  const mod = obj.mod;
  if (!mod) return { name: obj.name, mod: null };
  const state = moduleState(mod);
  return { name: obj.name, mod: { name: mod.name, state: state === 'gone' ? 'going' : state } };
}

/** klp_is_object_loaded(): vmlinux always; a module object while bound. */
export function klp_is_object_loaded(obj: KlpObject): boolean {
  return obj.name === null || obj.mod !== null;
}

export function klp_pre_patch_callback(k: Kernel, obj: KlpObject): number {
  k.klpObserver?.({ type: 'callback', kind: 'pre_patch', obj });
  const cb = obj.callbacks.pre_patch;
  const ret = cb ? cb(moduleApi(k, obj.patch.mod), view(obj)) : 0;
  obj.postUnpatchEnabled = ret === 0;
  return ret;
}

export function klp_post_patch_callback(k: Kernel, obj: KlpObject): void {
  k.klpObserver?.({ type: 'callback', kind: 'post_patch', obj });
  obj.callbacks.post_patch?.(moduleApi(k, obj.patch.mod), view(obj));
}

export function klp_pre_unpatch_callback(k: Kernel, obj: KlpObject): void {
  k.klpObserver?.({ type: 'callback', kind: 'pre_unpatch', obj });
  obj.callbacks.pre_unpatch?.(moduleApi(k, obj.patch.mod), view(obj));
}

export function klp_post_unpatch_callback(k: Kernel, obj: KlpObject): void {
  k.klpObserver?.({ type: 'callback', kind: 'post_unpatch', obj });
  if (obj.postUnpatchEnabled) obj.callbacks.post_unpatch?.(moduleApi(k, obj.patch.mod), view(obj));
  obj.postUnpatchEnabled = false;
}
