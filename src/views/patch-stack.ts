/**
 * Pure data and layout for PatchStack.svelte: the klp_patches list as a
 * stack (first loaded at the bottom), what the kernel would say about each
 * patch, which shell commands apply. Each patched function's func_stack is
 * FuncStacks' (func-stacks.ts). No DOM here, so Vitest can test it.
 */
import { easeCubicIn, easeCubicOut } from 'd3-ease';
import { lerp } from './motion';
import type { AnimationConfig } from 'svelte/animate';
import type { TransitionConfig } from 'svelte/transition';
import type { KernelView, ObjectView, PatchView } from '../kernel/view/types';
import { actorKind, actorName, type Actor } from './focus';

const SYSFS = '/sys/kernel/livepatch';

// --- patch cards -----------------------------------------------------------

export interface StackButton {
  label: 'Disable' | 'Enable' | 'Reverse' | 'Force';
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
  /** patches the step before had and this one has not: free_work freed them this step (drawn as gone) */
  freed: string[];
  transitionPatch: string | null;
}

/** The patch machine's state as the kernel (and its log) would describe it. */
export function stateWord(p: PatchView, replacedBy: string | null = null): { word: string; tone: Tone } {
  // Its state is whatever it was when the module went: the memory holding it is what matters now.
  if (p.memoryFreed) return { word: 'module freed by rmmod -f', tone: 'gone' };
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
      // before 5.1 a patch rests here, disabled (echo 1 enables it again); since 5.1 it only passes through
      return p.listed && !p.enabled && p.registered ? { word: 'registered, disabled', tone: 'gone' } : { word: p.state, tone: 'busy' };
    case 'enabling':
      return { word: p.state, tone: 'busy' };
    default:
      // failed, refused, freed: final states the view rarely sees
      return { word: p.state, tone: 'gone' };
  }
}

/** Which shell commands make sense for this patch right now. */
export function buttonsFor(p: PatchView): StackButton[] {
  // Off the list nothing applies; over freed memory every write to its files Oopses the writer.
  if (!p.listed || p.memoryFreed) return [];
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
  if (p.registered && p.state === 'registered') return [{ label: 'Enable', command: `echo 1 > ${dir}/enabled`, ariaLabel: `Enable ${p.name}` }];
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
    freed: (prev?.patches ?? []).filter((b) => !view.patches.some((p) => p.name === b.name)).map((b) => b.name),
    transitionPatch: view.transition.patch,
  };
}

// --- fitted to a box ---------------------------------------------------------------

/**
 * How much of a card is drawn in a box of fixed size: everything; lean (its
 * functions, one line each, without object lines, note or buttons); its files
 * line; or its head alone (name and state). Whatever the detail, the object
 * and function lines the step is about stay.
 */
export type CardDetail = 'full' | 'lean' | 'files' | 'head';

export interface FitCard {
  card: PatchCard;
  detail: CardDetail;
  /** the step is about this patch: it, or a kobject of it, is focused */
  related: boolean;
}

export interface StackFit {
  stack: FitCard[];
  offList: FitCard[];
  /** the "original kernel code" line under the stack */
  base: boolean;
}

/** The most compact level patchStackFit() draws. */
export const STACK_MAX_LEVEL = 4;

/** The kobject path (under /sys/kernel/livepatch) of a card's object, or of a function of it. */
export function objectPath(patch: string, obj: string): string {
  return `${patch}/${obj}`;
}
export function funcPath(patch: string, obj: string, f: Pick<FuncRow, 'dir'>): string {
  return `${patch}/${obj}/${f.dir}`;
}

/** An object line the step is about: its kobject is focused. */
export function objectFocused(card: PatchCard, o: ObjectRow, focus: readonly Actor[]): boolean {
  const path = objectPath(card.name, o.name);
  return focus.some((a) => actorKind(a) === 'kobject' && actorName(a) === path);
}

/** A klp_func line the step is about: its function, or its kobject, is focused. */
export function funcFocused(card: PatchCard, o: ObjectRow, f: FuncRow, focus: readonly Actor[]): boolean {
  const path = funcPath(card.name, o.name, f);
  return focus.some((a) => (actorKind(a) === 'func' && actorName(a) === f.oldName) || (actorKind(a) === 'kobject' && actorName(a) === path));
}

export function cardRelated(name: string, focus: readonly Actor[]): boolean {
  return focus.some((a) => {
    const k = actorKind(a);
    const n = actorName(a);
    return (k === 'patch' && n === name) || (k === 'kobject' && (n === name || n.startsWith(`${name}/`)));
  });
}

/** The object lines a card draws at a detail, each with the klp_func lines under it. */
export interface CardObject {
  obj: ObjectRow;
  /** the object's own line (its name and status) */
  line: boolean;
  funcs: FuncRow[];
}

export function cardObjects(card: PatchCard, detail: CardDetail, focus: readonly Actor[]): CardObject[] {
  if (detail === 'full') return card.objects.map((obj) => ({ obj, line: true, funcs: obj.funcs }));
  return card.objects
    .map((obj) => ({
      obj,
      line: objectFocused(card, obj, focus),
      funcs: detail === 'lean' ? obj.funcs : obj.funcs.filter((f) => funcFocused(card, obj, f, focus)),
    }))
    .filter((o) => o.line || o.funcs.length > 0);
}

/**
 * What the patch stack draws at a detail level (fit.ts). The order of the
 * cards never changes: klp_patches' order is what the stack shows. 0 every
 * card in full; 1 the cards the step is not about reduced to their head;
 * 2 the others lean; 3 those with their files line only; 4 every card its
 * head, and no base line.
 */
export function patchStackFit(m: PatchStackModel, focus: readonly Actor[], level: number): StackFit {
  const detail = (related: boolean): CardDetail => {
    if (level <= 0) return 'full';
    if (!related) return 'head';
    return level === 1 ? 'full' : level === 2 ? 'lean' : level === 3 ? 'files' : 'head';
  };
  // a tray card is its head and files: at level 1 those the step is not about, from 3 every one, lose the files
  const trayDetail = (related: boolean): CardDetail => (level <= 0 || (related && level < 3) ? 'full' : 'head');
  return {
    stack: m.stack.map((card) => {
      const related = cardRelated(card.name, focus);
      return { card, related, detail: detail(related) };
    }),
    offList: m.offList.map((card) => {
      const related = cardRelated(card.name, focus);
      return { card, related, detail: trayDetail(related) };
    }),
    base: level < STACK_MAX_LEVEL,
  };
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
