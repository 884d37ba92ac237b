/**
 * The sysfs tree as `ls -l` and `cat` see it, compared with the step before:
 * entries that appeared, disappeared (kept, marked, where they were) or
 * changed value; and for the files that matter the shell command a button
 * runs. Pure: no DOM, no Svelte.
 */
import type { SysfsEntry } from '../kernel/view/types';
import { focusAttr, type Actor, type ActorKind } from './focus';

export type EntryStatus = 'same' | 'added' | 'removed' | 'changed';

/** What a button or form next to an entry does: always a shell command. */
export type EntryAction =
  /** a fixed write, e.g. `echo 0 > …/enabled` */
  | { kind: 'write'; label: string; command: string; title: string }
  /** a module parameter: the user types the value */
  | { kind: 'param'; path: string; value: string };

export interface TreeNode {
  path: string;
  name: string;
  kind: 'dir' | 'file';
  mode: string;
  value?: string;
  /** the value one step earlier, for a changed file */
  was?: string;
  status: EntryStatus;
  /** entries below with a status other than 'same' (a closed directory still tells) */
  changesBelow: number;
  depth: number;
  children: TreeNode[];
  actions: EntryAction[];
  /** `cat` would print a value */
  readable: boolean;
}

const LIVEPATCH = '/sys/kernel/livepatch/';

/** Any write bit in an ls -l mode string ("-rw-r--r--"). */
export function isWritable(mode: string): boolean {
  return mode[2] === 'w' || mode[5] === 'w' || mode[8] === 'w';
}

export const catCommand = (path: string) => `cat ${path}`;
export const writeCommand = (path: string, value: string) => `echo ${value.trim()} > ${path}`;

/** /sys/kernel/livepatch/<patch>/<attr>: the patch directory's own files. */
function patchAttr(path: string): { patch: string; attr: string } | null {
  if (!path.startsWith(LIVEPATCH)) return null;
  const parts = path.slice(LIVEPATCH.length).split('/');
  return parts.length === 2 ? { patch: parts[0]!, attr: parts[1]! } : null;
}

/** /sys/module/<mod>/parameters/<param> */
export function isModuleParam(path: string): boolean {
  return /^\/sys\/module\/[^/]+\/parameters\/[^/]+$/.test(path);
}

/**
 * The commands worth a button. `siblings` are the other files of the same
 * directory: enabled_store() reverses a transition when 1 is written to a
 * disabled patch that is klp_transition_patch (its `transition` reads 1).
 */
export function actionsFor(e: SysfsEntry, siblings: readonly SysfsEntry[] = []): EntryAction[] {
  if (e.kind !== 'file') return [];
  const pa = patchAttr(e.path);
  if (pa?.attr === 'enabled') {
    if (e.value === '1') {
      return [{ kind: 'write', label: 'write 0', command: writeCommand(e.path, '0'), title: `disable ${pa.patch}: __klp_disable_patch() or klp_reverse_transition()` }];
    }
    const inTransition = siblings.some((s) => s.name === 'transition' && s.value === '1');
    if (e.value === '0' && inTransition) {
      return [{ kind: 'write', label: 'write 1', command: writeCommand(e.path, '1'), title: `re-enable ${pa.patch}: klp_reverse_transition()` }];
    }
    // a `signal` file beside it: the register + enable API (4.15–5.0), where a disabled patch stays registered and enables again
    if (e.value === '0' && siblings.some((s) => s.name === 'signal')) {
      return [{ kind: 'write', label: 'write 1', command: writeCommand(e.path, '1'), title: `enable ${pa.patch} again: __klp_enable_patch() (before 5.1)` }];
    }
    return [];
  }
  if (pa?.attr === 'force') {
    return [{ kind: 'write', label: 'write 1', command: writeCommand(e.path, '1'), title: 'klp_force_transition(): only while a transition runs' }];
  }
  if (pa?.attr === 'signal') {
    return [{ kind: 'write', label: 'write 1', command: writeCommand(e.path, '1'), title: 'klp_send_signals(): fake-signal the tasks still pending, only while a transition runs' }];
  }
  if (isModuleParam(e.path) && isWritable(e.mode)) return [{ kind: 'param', path: e.path, value: e.value ?? '' }];
  return [];
}

function index(entries: readonly SysfsEntry[] | undefined): Map<string, SysfsEntry> {
  return new Map((entries ?? []).map((e) => [e.path, e]));
}

/**
 * Current children, with the removed ones of `prev` put back where they
 * were: after the sibling that preceded them.
 */
function mergeChildren(cur: readonly SysfsEntry[], prev: readonly SysfsEntry[] | null): { entry: SysfsEntry; removed: boolean }[] {
  const out = cur.map((entry) => ({ entry, removed: false }));
  if (!prev) return out;
  const now = index(cur);
  let after = -1; // index in `out` of the last prev sibling seen
  for (const p of prev) {
    if (now.has(p.path)) {
      after = out.findIndex((x) => x.entry.path === p.path);
    } else {
      out.splice(after + 1, 0, { entry: p, removed: true });
      after++;
    }
  }
  return out;
}

function build(entry: SysfsEntry, prev: SysfsEntry | null | undefined, depth: number, siblings: readonly SysfsEntry[], mode: 'live' | 'removed' | 'added' | 'first'): TreeNode {
  let status: EntryStatus = 'same';
  if (mode === 'removed') status = 'removed';
  else if (mode === 'added') status = 'added';
  else if (mode === 'live' && prev && entry.kind === 'file' && prev.value !== entry.value) status = 'changed';
  // A kind or mode change is also a change worth seeing (rare in sysfs).
  else if (mode === 'live' && prev && (prev.kind !== entry.kind || prev.mode !== entry.mode)) status = 'changed';

  // Below an added or removed directory, everything shares its fate.
  const childMode = mode === 'live' ? 'live' : mode;
  const kids = entry.children ?? [];
  const merged = mode === 'live' ? mergeChildren(kids, prev?.children ?? []) : kids.map((e) => ({ entry: e, removed: false }));
  const prevKids = index(prev?.children);
  const children = merged.map(({ entry: c, removed }) => {
    if (removed) return build(c, c, depth + 1, prev?.children ?? [], 'removed');
    const p = prevKids.get(c.path);
    return build(c, p, depth + 1, kids, childMode === 'live' && !p ? 'added' : childMode);
  });

  const node: TreeNode = {
    path: entry.path,
    name: entry.name,
    kind: entry.kind,
    mode: entry.mode,
    status,
    changesBelow: children.reduce((n, c) => n + c.changesBelow + (c.status === 'same' ? 0 : 1), 0),
    depth,
    children,
    actions: status === 'removed' ? [] : actionsFor(entry, siblings),
    readable: entry.kind === 'file' && entry.value !== undefined,
  };
  if (entry.value !== undefined) node.value = entry.value;
  if (status === 'changed' && prev?.value !== undefined && prev.value !== entry.value) node.was = prev.value;
  return node;
}

/**
 * The tree to draw. With no step before (`prev` null), nothing is marked.
 */
export function buildTree(cur: readonly SysfsEntry[], prev: readonly SysfsEntry[] | null): TreeNode[] {
  if (!prev) return cur.map((e) => build(e, null, 0, cur, 'first'));
  const before = index(prev);
  return mergeChildren(cur, prev).map(({ entry, removed }) => {
    if (removed) return build(entry, entry, 0, prev, 'removed');
    const p = before.get(entry.path);
    return build(entry, p, 0, cur, p ? 'live' : 'added');
  });
}

/** Every node, depth first: for tests and for counting. */
export function flatten(nodes: readonly TreeNode[]): TreeNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

/** The phrase a screen reader hears for a status. */
export const STATUS_TEXT: Record<EntryStatus, string> = {
  same: '',
  added: 'appeared',
  removed: 'disappeared',
  changed: 'changed',
};

/**
 * The actors a sysfs path shows: any path as a file; a directory under
 * /sys/kernel/livepatch as a kobject (its path below that) and, at the top,
 * as its patch; /sys/module/<m> as module m.
 */
export function pathActors(path: string): [ActorKind, string][] {
  const out: [ActorKind, string][] = [['file', path]];
  if (path.startsWith(LIVEPATCH)) {
    const rel = path.slice(LIVEPATCH.length);
    out.push(['kobject', rel]);
    if (!rel.includes('/')) out.push(['patch', rel]);
  }
  const m = /^\/sys\/module\/([^/]+)$/.exec(path);
  if (m) out.push(['module', m[1]!]);
  return out;
}

/** The data-focus value for the line of a sysfs path that shows a focused actor. */
export function pathFocus(path: string, focus: readonly Actor[]): string | undefined {
  for (const [kind, name] of pathActors(path)) {
    const a = focusAttr(focus, kind, name);
    if (a) return a;
  }
  return undefined;
}

/** Directories to keep open so every focused line is in sight: the ancestors of each. */
export function focusAncestors(nodes: readonly TreeNode[], focus: readonly Actor[]): Set<string> {
  const open = new Set<string>();
  const walk = (n: TreeNode, up: string[]): boolean => {
    const below = n.children.map((c) => walk(c, [...up, n.path])).some(Boolean);
    const hit = pathFocus(n.path, focus) !== undefined;
    if (hit || below) for (const a of up) open.add(a);
    if (below) open.add(n.path);
    return hit || below;
  };
  for (const n of nodes) walk(n, []);
  return open;
}
