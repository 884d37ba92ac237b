/**
 * /sys/kernel/livepatch: a directory per patch kobject still in sysfs, with
 * the files of the release (mainline: enabled, transition, force, replace and
 * stack_order; 4.15–5.0: enabled, transition, signal, force); a directory per
 * object with `patched` (since 6.1); an empty directory per function
 * ("<name>,<sympos>").
 */
import type { Kernel } from '../kernel';
import { patchEnabled } from '../machines/patch.machine';
import { enabled_store, force_store, stackOrder } from '../livepatch/core';
import { registered_enabled_store, registered_force_store, signal_store } from '../livepatch/register';
import type { KlpPatch } from '../livepatch/types';
import { PATHS, patchFreed, touchPatch, walkPatches } from '../livepatch/freed';
import { attrNames } from './livepatch-attrs';
import { dir, roFile, rwFile, woFile, type FsNode } from './node';


function patches(k: Kernel): KlpPatch[] {
  return k.klp.all.filter((p) => p.kobj.inSysfs);
}

export function livepatchNode(k: Kernel, parts: string[]): FsNode | null {
  if (parts.length === 0) return dir(() => patches(k).map((p) => p.kobj.name));
  const patch = patches(k).find((p) => p.kobj.name === parts[0]);
  if (!patch) return null;
  const node = attrNode(k, patch, parts);
  if (!node || node.kind !== 'file' || !patchFreed(patch)) return node;
  // rmmod -f freed the kobject under this file: sysfs looks up its ktype in freed memory.
  return {
    ...node,
    ...(node.read ? { read: () => (touchPatch(k, patch, 'sysfs_kf_seq_show', PATHS.read), '') } : {}),
    ...(node.write ? { write: () => (touchPatch(k, patch, 'sysfs_kf_write', PATHS.write), 0) } : {}),
  };
}

function attrNode(k: Kernel, patch: KlpPatch, parts: string[]): FsNode | null {
  const objs = () => patch.objs.filter((o) => o.kobj.inSysfs);
  const release = k.profile.release;
  const registered = patch.machine.machine.id === 'registeredPatch';
  if (parts.length === 1) return dir(() => [...attrNames('patch', release), ...objs().map((o) => o.kobj.name)]);
  const name = parts[1]!;
  if (parts.length === 2 && attrNames('patch', release).includes(name)) {
    switch (name) {
      case 'enabled':
        return rwFile(
          () => `${patchEnabled(String(patch.machine.value)) ? 1 : 0}\n`,
          (data) => (registered ? registered_enabled_store(k, patch, data) : enabled_store(k, patch, data)),
        );
      case 'signal':
        return woFile((data) => signal_store(k, patch, data));
      case 'transition':
        return roFile(() => `${k.klpTransitionPatch() === patch ? 1 : 0}\n`);
      case 'force':
        return woFile((data) => (registered ? registered_force_store(k, patch, data) : force_store(k, patch, data)));
      case 'replace':
        return roFile(() => `${patch.machine.context.replace ? 1 : 0}\n`);
      case 'stack_order':
        // stack_order_show() walks klp_patches up to this patch
        return roFile(() => {
          walkPatches(k, 'stack_order_show', ['sysfs_kf_seq_show', ...PATHS.read], patch);
          return `${stackOrder(k, patch)}\n`;
        });
    }
  }
  const obj = objs().find((o) => o.kobj.name === name);
  if (!obj) return null;
  const funcs = () => obj.funcs.filter((f) => f.kobj.inSysfs);
  if (parts.length === 2) return dir(() => [...attrNames('object', release), ...funcs().map((f) => f.kobj.name)]);
  if (parts.length === 3 && parts[2] === 'patched' && attrNames('object', release).includes('patched')) return roFile(() => `${obj.patched ? 1 : 0}\n`);
  const func = funcs().find((f) => f.kobj.name === parts[2]);
  if (!func || parts.length > 3) return null;
  return dir(() => []);
}
