/**
 * Pure data and layout for PatchStack.svelte: the klp_patches list as a
 * stack (first loaded at the bottom), what the kernel would say about each
 * patch, which shell commands apply, and each patched function's func_stack
 * (klp_ops) laid out with a d3 band scale. No DOM here, so Vitest can test it.
 */
import { easeCubicIn, easeCubicOut } from 'd3-ease';
import { band as bandScale, lerp } from './motion';
import type { AnimationConfig } from 'svelte/animate';
import type { TransitionConfig } from 'svelte/transition';
import type { FuncStackView, KernelView, ObjectView, PatchView } from '../kernel/view/types';

const SYSFS = '/sys/kernel/livepatch';

// --- patch cards -----------------------------------------------------------

export interface StackButton {
  label: 'Disable' | 'Reverse' | 'Force';
  /** exactly what a user would type */
  command: string;
  /** accessible name, e.g. "Disable test_klp_livepatch" */
  ariaLabel: string;
}

export interface FuncRow {
  /** the <function,sympos> directory name */
  dir: string;
  oldName: string;
  /** what runs instead: the replacement, or "nop" (the original code) */
  target: string;
  nop: boolean;
  patched: boolean;
  transition: boolean;
  changed: boolean;
}

export interface ObjectRow {
  name: string;
  loaded: boolean;
  patched: boolean;
  dynamic: boolean;
  /** "loaded, patched", "not loaded", … */
  status: string;
  funcs: FuncRow[];
  changed: boolean;
}

/** A colour class for the state badge. */
export type Tone = 'patching' | 'unpatching' | 'enabled' | 'gone' | 'busy';

export interface PatchCard {
  name: string;
  /** on klp_patches */
  listed: boolean;
  /** position on klp_patches, 0 = the list head (bottom); -1 when off the list */
  slot: number;
  /** the state in the kernel's words */
  stateWord: string;
  tone: Tone;
  /** what the sysfs files read: enabled, transition */
  files: { enabled: 0 | 1; transition: 0 | 1 };
  replace: boolean;
  stackOrder: number;
  forced: boolean;
  transition: boolean;
  /** the replace patch that took over, if this step shows it */
  replacedBy: string | null;
  objects: ObjectRow[];
  buttons: StackButton[];
  /** state differs from the step before (or the patch is new) */
  changed: boolean;
  /** a replace patch whose transition just completed: it is now the whole stack */
  settled: boolean;
}

export interface PatchStackModel {
  /** listed patches, top (newest) first */
  stack: PatchCard[];
  /** off klp_patches but not yet freed: waiting for free_work */
  offList: PatchCard[];
  transitionPatch: string | null;
}

/** The patch machine's state as the kernel (and its log) would describe it. */
export function stateWord(p: PatchView, replacedBy: string | null = null): { word: string; tone: Tone } {
  switch (p.state) {
    case 'patching':
      return { word: 'patching', tone: 'patching' };
    case 'unpatching':
      return { word: 'unpatching', tone: 'unpatching' };
    case 'enabled':
      return { word: 'enabled', tone: 'enabled' };
    case 'replaced':
      return { word: replacedBy ? `replaced by ${replacedBy}` : 'replaced', tone: 'gone' };
    case 'disabled': {
      const head = replacedBy ? `replaced by ${replacedBy}` : 'disabled';
      return { word: p.freeWorkPending ? `${head} — free_work queued` : head, tone: 'gone' };
    }
    case 'loading':
    case 'checking':
      return { word: 'klp_enable_patch()', tone: 'busy' };
    case 'initializing':
      return { word: 'klp_init_patch()', tone: 'busy' };
    case 'registered':
    case 'enabling':
      return { word: p.state, tone: 'busy' };
    default:
      // failed, refused, freed: final states the view rarely sees
      return { word: p.state, tone: 'gone' };
  }
}

/** Which shell commands make sense for this patch right now. */
export function buttonsFor(p: PatchView): StackButton[] {
  if (!p.listed) return [];
  const dir = `${SYSFS}/${p.name}`;
  if (p.transition) {
    // enabled_store() on klp_transition_patch reverses: write the opposite of `enabled`.
    const value = p.enabled ? 0 : 1;
    return [
      { label: 'Reverse', command: `echo ${value} > ${dir}/enabled`, ariaLabel: `Reverse ${p.name}` },
      { label: 'Force', command: `echo 1 > ${dir}/force`, ariaLabel: `Force ${p.name}` },
    ];
  }
  if (p.enabled) return [{ label: 'Disable', command: `echo 0 > ${dir}/enabled`, ariaLabel: `Disable ${p.name}` }];
  return [];
}

export function funcDir(f: { oldName: string; sympos: number }): string {
  return `${f.oldName},${f.sympos || 1}`;
}

function objectStatus(o: ObjectView): string {
  const parts = [o.loaded ? 'loaded' : 'not loaded', o.patched ? 'patched' : 'not patched'];
  if (o.dynamic) parts.push('dynamic (holds nops)');
  return parts.join(', ');
}

function objectRows(p: PatchView, before: PatchView | undefined): ObjectRow[] {
  return p.objects.map((o) => {
    const ob = before?.objects.find((x) => x.name === o.name);
    return {
      name: o.name,
      loaded: o.loaded,
      patched: o.patched,
      dynamic: o.dynamic,
      status: objectStatus(o),
      changed: before !== undefined && (!ob || ob.loaded !== o.loaded || ob.patched !== o.patched),
      funcs: o.funcs.map((f) => {
        const fb = ob?.funcs.find((x) => x.oldName === f.oldName && x.sympos === f.sympos);
        return {
          dir: funcDir(f),
          oldName: f.oldName,
          target: f.nop ? 'nop' : (f.newName ?? '?'),
          nop: f.nop,
          patched: f.patched,
          transition: f.transition,
          changed: before !== undefined && (!fb || fb.patched !== f.patched || fb.transition !== f.transition),
        };
      }),
    };
  });
}

function patchChanged(p: PatchView, b: PatchView | undefined): boolean {
  if (!b) return true;
  return (
    b.state !== p.state ||
    b.enabled !== p.enabled ||
    b.transition !== p.transition ||
    b.forced !== p.forced ||
    b.listed !== p.listed ||
    b.freeWorkPending !== p.freeWorkPending ||
    b.stackOrder !== p.stackOrder
  );
}

/**
 * The replace patch whose transition completed between prev and view, if
 * any: it was klp_transition_patch going to PATCHED and now simply is enabled.
 */
export function justCompletedReplace(view: KernelView, prev: KernelView | null): PatchView | null {
  if (!prev) return null;
  for (const p of view.patches) {
    const b = prev.patches.find((x) => x.name === p.name);
    if (p.replace && p.listed && p.enabled && !p.transition && b?.transition && b.enabled) return p;
  }
  return null;
}

export function patchStackModel(view: KernelView, prev: KernelView | null): PatchStackModel {
  const replacer = justCompletedReplace(view, prev);
  const listed = view.patches.filter((p) => p.listed);
  const card = (p: PatchView): PatchCard => {
    const b = prev?.patches.find((x) => x.name === p.name);
    // Only a patch that was on the list a step ago was taken off by the replace.
    const replacedBy = replacer && !p.listed && b?.listed ? replacer.name : null;
    const { word, tone } = stateWord(p, replacedBy);
    return {
      name: p.name,
      listed: p.listed,
      slot: p.listed ? listed.indexOf(p) : -1,
      stateWord: word,
      tone,
      files: { enabled: p.enabled ? 1 : 0, transition: p.transition ? 1 : 0 },
      replace: p.replace,
      stackOrder: p.stackOrder,
      forced: p.forced,
      transition: p.transition,
      replacedBy,
      objects: objectRows(p, prev ? b : undefined),
      buttons: buttonsFor(p),
      changed: prev !== null && patchChanged(p, b),
      settled: replacer === p,
    };
  };
  return {
    stack: listed.map(card).reverse(),
    offList: view.patches.filter((p) => !p.listed).map(card),
    transitionPatch: view.transition.patch,
  };
}

// --- func_stack diagrams ---------------------------------------------------

/** SVG user units; the SVG is drawn at this size and only shrinks to fit. */
export const ROW_HEIGHT = 44;
export const STACK_WIDTH = 460;

export interface FuncStackRow {
  /** stable key within the diagram: the patch name, or "(original)" */
  key: string;
  kind: 'entry' | 'original';
  patch: string | null;
  /** "test_klp_livepatch: livepatch_cmdline_proc_show" */
  label: string;
  /** first line: the code this entry runs */
  code: string;
  /** second line: whose entry it is */
  owner: string;
  nop: boolean;
  transition: boolean;
  /** the top entry: what klp_ftrace_handler() picks for an up-to-date task */
  top: boolean;
  /** who runs this row now, if anyone: "runs now", or which universe during a transition */
  badge: string | null;
  y: number;
  height: number;
  changed: boolean;
}

export interface FuncStackLayout {
  key: string;
  title: string;
  rows: FuncStackRow[];
  width: number;
  height: number;
  /** while the top entry has func->transition set: who runs what */
  note: string | null;
  ariaLabel: string;
  changed: boolean;
}

const ORIGINAL = '(original)';

function entryLabel(e: FuncStackView['entries'][number], fn: string): string {
  return e.nop ? `${e.patch}: nop → original ${fn}` : `${e.patch}: ${e.newFunc}`;
}

/** What a task whose patch_state is KLP_UNPATCHED runs: the next entry down, or the original. */
function below(s: FuncStackView, i: number): string {
  const next = s.entries[i + 1];
  if (!next) return `the original ${s.fn}`;
  return next.nop ? `the original ${s.fn} (nop of ${next.patch})` : `${next.newFunc} of ${next.patch}`;
}

export function funcStackLayout(s: FuncStackView, view: KernelView, prev: KernelView | null): FuncStackLayout {
  const keys = [...s.entries.map((e) => e.patch), ORIGINAL];
  const band = bandScale(keys, keys.length * ROW_HEIGHT, 0.2);
  const before = prev?.funcStacks.find((x) => x.key === s.key);
  const inTransition = s.entries[0]?.transition ?? false;
  // klp_ftrace_handler(): a task in KLP_UNPATCHED skips a top entry with func->transition set.
  const badgeAt = (i: number): string | null =>
    i === 0 ? (inTransition ? 'runs for KLP_PATCHED tasks' : 'runs now') : i === 1 && inTransition ? 'runs for KLP_UNPATCHED tasks' : null;
  const rows: FuncStackRow[] = s.entries.map((e, i) => {
    const b = before ? before.entries.findIndex((x) => x.patch === e.patch) : -1;
    return {
      key: e.patch,
      kind: 'entry',
      patch: e.patch,
      label: entryLabel(e, s.fn),
      code: e.nop ? `nop → original ${s.fn}` : e.newFunc,
      owner: e.patch,
      nop: e.nop,
      transition: e.transition,
      top: i === 0,
      badge: badgeAt(i),
      y: band(e.patch) ?? 0,
      height: band.bandwidth(),
      // new on the stack, moved, or its transition flag flipped
      changed: prev !== null && (b === -1 || b !== i || before?.entries[b]?.transition !== e.transition),
    };
  });
  rows.push({
    key: ORIGINAL,
    kind: 'original',
    patch: null,
    label: `original ${s.fn} (${s.obj})`,
    code: s.fn,
    owner: `original code (${s.obj})`,
    nop: false,
    transition: false,
    top: false,
    badge: s.entries.length === 0 ? 'runs now' : badgeAt(s.entries.length),
    y: band(ORIGINAL) ?? 0,
    height: band.bandwidth(),
    changed: false,
  });

  let note: string | null = null;
  const top = s.entries[0];
  if (top?.transition) {
    const p = view.patches.find((x) => x.name === top.patch);
    const runs = below(s, 0);
    note =
      p && !p.enabled
        ? `Unpatching: tasks already switched to KLP_UNPATCHED run ${runs}; the others still run ${entryLabel(top, s.fn)}.`
        : `Patching: tasks still in the old universe (KLP_UNPATCHED) run ${runs}; migrated tasks run the top entry.`;
  }
  const runsNow = top ? entryLabel(top, s.fn) : `the original ${s.fn}`;
  return {
    key: s.key,
    title: `${s.obj}: ${s.fn}`,
    rows,
    width: STACK_WIDTH,
    height: keys.length * ROW_HEIGHT,
    note,
    ariaLabel: `func_stack of ${s.fn} in ${s.obj}, top first: ${rows.map((r) => r.label).join('; ')}. Runs now: ${runsNow}.`,
    changed: prev !== null && !before,
  };
}

export function funcStacksModel(view: KernelView, prev: KernelView | null): FuncStackLayout[] {
  return view.funcStacks.map((s) => funcStackLayout(s, view, prev));
}

// --- motion ----------------------------------------------------------------

/** Durations are zero when the user asked for reduced motion. */
export function motionDuration(ms: number, reduced: boolean): number {
  return reduced ? 0 : ms;
}

/** Easing for the stack's motion (d3-ease), also used by the component's crossfade. */
export const easeIn = easeCubicIn;
export const easeOut = easeCubicOut;

/**
 * A patch leaving (replaced, or freed): it slides sideways and fades.
 * d3-ease shapes the motion; Svelte plays the frames.
 */
export function leave(_node: Element, { duration = 400, dx = 48 }: { duration?: number; dx?: number } = {}): TransitionConfig {
  // Svelte runs t from 1 to 0 on the way out.
  const x = lerp(dx, 0);
  return { duration, easing: easeIn, css: (t) => `transform: translateX(${x(t)}px); opacity: ${t}` };
}

/**
 * Cards moving within the stack (others left from under them): translate
 * only, unlike flip, so text never scales while a card changes height.
 */
export function settle(
  _node: Element,
  { from, to }: { from: DOMRect; to: DOMRect },
  { duration = 450 }: { duration?: number } = {},
): AnimationConfig {
  const dy = from.top - to.top;
  const y = lerp(dy, 0);
  return { duration: dy === 0 ? 0 : duration, easing: easeOut, css: (t) => `transform: translateY(${y(t)}px)` };
}
