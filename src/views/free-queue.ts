/**
 * Pure data for FreeQueue.svelte: why rmmod of a livepatch module fails
 * while its patch exists and works after free_work ran. For each patch: its
 * kobject tree with reference counts and sysfs directories, and how far the
 * free path (klp_free_patch_start(), free_work, klp_free_patch_finish()) got;
 * the pending work items; each livepatch module's refcnt. No DOM here.
 */
import type { KernelView, ModuleView, PatchView, PendingWork } from '../kernel/view/types';
import { actorKind, actorName, type Actor } from './focus';

const SYSFS = '/sys/kernel/livepatch';
const FREE_WORK = 'klp_free_patch_work_fn';
const TRANSITION_WORK = 'klp_transition_work_fn';
const USEC_PER_SEC = 1_000_000;

// --- kobjects ----------------------------------------------------------------

export interface KobjRow {
  /** 0 patch, 1 object, 2 function */
  depth: 0 | 1 | 2;
  /** the kobject's name: its sysfs directory name */
  name: string;
  path: string;
  refs: number;
  /** its directory exists */
  sysfs: boolean;
  /** gone since the step before: its last kobject_put() ran */
  gone: boolean;
  /** refs or directory changed since the step before */
  changed: boolean;
}

export type StepStatus = 'done' | 'next' | 'waiting' | 'skipped';

export interface FreeStep {
  id: 'start' | 'queue' | 'put' | 'release' | 'complete' | 'module_put';
  /** the kernel call, e.g. "klp_free_patch_start()" */
  call: string;
  text: string;
  status: StepStatus;
}

export type FreePhase = 'in-use' | 'unpatching' | 'started' | 'queued' | 'freed';

export interface PatchFree {
  name: string;
  phase: FreePhase;
  /** one sentence: where the patch is on its way to being freed */
  summary: string;
  /** the same in a few words, for a card drawn as one line */
  brief: string;
  forced: boolean;
  kobjs: KobjRow[];
  steps: FreeStep[];
  changed: boolean;
}

function funcName(f: { oldName: string; sympos: number }): string {
  return `${f.oldName},${f.sympos || 1}`;
}

/**
 * The patch → objects → functions kobjects, with ghosts of those put since
 * `before`; `compare` is false when there is no step before to compare with.
 */
export function kobjTree(p: PatchView | undefined, before: PatchView | undefined, compare = before !== undefined): KobjRow[] {
  const base = p ?? before;
  if (!base) return [];
  const root = `${SYSFS}/${base.name}`;
  const rows: KobjRow[] = [];
  const row = (depth: 0 | 1 | 2, name: string, path: string, now: { kobjRefs: number; sysfs: boolean } | undefined, was: { kobjRefs: number; sysfs: boolean } | undefined) => {
    rows.push({
      depth,
      name,
      path,
      refs: now?.kobjRefs ?? 0,
      sysfs: now?.sysfs ?? false,
      gone: !now && !!was,
      changed:
        compare && (!was || !now || was.kobjRefs !== now.kobjRefs || was.sysfs !== now.sysfs),
    });
  };
  row(0, base.name, root, p, before);
  // Objects and functions in the view's order, then those only the step before had.
  const objNames = [...(p?.objects ?? []).map((o) => o.name)];
  for (const o of before?.objects ?? []) if (!objNames.includes(o.name)) objNames.push(o.name);
  for (const name of objNames) {
    const o = p?.objects.find((x) => x.name === name);
    const ob = before?.objects.find((x) => x.name === name);
    row(1, name, `${root}/${name}`, o, ob);
    const fnames = (o?.funcs ?? []).map(funcName);
    for (const f of ob?.funcs ?? []) if (!fnames.includes(funcName(f))) fnames.push(funcName(f));
    for (const fname of fnames) {
      const f = o?.funcs.find((x) => funcName(x) === fname);
      const fb = ob?.funcs.find((x) => funcName(x) === fname);
      row(2, fname, `${root}/${name}/${fname}`, f, fb);
    }
  }
  return rows;
}

// --- the free path -----------------------------------------------------------

/** The whole path once, for the caption: who runs what, in order. */
export const FREE_SEQUENCE: { call: string; where: string }[] = [
  { call: 'klp_free_patch_start()', where: 'under klp_mutex' },
  { call: 'schedule_work(&patch->free_work)', where: 'under klp_mutex' },
  { call: 'kobject_put(&patch->kobj)', where: 'klp_free_patch_work_fn() → klp_free_patch_finish()' },
  { call: 'klp_kobj_release_patch()', where: 'the release callback' },
  { call: 'complete(&patch->finish)', where: 'wait_for_completion() returns' },
  { call: 'module_put(patch->mod)', where: 'skipped if forced' },
];

function steps(name: string, phase: FreePhase, forced: boolean): FreeStep[] {
  const started = phase === 'started' || phase === 'queued' || phase === 'freed';
  const finished = phase === 'freed';
  const st = (done: boolean, next: boolean): StepStatus => (done ? 'done' : next ? 'next' : 'waiting');
  return [
    {
      id: 'start',
      call: 'klp_free_patch_start()',
      text: 'under klp_mutex: list_del() from klp_patches; kobject_put() on every function and object, whose directories go',
      status: st(started, phase === 'unpatching'),
    },
    {
      id: 'queue',
      call: 'schedule_work(&patch->free_work)',
      text: 'the rest must run outside klp_mutex, from the system workqueue',
      status: st(phase === 'queued' || finished, phase === 'started'),
    },
    {
      id: 'put',
      call: 'kobject_put(&patch->kobj)',
      text: `klp_free_patch_work_fn() → klp_free_patch_finish(): the last reference; ${SYSFS}/${name} goes`,
      status: st(finished, phase === 'queued'),
    },
    {
      id: 'release',
      call: 'klp_kobj_release_patch()',
      text: 'the kobject release callback',
      status: st(finished, false),
    },
    {
      id: 'complete',
      call: 'complete(&patch->finish)',
      text: 'wait_for_completion() in klp_free_patch_finish() returns: nothing touches struct klp_patch any more',
      status: st(finished, false),
    },
    {
      id: 'module_put',
      call: 'module_put(patch->mod)',
      text: forced
        ? 'skipped: the transition was forced, a task may still run the module\'s code'
        : 'drops the reference klp_enable_patch() took with try_module_get(): refcnt 1 → 0',
      status: forced ? 'skipped' : st(finished, false),
    },
  ];
}

function phaseOf(p: PatchView): FreePhase {
  if (p.listed) return p.transition && !p.enabled ? 'unpatching' : 'in-use';
  return p.freeWorkPending ? 'queued' : 'started';
}

function brief(p: PatchView | undefined, phase: FreePhase, forced: boolean): string {
  switch (phase) {
    case 'in-use':
      return p?.transition ? 'patching, on klp_patches' : 'in use, on klp_patches';
    case 'unpatching':
      return 'unpatching, then klp_free_patch_start()';
    case 'started':
      return 'off klp_patches: klp_free_patch_start() ran';
    case 'queued':
      return 'off klp_patches, free_work queued';
    case 'freed':
      return forced ? 'freed: directory gone; module_put() skipped (forced)' : 'freed: directory gone; module_put() done';
  }
}

function summary(p: PatchView | undefined, phase: FreePhase): string {
  switch (phase) {
    case 'in-use':
      return p?.transition
        ? 'Patching: on klp_patches; it is freed only after it is disabled or replaced.'
        : 'In use: on klp_patches; it is freed only after it is disabled or replaced.';
    case 'unpatching':
      return 'Unpatching: when the transition completes, klp_complete_transition() is followed by klp_free_patch_start().';
    case 'started':
      return 'Off klp_patches: klp_free_patch_start() ran.';
    case 'queued':
      return 'Off klp_patches, free_work queued: the patch directory stays until klp_free_patch_work_fn() runs.';
    case 'freed':
      return 'Freed by klp_free_patch_finish(): the directory is gone and struct klp_patch is no longer used.';
  }
}

export function patchFree(view: KernelView, prev: KernelView | null): PatchFree[] {
  const out: PatchFree[] = view.patches.map((p) => {
    const before = prev?.patches.find((x) => x.name === p.name);
    const phase = phaseOf(p);
    const prevPhase = before ? phaseOf(before) : null;
    return {
      name: p.name,
      phase,
      summary: summary(p, phase),
      brief: brief(p, phase, p.forced),
      forced: p.forced,
      kobjs: kobjTree(p, before, prev !== null),
      steps: steps(p.name, phase, p.forced),
      changed: prev !== null && prevPhase !== phase,
    };
  });
  // A patch the step before had and this one has not: free_work just ran.
  for (const before of prev?.patches ?? []) {
    if (view.patches.some((x) => x.name === before.name)) continue;
    out.push({
      name: before.name,
      phase: 'freed',
      summary: summary(undefined, 'freed'),
      brief: brief(undefined, 'freed', before.forced),
      forced: before.forced,
      kobjs: kobjTree(undefined, before),
      steps: steps(before.name, 'freed', before.forced),
      changed: true,
    });
  }
  return out;
}

// --- pending work ------------------------------------------------------------

export interface WorkRow {
  label: string;
  kind: 'free' | 'transition';
  /** the patch it is for */
  patch: string | null;
  /** seconds from now */
  dueIn: number;
  dueText: string;
  caption: string;
}

/** Seconds, without trailing zeros: 0.00005, 1, 14.5. */
export function formatSeconds(s: number): string {
  return String(Number(s.toFixed(6)));
}

export function formatDue(at: number, now: number): string {
  const d = at - now;
  return d <= 0 ? 'due now' : `in ${formatSeconds(d / USEC_PER_SEC)} s`;
}

export function workRows(view: KernelView): WorkRow[] {
  const rows: WorkRow[] = [];
  for (const w of [...view.work].sort((a, b) => a.at - b.at)) {
    const r = workRow(w, view);
    if (r) rows.push(r);
  }
  return rows;
}

function workRow(w: PendingWork, view: KernelView): WorkRow | null {
  const due = { dueIn: (w.at - view.time) / USEC_PER_SEC, dueText: formatDue(w.at, view.time) };
  if (w.label.startsWith(FREE_WORK)) {
    const patch = w.label.includes(': ') ? w.label.slice(w.label.indexOf(': ') + 2) : null;
    return {
      label: w.label,
      kind: 'free',
      patch,
      ...due,
      caption: `free_work of ${patch ?? 'a patch'}: klp_free_patch_work_fn() calls klp_free_patch_finish()`,
    };
  }
  if (w.label.startsWith(TRANSITION_WORK)) {
    const patch = view.transition.patch;
    const signals = view.transition.nextSignalAt !== null && view.transition.nextSignalAt === w.at;
    return {
      label: w.label,
      kind: 'transition',
      patch,
      ...due,
      caption:
        `klp_transition_work: klp_try_complete_transition() for ${patch ?? 'the transition'} again` +
        (signals ? ', and klp_send_signals()' : ''),
    };
  }
  return null;
}

// --- livepatch modules -------------------------------------------------------

export interface ModuleRow {
  name: string;
  state: string;
  refcnt: number;
  /** "1 → 0" when it changed since the step before, else "0" */
  refText: string;
  /** the patch holding the reference, while it exists */
  patch: string | null;
  pinnedForever: boolean;
  note: string;
  /** exactly what a user would type */
  command: string;
  ariaLabel: string;
  changed: boolean;
  /** unloaded since the step before */
  gone: boolean;
}

function moduleNote(m: ModuleView): string {
  if (m.pinnedForever) return 'forced: its code may still run, the reference is kept forever';
  if (m.refcnt === 0) return 'nothing holds it: rmmod can unload it';
  if (m.patch) return `patch ${m.patch} holds it (try_module_get() in klp_enable_patch()): rmmod says "in use" until module_put()`;
  return 'in use';
}

export function moduleRows(view: KernelView, prev: KernelView | null): ModuleRow[] {
  const rows: ModuleRow[] = view.modules
    .filter((m) => m.livepatch)
    .map((m) => {
      const b = prev?.modules.find((x) => x.name === m.name);
      const moved = b !== undefined && b.refcnt !== m.refcnt;
      return {
        name: m.name,
        state: m.state,
        refcnt: m.refcnt,
        refText: moved ? `${b.refcnt} → ${m.refcnt}` : String(m.refcnt),
        patch: m.patch,
        pinnedForever: m.pinnedForever,
        note: moduleNote(m),
        command: `rmmod ${m.name}`,
        ariaLabel: `Remove ${m.name}`,
        changed: prev !== null && (!b || moved || b.state !== m.state || b.pinnedForever !== m.pinnedForever),
        gone: false,
      };
    });
  for (const b of prev?.modules ?? []) {
    if (!b.livepatch || view.modules.some((m) => m.name === b.name)) continue;
    rows.push({
      name: b.name,
      state: 'unloaded',
      refcnt: 0,
      refText: '0',
      patch: null,
      pinnedForever: false,
      note: 'unloaded: free_module() ran',
      command: `rmmod ${b.name}`,
      ariaLabel: `Remove ${b.name}`,
      changed: true,
      gone: true,
    });
  }
  return rows;
}

export interface FreeQueueModel {
  patches: PatchFree[];
  work: WorkRow[];
  modules: ModuleRow[];
}

export function freeQueueModel(view: KernelView, prev: KernelView | null): FreeQueueModel {
  return { patches: patchFree(view, prev), work: workRows(view), modules: moduleRows(view, prev) };
}

// --- fitted to a box -------------------------------------------------------------

/**
 * How a patch card is drawn in a box of fixed size: in full; compact (the
 * free path as "✓ done … ▶ current · next", the kobjects removed this step on
 * one line); or as one line (its name and where it is).
 */
export type CardForm = 'full' | 'compact' | 'line';

/** The free path in short: the steps done, the one to show in full, the one after it. */
export interface CompactSteps {
  done: FreeStep[];
  /** the step under way (status next); for a freed patch its last step, module_put(), done or skipped */
  current: FreeStep | null;
  next: FreeStep | null;
  /** waiting steps after `next` */
  later: number;
}

export function compactSteps(steps: readonly FreeStep[]): CompactSteps {
  let at = steps.findIndex((s) => s.status === 'next');
  if (at < 0 && steps.length > 0 && steps.every((s) => s.status === 'done' || s.status === 'skipped')) at = steps.length - 1;
  if (at < 0) return { done: [], current: null, next: null, later: 0 };
  const after = steps.slice(at + 1).filter((s) => s.status === 'waiting');
  return { done: steps.slice(0, at), current: steps[at]!, next: after[0] ?? null, later: Math.max(0, after.length - 1) };
}

/** A card's kobject rows, compact: those still there (or focused) one per line, the removed ones together. */
export interface CompactKobjs {
  rows: KobjRow[];
  removed: KobjRow[];
  /** every removed row went this step (its last kobject_put() ran) */
  released: boolean;
}

/** `focused`: the kobject paths under /sys/kernel/livepatch the step is about, each kept on its own line. */
export function compactKobjs(kobjs: readonly KobjRow[], focused: readonly string[] = []): CompactKobjs {
  const keep = (k: KobjRow) => k.sysfs || focused.includes(k.path.replace(`${SYSFS}/`, ''));
  const removed = kobjs.filter((k) => !keep(k));
  return { rows: kobjs.filter(keep), removed, released: removed.length > 0 && removed.every((k) => k.gone) };
}

export interface FreeFitCard {
  p: PatchFree;
  form: CardForm;
  /** the step is about it: the patch, its module or one of its kobjects is focused (drawn first) */
  related: boolean;
}

export interface FreeFit {
  /** the cards in the order drawn: those the step is about first (their order means nothing) */
  cards: FreeFitCard[];
  /** each card's sentence under its name */
  summaries: boolean;
  /** the pending work's explanations */
  workCaptions: boolean;
  /** the livepatch modules' "why", and their Remove buttons */
  moduleNotes: boolean;
  /** the view's lede and what an empty list means */
  lede: boolean;
}

/** The most compact level freeQueueFit() draws. */
export const FREE_MAX_LEVEL = 3;

/**
 * Whether the step is about patch `name`: the patch or a kobject of it (its
 * card is drawn compact rather than as a line), or, with `module`, also its
 * livepatch module (same name: its card comes first, but the step's picture
 * is the module's row).
 */
export function relatedTo(name: string, focus: readonly Actor[], module = true): boolean {
  return focus.some((a) => {
    const k = actorKind(a);
    const n = actorName(a);
    return (k === 'patch' && n === name) || (module && k === 'module' && n === name) || (k === 'kobject' && (n === name || n.startsWith(`${name}/`)));
  });
}

/**
 * What the free queue draws at a detail level (fit.ts): 0 everything; 1 the
 * cards the step is not about as one line (and those it is about only by
 * their module), the others compact; 2 also without their sentences, the
 * work's and modules' explanations and the view's lede; 3 every card as one
 * line. The cards the step is about come first.
 */
export function freeQueueFit(m: FreeQueueModel, focus: readonly Actor[], level: number): FreeFit {
  const cards = m.patches.map((p) => ({ p, related: relatedTo(p.name, focus), own: relatedTo(p.name, focus, false) }));
  const ordered = [...cards.filter((c) => c.related), ...cards.filter((c) => !c.related)];
  const form = (own: boolean): CardForm => (level <= 0 ? 'full' : !own || level >= 3 ? 'line' : 'compact');
  return {
    cards: ordered.map(({ p, related, own }) => ({ p, related, form: form(own) })),
    summaries: level < 2,
    workCaptions: level < 2,
    moduleNotes: level < 2,
    lede: level < 2,
  };
}
