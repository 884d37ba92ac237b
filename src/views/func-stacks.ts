/**
 * Pure data and layout for FuncStacks.svelte, "who runs what": each patched
 * function's func_stack (klp_ops), top entry first, the original code at the
 * bottom, and during a transition which universe runs which entry. No DOM
 * here, so Vitest can test it.
 */
import { band as bandScale } from './motion';
import type { FuncStackView, KernelView } from '../kernel/view/types';

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

