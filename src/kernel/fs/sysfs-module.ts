/**
 * /sys/module/<mod>: refcnt (what rmmod checks first), initstate, taint and
 * the parameters with their modes.
 */
import type { Kernel } from '../kernel';
import { EINVAL } from '../world/errno';
import { moduleInitSize, moduleRefcnt, moduleState, type LoadedModule } from '../module/types';
import { formatParam, parseParam } from '../module/params';
import { pokeWaiters } from '../module/work';
import { moduleTaintLetters } from '../world/taint';
import { dir, roFile, type FileNode, type FsNode } from './node';

/** Modules with a sysfs directory: mod_sysfs_setup() ran (after COMING began). */
export function sysfsModules(k: Kernel): LoadedModule[] {
  return [...k.modules.values()].filter((m) => moduleState(m) !== 'unformed' && moduleState(m) !== 'gone');
}

/** module_flags_taint(): the module's taint letters in bit order, e.g. "OEK". */
export function taintFlags(mod: LoadedModule): string {
  return moduleTaintLetters(mod.taints);
}

function paramNode(k: Kernel, mod: LoadedModule, name: string): FileNode | null {
  const spec = mod.spec.params?.find((p) => p.name === name && p.mode !== 0);
  if (!spec) return null;
  const node: FileNode = { kind: 'file', mode: spec.mode, read: () => formatParam(spec, mod.params[spec.name]!) };
  if (spec.mode & 0o222) {
    node.write = (data) => {
      const v = parseParam(spec, data);
      if (v === null) return -EINVAL;
      mod.params[spec.name] = v;
      pokeWaiters(k);
      return 0;
    };
  }
  return node;
}

export function moduleNode(k: Kernel, parts: string[]): FsNode | null {
  if (parts.length === 0) return dir(() => sysfsModules(k).map((m) => m.name).sort());
  const mod = sysfsModules(k).find((m) => m.name === parts[0]);
  if (!mod) return null;
  const visibleParams = (mod.spec.params ?? []).filter((p) => p.mode !== 0);
  if (parts.length === 1) {
    const entries = ['coresize', 'holders', 'initsize', 'initstate', 'notes', 'refcnt', 'sections', 'srcversion', 'taint', 'uevent'];
    if (visibleParams.length) entries.push('parameters');
    return dir(() => entries.sort());
  }
  const [attr, sub] = [parts[1]!, parts[2]];
  if (parts.length === 2) {
    switch (attr) {
      case 'refcnt':
        return roFile(() => `${moduleRefcnt(mod)}\n`);
      case 'initstate':
        return roFile(() => `${moduleState(mod)}\n`);
      case 'taint':
        return roFile(() => `${taintFlags(mod)}\n`);
      case 'coresize':
        return roFile(() => `${mod.spec.size}\n`);
      case 'initsize':
        return roFile(() => `${moduleInitSize(mod)}\n`);
      case 'srcversion':
        return roFile(() => `${(mod.name.length * 2654435761 >>> 0).toString(16).toUpperCase().padStart(23, '0').slice(0, 23)}\n`);
      case 'uevent':
        return { kind: 'file', mode: 0o200, write: () => 0 };
      case 'holders':
      case 'notes':
      case 'sections':
        return dir(() => []);
      case 'parameters':
        return visibleParams.length ? dir(() => visibleParams.map((p) => p.name)) : null;
    }
    return null;
  }
  if (parts.length === 3 && attr === 'parameters' && sub) return paramNode(k, mod, sub);
  return null;
}
