/**
 * The livepatch core's own state variables, by the names the kernel gives
 * them (kernel/livepatch/{core,transition}.c, include/linux/livepatch.h):
 * a KernelView, and the view one step earlier, become rows of
 * { scope, name, value, changed }. Pure: no DOM, no Svelte.
 */
import type { KernelView, TaskView, TransitionView } from '../kernel/view/types';
import { focusAttr, type Actor, type ActorKind } from './focus';

export type Scope = 'global' | 'task' | 'patch' | 'object' | 'func' | 'func_stack' | 'shadow';

export interface StateRow {
  /** identity across steps: what `changed` compares by */
  key: string;
  scope: Scope;
  /** whose variable: '' for globals, a patch, "patch/object", "comm:pid", … */
  subject: string;
  /** the kernel's name for it */
  name: string;
  value: string;
  /** differs from the step before (or did not exist then) */
  changed: boolean;
  /** the value one step earlier, when it changed and existed then */
  was: string | null;
  /** a task row for the task the user selected */
  selected?: boolean;
}

export interface StateSection {
  scope: Scope;
  title: string;
  /** where the kernel keeps these */
  source: string;
  rows: StateRow[];
  /** task rows left out by the cap ("… and N more") */
  more: number;
}

export interface KernelState {
  sections: StateSection[];
  /** every row shown, in section order */
  rows: StateRow[];
  taskTotal: number;
  moreTasks: number;
}

export const SECTIONS: readonly { scope: Scope; title: string; source: string }[] = [
  { scope: 'global', title: 'Globals', source: 'kernel/livepatch/transition.c, core.c' },
  { scope: 'task', title: 'Tasks', source: 'struct task_struct, thread flags' },
  { scope: 'patch', title: 'Patches', source: 'struct klp_patch' },
  { scope: 'object', title: 'Objects', source: 'struct klp_object' },
  { scope: 'func', title: 'Functions', source: 'struct klp_func' },
  { scope: 'func_stack', title: 'Function stacks', source: 'struct klp_ops (kernel/livepatch/patch.c)' },
  { scope: 'shadow', title: 'Shadow variables', source: 'klp_shadow_hash (kernel/livepatch/shadow.c)' },
];

/** The shadow variables of one id, as the Shadow variables section counts them. */
export interface ShadowGroup {
  id: number;
  count: number;
  /** attached to objects kfree()d since: nothing detached them */
  onFreed: number;
  /** the modules whose code allocated them */
  owners: string[];
}

/** klp_shadow_hash by id, lowest first. */
export function shadowGroups(v: KernelView): ShadowGroup[] {
  const byId = new Map<number, ShadowGroup>();
  for (const s of v.shadow) {
    let g = byId.get(s.id);
    if (!g) byId.set(s.id, (g = { id: s.id, count: 0, onFreed: 0, owners: [] }));
    g.count++;
    if (s.objFreed) g.onFreed++;
    if (!g.owners.includes(s.owner)) g.owners.push(s.owner);
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

const shadowSubject = (id: number) => `id ${id}`;

/** klp_target_state / task->patch_state as the release spells the constant (KLP_TRANSITION_* since 6.10, KLP_* before). */
export function klpStateName(s: number, names: TransitionView['names']): string {
  return names[s + 1] ?? String(s);
}

/** How the kernel's debug messages name a task: "comm:pid". */
export function taskLabel(t: TaskView): string {
  return `${t.comm}:${t.pid}`;
}

/** Idle tasks all have pid 0: tell them apart by CPU. */
function taskId(t: TaskView): string {
  return t.kind === 'idle' ? `idle/${t.cpu}` : String(t.pid);
}

const bool = (b: boolean) => (b ? 'true' : 'false');

type Draft = Omit<StateRow, 'changed' | 'was'>;

function row(scope: Scope, id: string, subject: string, name: string, value: string): Draft {
  return { key: `${scope}|${id}|${name}`, scope, subject, name, value };
}

function globalRows(v: KernelView): Draft[] {
  const t = v.transition;
  const listed = v.patches.filter((p) => p.listed).map((p) => p.name);
  return [
    row('global', '', '', 'klp_transition_patch', t.patch ?? 'NULL'),
    row('global', '', '', 'klp_target_state', `${klpStateName(t.target, t.names)} (${t.target})`),
    // klp_signals_cnt came with the automatic fake signals (5.1)
    ...(v.kernel.autoSignals ? [row('global', '', '', 'klp_signals_cnt', String(t.signals))] : []),
    // 4.15–5.0: one flag for every patch, set by the first forced transition
    ...(v.kernel.klpForced !== undefined ? [row('global', '', '', 'klp_forced', bool(v.kernel.klpForced))] : []),
    row('global', '', '', 'klp_patches', listed.length ? listed.join(' → ') : '(empty)'),
  ];
}

function taskCountRows(v: KernelView): Draft[] {
  const counts = new Map<number, number>([[-1, 0], [0, 0], [1, 0]]);
  let pending = 0;
  for (const t of v.tasks) {
    counts.set(t.patchState, (counts.get(t.patchState) ?? 0) + 1);
    if (t.pending) pending++;
  }
  return [
    ...[...counts].map(([s, n]) => row('task', 'all', 'all tasks', `patch_state == ${klpStateName(s, v.transition.names)}`, String(n))),
    row('task', 'all', 'all tasks', 'TIF_PATCH_PENDING set', String(pending)),
  ];
}

function taskRows(t: TaskView, names: TransitionView['names']): Draft[] {
  const id = taskId(t);
  return [
    row('task', id, taskLabel(t), 'task->patch_state', klpStateName(t.patchState, names)),
    row('task', id, taskLabel(t), 'TIF_PATCH_PENDING', t.pending ? '1' : '0'),
  ];
}

function patchRows(v: KernelView): Draft[] {
  const out: Draft[] = [];
  for (const p of v.patches) {
    out.push(row('patch', p.name, p.name, 'patch->enabled', bool(p.enabled)));
    // patch->forced and atomic replace came with the 5.1 API; before it one global klp_forced (globalRows)
    if (!v.kernel.registerApi) out.push(row('patch', p.name, p.name, 'patch->forced', bool(p.forced)), row('patch', p.name, p.name, 'patch->replace', bool(p.replace)));
  }
  return out;
}

function objectRows(v: KernelView): Draft[] {
  const out: Draft[] = [];
  for (const p of v.patches) {
    for (const o of p.objects) {
      const s = `${p.name}/${o.name}`;
      // klp_is_object_loaded(): !obj->name || obj->mod
      out.push(row('object', s, s, 'obj->patched', bool(o.patched)), row('object', s, s, 'klp_is_object_loaded()', bool(o.loaded)));
    }
  }
  return out;
}

function funcRows(v: KernelView): Draft[] {
  const out: Draft[] = [];
  for (const p of v.patches) {
    for (const o of p.objects) {
      for (const f of o.funcs) {
        // the sysfs directory name: "<old_name>,<sympos>", sympos 0 reads as 1
        const s = `${p.name}/${o.name}/${f.oldName},${f.sympos || 1}`;
        out.push(
          row('func', s, s, 'func->transition', bool(f.transition)),
          row('func', s, s, 'func->patched', bool(f.patched)),
        );
        // nops came with atomic replace (5.1)
        if (!v.kernel.registerApi) out.push(row('func', s, s, 'func->nop', bool(f.nop)));
      }
    }
  }
  return out;
}

/** "patch:newFunc" entries, top (what runs) first. */
export function funcStackValue(entries: KernelView['funcStacks'][number]['entries']): string {
  return entries.map((e) => `${e.patch}:${e.newFunc}${e.nop ? ' (nop)' : ''}`).join(', ');
}

function funcStackRows(v: KernelView): Draft[] {
  return v.funcStacks.map((fs) => row('func_stack', fs.key, `${fs.obj}:${fs.fn}`, 'ops->func_stack', `[${funcStackValue(fs.entries)}]`));
}

/** Each id's rows; an id the step before had and this one has not stays, at 0, for the step it went. */
function shadowRows(v: KernelView, prev: KernelView | null = null): Draft[] {
  const groups = shadowGroups(v);
  for (const g of prev ? shadowGroups(prev) : []) {
    if (!groups.some((x) => x.id === g.id)) groups.push({ id: g.id, count: 0, onFreed: 0, owners: [] });
  }
  return groups
    .sort((a, b) => a.id - b.id)
    .flatMap((g) => {
      const s = shadowSubject(g.id);
      return [
        row('shadow', s, s, '<obj, id> pairs', String(g.count)),
        row('shadow', s, s, 'on freed objects', String(g.onFreed)),
        row('shadow', s, s, 'allocated by', g.owners.join(', ') || '—'),
      ];
    });
}

/**
 * Every row of a view but the tasks' own: what `prev` is compared against.
 * Tasks are compared by their two values (taskChange()), so that a machine
 * of 10,000 tasks costs no 20,000 rows a step.
 */
function rowsButTasks(v: KernelView): Draft[] {
  return [...globalRows(v), ...taskCountRows(v), ...patchRows(v), ...objectRows(v), ...funcRows(v), ...funcStackRows(v), ...shadowRows(v)];
}

export interface KernelStateOptions {
  /** task rows (besides the selected and focused tasks') before "… and N more" */
  maxTasks?: number;
  /** comms of the tasks the step is about: always shown, after the selected task */
  focusTasks?: readonly string[];
}

/**
 * The actors a row shows, as [kind, name] (focus.ts): a global by its
 * variable's name, a task by its comm, a patch, an object or function by its
 * kobject path (and a function also by its symbol), a func_stack by its symbol.
 */
export function rowActors(r: Pick<StateRow, 'scope' | 'subject' | 'name'>): [ActorKind, string][] {
  switch (r.scope) {
    case 'global':
      return [['state', r.name]];
    case 'task': {
      const colon = r.subject.lastIndexOf(':');
      return colon > 0 ? [['task', r.subject.slice(0, colon)]] : [];
    }
    case 'patch':
      return [['patch', r.subject]];
    case 'object':
      return [['kobject', r.subject]];
    case 'func': {
      const fn = r.subject.slice(r.subject.lastIndexOf('/') + 1).replace(/,\d+$/, '');
      return [
        ['func', fn],
        ['kobject', r.subject],
      ];
    }
    case 'func_stack':
      return [['func', r.subject.slice(r.subject.indexOf(':') + 1)]];
    case 'shadow':
      return [['shadow', r.subject.slice('id '.length)]];
  }
}

/** The row's data-focus value when it shows a focused actor. */
export function rowFocus(r: Pick<StateRow, 'scope' | 'subject' | 'name'>, focus: readonly Actor[]): string | undefined {
  for (const [kind, name] of rowActors(r)) {
    const a = focusAttr(focus, kind, name);
    if (a) return a;
  }
  return undefined;
}

/**
 * The rows to show. Tasks are capped: a machine may have thousands. Shown
 * are the selected task, then tasks whose values changed this step (the
 * ones that just switched), then the pending ones.
 */
export function kernelState(
  view: KernelView,
  prev: KernelView | null,
  selectedPid: number | null,
  opts: KernelStateOptions = {},
): KernelState {
  const maxTasks = opts.maxTasks ?? 6;
  const focusTasks = opts.focusTasks ?? [];
  // With no step before there is nothing to compare with: nothing changed.
  const before = prev ? new Map(rowsButTasks(prev).map((r) => [r.key, r.value])) : null;
  const finish = (d: Draft): StateRow => {
    if (!before) return { ...d, changed: false, was: null };
    const old = before.get(d.key);
    const changed = old !== d.value;
    return { ...d, changed, was: changed && old !== undefined ? old : null };
  };
  // The same task a step earlier: mostly the very same row at the same place (a view's unchanged
  // tasks are the last view's objects, protocol.ts), else found by id.
  let byId: Map<string, TaskView> | null = null;
  const earlier = (t: TaskView, i: number): TaskView | undefined => {
    if (!prev) return undefined;
    const same = prev.tasks[i];
    if (same === t) return t;
    if (same && same.pid === t.pid && same.kind === t.kind && (t.kind !== 'idle' || same.cpu === t.cpu)) return same;
    byId ??= new Map(prev.tasks.map((x) => [taskId(x), x]));
    return byId.get(taskId(t));
  };
  /** A task's rows, each compared with the same task's value a step earlier. */
  const taskRowsOf = ([t, i]: [TaskView, number]): StateRow[] => {
    const old = earlier(t, i);
    const olds = old ? taskRows(old, view.transition.names) : null;
    return taskRows(t, view.transition.names).map((d, i) => {
      if (!prev) return { ...d, changed: false, was: null };
      const was = olds?.[i]?.value;
      const changed = was !== d.value;
      return { ...d, changed, was: changed && was !== undefined ? was : null };
    });
  };
  const changedSince = (t: TaskView, i: number): boolean => {
    if (!prev) return false;
    const old = earlier(t, i);
    return old !== t && (!old || old.patchState !== t.patchState || old.pending !== t.pending);
  };

  const selected: StateRow[] = [];
  const focused: StateRow[] = [];
  const changedTasks: [TaskView, number][] = [];
  const pendingTasks: [TaskView, number][] = [];
  view.tasks.forEach((t, i) => {
    if (selectedPid !== null && t.pid === selectedPid) selected.push(...taskRowsOf([t, i]).map((r) => ({ ...r, selected: true })));
    else if (focusTasks.includes(t.comm)) focused.push(...taskRowsOf([t, i]));
    else if (changedSince(t, i)) changedTasks.push([t, i]);
    else if (t.pending) pendingTasks.push([t, i]);
  });
  const candidates = [...changedTasks, ...pendingTasks];
  const shownTasks = candidates.slice(0, maxTasks).map(taskRowsOf);
  const moreTasks = candidates.length - shownTasks.length;

  const byScope: Record<Scope, StateRow[]> = {
    global: globalRows(view).map(finish),
    task: [...taskCountRows(view).map(finish), ...selected, ...focused, ...shownTasks.flat()],
    patch: patchRows(view).map(finish),
    object: objectRows(view).map(finish),
    func: funcRows(view).map(finish),
    func_stack: funcStackRows(view).map(finish),
    shadow: shadowRows(view, prev).map(finish),
  };
  // Shadow variables are the business of a few patches: the section shows while the hash holds some, or just lost its last.
  const shadowShown = view.shadow.length > 0 || (prev?.shadow.length ?? 0) > 0;
  const sections = SECTIONS.filter((s) => s.scope !== 'shadow' || shadowShown).map((s) => ({
    ...s,
    rows: byScope[s.scope],
    more: s.scope === 'task' ? moreTasks : 0,
  }));
  return { sections, rows: sections.flatMap((s) => s.rows), taskTotal: view.tasks.length, moreTasks };
}

/** Just the rows: { scope, name, value, changed } and the rest. */
export function kernelStateRows(
  view: KernelView,
  prev: KernelView | null,
  selectedPid: number | null = null,
  opts: KernelStateOptions = {},
): StateRow[] {
  return kernelState(view, prev, selectedPid, opts).rows;
}

// --- fitted to a box -------------------------------------------------------------

export interface FitSection extends StateSection {
  /** rows left out at this level, besides `more` */
  hidden: number;
  /** none of its rows is shown: the section is one line */
  folded: boolean;
}

export interface KernelStateFit {
  sections: FitSection[];
  /** the lede and each section's source */
  sources: boolean;
  /** what is left out, said per section ("… and 3 rows not about this step", a folded section's line) */
  leftOut: boolean;
}

/** The most compact level kernelStateFit() draws. */
export const STATE_MAX_LEVEL = 3;

/**
 * What Kernel state draws at a detail level (fit.ts): 0 every row; 1 only
 * the rows the step is about (and the selected task's), each other section
 * one line saying how many rows it holds; 2 also without the lede and the
 * sections' sources; 3 nothing but those rows.
 */
export function kernelStateFit(ks: KernelState, focus: readonly Actor[], level: number): KernelStateFit {
  const sections = ks.sections.map((s): FitSection => {
    if (level < 1) return { ...s, hidden: 0, folded: false };
    if (level >= 3 && !s.rows.some((r) => r.selected || rowFocus(r, focus) !== undefined)) return { ...s, rows: [], hidden: s.rows.length, more: 0, folded: true };
    const rows = s.rows.filter((r) => r.selected || rowFocus(r, focus) !== undefined);
    return { ...s, rows, hidden: s.rows.length - rows.length, folded: rows.length === 0 && s.rows.length + s.more > 0 };
  });
  return { sections, sources: level < 2, leftOut: level < 3 };
}

/** What a section leaves out, in words: "3 rows", "4 rows and 40 more tasks"; '' when nothing. */
export function leftOut(s: Pick<FitSection, 'hidden' | 'more'>): string {
  const parts = [s.hidden > 0 ? `${s.hidden} row${s.hidden === 1 ? '' : 's'}` : '', s.more > 0 ? `${s.more} more task${s.more === 1 ? '' : 's'}` : ''];
  return parts.filter(Boolean).join(' and ');
}
