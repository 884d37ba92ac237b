/**
 * The pr_debug() call sites dynamic debug lists: every pr_debug() entry of
 * the catalogue (src/kernel/words), with its file, line and format. They are
 * what `file kernel/livepatch/* +p` switches on.
 */
import type { DynamicDebug } from './dynamic-debug';
import { ALL_SOURCES, debugSite } from '../words';

export function registerDebugSites(dd: DynamicDebug): void {
  for (const group of ALL_SOURCES) for (const w of Object.values(group)) if (w.call === 'pr_debug') dd.register(debugSite(w));
}
