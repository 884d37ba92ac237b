/**
 * The module catalogue as the Modules view needs it, and the insmod command
 * line a choice of parameters makes.
 */
import type { ModuleSpec } from '../kernel/catalog/types';
import type { KernelView } from '../kernel/view/types';

export interface CatalogEntry {
  name: string;
  file: string;
  livepatch: boolean;
  description: string;
  params: { name: string; type: string; mode: number; default: string }[];
}

/**
 * The catalogue as the Modules view offers it. `tree`: where the samples' .ko
 * files are when the shell starts elsewhere (the selftests' directory), so
 * that `insmod FILE` finds them; null when the shell starts in that tree.
 */
export function catalogEntries(specs: readonly ModuleSpec[], tree: string | null = null): CatalogEntry[] {
  return specs.map((s) => ({
    name: s.name,
    file: tree && s.file.startsWith('samples/') ? `${tree}/${s.file}` : s.file,
    livepatch: s.livepatch,
    description: s.description,
    params: (s.params ?? []).map((p) => ({
      name: p.name,
      type: p.type,
      mode: p.mode,
      default: Array.isArray(p.default) ? p.default.join(',') : p.type === 'bool' ? (p.default ? 'Y' : 'N') : String(p.default),
    })),
  }));
}

/** `insmod FILE p=v …`, listing only the parameters given a value other than empty. */
export function insmodLine(entry: CatalogEntry, values: Record<string, string>): string {
  const args = entry.params.filter((p) => (values[p.name] ?? '') !== '').map((p) => `${p.name}=${values[p.name]}`);
  return ['insmod', entry.file, ...args].join(' ');
}

/** The modules loaded one step earlier and gone now: what `rmmod` (or a failed load) just took away. */
export function removedModules(view: KernelView, prev: KernelView | null): string[] {
  if (!prev) return [];
  const now = new Set(view.modules.map((m) => m.name));
  return prev.modules.filter((m) => !now.has(m.name)).map((m) => m.name);
}
