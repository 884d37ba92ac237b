/**
 * What a step is about: its focus. A focus names the views the step's
 * picture needs (the layouts bring those onto the first screen) and, in
 * them, the actors the caption talks about (the views label and mark those).
 * Every element that is a step's focus carries `data-focus` (its actor key,
 * or `view:<id>` on a view's panel): the page and the tests find it by that.
 *
 * Actors are named as the kernel names them: a task by its comm, a patch by
 * its module's name, a function by its symbol, a kobject by its path under
 * /sys/kernel/livepatch, a file by its absolute path.
 */

/** The kernel views, each one panel on the page; `story` is a story's own picture. */
export const VIEW_IDS = ['patches', 'funcs', 'tasks', 'free', 'state', 'sysfs', 'modules', 'charts', 'shell', 'log'] as const;
export type KernelViewId = (typeof VIEW_IDS)[number];
export type ViewId = KernelViewId | 'story';

export const VIEW_TITLES: Record<ViewId, string> = {
  patches: 'Patch stack',
  funcs: 'Who runs what',
  tasks: 'Task migration',
  free: 'Free queue',
  state: 'Kernel state',
  sysfs: 'sysfs',
  modules: 'Modules',
  charts: 'Statecharts',
  shell: 'Shell',
  log: 'Kernel log',
  story: 'Story',
};

export type Actor =
  /** a task by comm: 'kworker/0:1', 'fio', 'swapper/2' */
  | { task: string }
  /** a patch by its livepatch module's name */
  | { patch: string }
  /** an old (patched) function by symbol: its klp_func lines, its func_stack */
  | { func: string }
  /** a module by name: its refcount, its state */
  | { module: string }
  /** a kobject by its path under /sys/kernel/livepatch: 'P', 'P/vmlinux', 'P/vmlinux/cmdline_proc_show,1' */
  | { kobject: string }
  /** a file or directory by absolute path */
  | { file: string }
  /** a variable of the livepatch core: 'klp_transition_patch', 'klp_target_state', 'klp_signals_cnt' */
  | { state: string }
  /** a statechart: 'patch', 'transition', 'module' */
  | { machine: string }
  /** the shadow variables of one id in klp_shadow_hash, by the id in decimal: '1' */
  | { shadow: string }
  /** a story's own actor, by the id its picture gives it (a thread, a lock, a file node) */
  | { part: string };

export type ActorKind = 'task' | 'patch' | 'func' | 'module' | 'kobject' | 'file' | 'state' | 'machine' | 'shadow' | 'part';

export interface Focus {
  /** the views the picture needs, most important first (at least one) */
  views: ViewId[];
  /** what in them the caption talks about */
  actors?: Actor[];
}

export const NO_ACTORS: readonly Actor[] = [];

export function actorKind(a: Actor): ActorKind {
  return Object.keys(a)[0] as ActorKind;
}

export function actorName(a: Actor): string {
  return (a as Record<string, string>)[actorKind(a)]!;
}

/** The value of an actor's `data-focus` attribute: "task:fio". */
export function actorKey(a: Actor): string {
  return `${actorKind(a)}:${actorName(a)}`;
}

/** The names of the focused actors of one kind. */
export function namesOf(actors: readonly Actor[], kind: ActorKind): string[] {
  return actors.filter((a) => actorKind(a) === kind).map(actorName);
}

/**
 * The `data-focus` attribute for an element showing actor `kind:name`: its
 * key when it is in focus, else undefined (so Svelte leaves the attribute out).
 */
export function focusAttr(actors: readonly Actor[], kind: ActorKind, name: string): string | undefined {
  return actors.some((a) => actorKind(a) === kind && actorName(a) === name) ? `${kind}:${name}` : undefined;
}
