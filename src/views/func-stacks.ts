/**
 * Pure data and layout for FuncStacks.svelte, "who runs what": each patched
 * function's func_stack (klp_ops), top entry first, the original code at the
 * bottom, and during a transition which universe runs which entry. Drawn at
 * one SVG unit per CSS px, its text sized from the root font (never under
 * 0.75rem); names too long for a row are shortened in the middle, and a badge
 * that does not fit beside its row's text gets a line of its own. No DOM
 * here, so Vitest can test it.
 */
import type { FuncStackView, KernelView } from '../kernel/view/types';
import { MONO_EM } from './fit';
import { middle } from './text';

/** A diagram's width when nothing says otherwise, px. */
export const STACK_WIDTH = 460;

export interface StackMetrics {
  /** the diagram's width, px */
  width: number;
  /** the root font size, px: text is 0.8rem (the code) and 0.75rem (the rest) */
  rem: number;
  /**
   * drawn for a box of fixed size: no note under the diagram (its badges say
   * the same), the original code on one line, and short badges ("patched
   * tasks" for "runs for KLP_TRANSITION_PATCHED tasks")
   */
  compact?: boolean;
  /** a row's code, owner and badge on one line where they fit (compact, for a box with little height) */
  oneLine?: boolean;
}

export const DEFAULT_METRICS: StackMetrics = { width: STACK_WIDTH, rem: 16 };

/** One line of text in a row, its baseline's centre at y (from the row's top). */
export interface RowLine {
  text: string;
  kind: 'code' | 'owner' | 'badge';
  y: number;
  /** px */
  font: number;
  /** right-aligned (a badge sharing the owner's line) */
  end: boolean;
  /** where it starts, px from the left, when it follows other text on its line (the owner after the code) */
  x?: number;
}

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
  /** what is drawn, as it fits the row: code, owner, badge (beside the owner or below it) */
  lines: RowLine[];
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
  /** while the top entry has func->transition set: who runs what (none when compact) */
  note: string | null;
  /** what an up-to-date task runs: "test_klp_livepatch: livepatch_cmdline_proc_show", "the original cmdline_proc_show" */
  runsNow: string;
  /** the row text's left and right inset, px */
  inset: number;
  ariaLabel: string;
  changed: boolean;
}

const ORIGINAL = '(original)';

function entryLabel(e: FuncStackView['entries'][number], fn: string): string {
  return e.nop ? `${e.patch}: nop → original ${fn}` : `${e.patch}: ${e.newFunc}`;
}

/** What a task whose patch_state is KLP_TRANSITION_UNPATCHED runs: the next entry down, or the original. */
function below(s: FuncStackView, i: number): string {
  const next = s.entries[i + 1];
  if (!next) return `the original ${s.fn}`;
  return next.nop ? `the original ${s.fn} (nop of ${next.patch})` : `${next.newFunc} of ${next.patch}`;
}

/**
 * A row's lines, fitted to the row: the code (0.8rem), the owner and the
 * badge (0.75rem). Too long a name is shortened in the middle; a badge goes
 * on the owner's line, right-aligned, only with two characters of room
 * between them, else on a line of its own.
 */
export function rowLines(code: string, owner: string | null, badge: string | null, m: StackMetrics): { lines: RowLine[]; height: number; inset: number } {
  const big = 0.8 * m.rem;
  const small = 0.75 * m.rem;
  const inset = Math.round(0.6 * big);
  const room = m.width - 2 * inset;
  const fits = (font: number) => Math.max(4, Math.floor(room / (font * MONO_EM)));
  const lineH = (font: number) => font * 1.4;
  const pad = 0.35 * big;
  const lines: RowLine[] = [];
  let y = pad;
  const add = (text: string, kind: RowLine['kind'], font: number, end = false, newLine = true) => {
    if (newLine) y += lineH(font);
    lines.push({ text, kind, font, end, y: y - lineH(font) / 2 });
  };
  if (m.oneLine && owner !== null) {
    // code · owner · badge on one line, when all of them fit whole
    const need = code.length * big + (2 + owner.length) * small + (badge ? (2 + badge.length) * small : 0);
    if (need <= room / MONO_EM) {
      add(code, 'code', big);
      const y0 = lines[0]!.y;
      lines.push({ text: owner, kind: 'owner', font: small, end: false, y: y0, x: inset + Math.ceil((code.length * big + 2 * small) * MONO_EM) });
      if (badge) lines.push({ text: badge, kind: 'badge', font: small, end: true, y: y0 });
      return { lines, height: Math.ceil(y + pad), inset };
    }
  }
  const codeText = middle(code, fits(big));
  add(codeText, 'code', big);
  if (owner !== null) {
    const ownerText = middle(owner, fits(small));
    add(ownerText, 'owner', small);
    if (badge) {
      const beside = ownerText.length + 2 + badge.length <= fits(small);
      add(middle(badge, fits(small)), 'badge', small, beside, !beside);
    }
  } else if (badge) {
    // no owner line (the original code, compact): the badge beside the code where it fits
    const beside = codeText.length * big + (2 + badge.length) * small <= room / MONO_EM;
    add(middle(badge, fits(small)), 'badge', small, beside, !beside);
  }
  return { lines, height: Math.ceil(y + pad), inset };
}

export function funcStackLayout(s: FuncStackView, view: KernelView, prev: KernelView | null, m: StackMetrics = DEFAULT_METRICS): FuncStackLayout {
  const gap = Math.round(0.35 * m.rem);
  const before = prev?.funcStacks.find((x) => x.key === s.key);
  const inTransition = s.entries[0]?.transition ?? false;
  // klp_ftrace_handler(): a task in the unpatched state skips a top entry with func->transition set.
  const [, UNPATCHED, PATCHED] = view.transition.names;
  const [patched, unpatched] = m.compact ? ['patched tasks', 'unpatched tasks'] : [`runs for ${PATCHED} tasks`, `runs for ${UNPATCHED} tasks`];
  // rmmod -f freed the top entry's module: klp_ftrace_handler() faults reading its klp_func, nothing runs.
  const topFreed = view.patches.some((p) => p.name === s.entries[0]?.patch && p.memoryFreed);
  const badgeAt = (i: number): string | null =>
    i === 0 ? (topFreed ? 'freed: a call Oopses' : inTransition ? patched : 'runs now') : i === 1 && inTransition && !topFreed ? unpatched : null;
  let y = 0;
  let inset = 0;
  /** the row's lines and place: rows stack down, each as tall as its lines */
  const place = (code: string, owner: string | null, badge: string | null) => {
    const r = rowLines(code, owner, badge, m);
    inset = r.inset;
    const at = { lines: r.lines, y, height: r.height };
    y += r.height + gap;
    return at;
  };
  const rows: FuncStackRow[] = s.entries.map((e, i) => {
    const b = before ? before.entries.findIndex((x) => x.patch === e.patch) : -1;
    const code = e.nop ? `nop → original ${s.fn}` : e.newFunc;
    const badge = badgeAt(i);
    return {
      key: e.patch,
      kind: 'entry',
      patch: e.patch,
      label: entryLabel(e, s.fn),
      code,
      owner: e.patch,
      nop: e.nop,
      transition: e.transition,
      top: i === 0,
      badge,
      ...place(code, e.patch, badge),
      // new on the stack, moved, or its transition flag flipped
      changed: prev !== null && (b === -1 || b !== i || before?.entries[b]?.transition !== e.transition),
    };
  });
  const originalBadge = s.entries.length === 0 ? 'runs now' : badgeAt(s.entries.length);
  const originalOwner = `original code (${s.obj})`;
  rows.push({
    key: ORIGINAL,
    kind: 'original',
    patch: null,
    label: `original ${s.fn} (${s.obj})`,
    code: s.fn,
    owner: originalOwner,
    nop: false,
    transition: false,
    top: false,
    badge: originalBadge,
    ...(m.compact ? place(`original code (${s.obj})`, null, originalBadge) : place(s.fn, originalOwner, originalBadge)),
    changed: false,
  });

  let note: string | null = null;
  const top = s.entries[0];
  if (top?.transition && !m.compact) {
    const p = view.patches.find((x) => x.name === top.patch);
    const runs = below(s, 0);
    note =
      p && !p.enabled
        ? `Unpatching: tasks already switched to ${UNPATCHED} run ${runs}; the others still run ${entryLabel(top, s.fn)}.`
        : `Patching: tasks still in the old universe (${UNPATCHED}) run ${runs}; migrated tasks run the top entry.`;
  }
  const runsNow = topFreed ? 'nothing: the top entry is freed memory' : top ? entryLabel(top, s.fn) : `the original ${s.fn}`;
  return {
    key: s.key,
    title: `${s.obj}: ${s.fn}`,
    rows,
    width: m.width,
    height: y - gap,
    note,
    runsNow,
    inset,
    ariaLabel: `func_stack of ${s.fn} in ${s.obj}, top first: ${rows.map((r) => r.label).join('; ')}. Runs now: ${runsNow}.`,
    changed: prev !== null && !before,
  };
}

export function funcStacksModel(view: KernelView, prev: KernelView | null, m: StackMetrics = DEFAULT_METRICS): FuncStackLayout[] {
  return view.funcStacks.map((s) => funcStackLayout(s, view, prev, m));
}


// --- fitted to a box -------------------------------------------------------------

/** How a function's diagram is drawn in a box of fixed size: whole, or as its one title line. */
export interface FitStack {
  layout: FuncStackLayout;
  /** the symbol */
  fn: string;
  /** the step is about it: the function, or a patch with an entry on it, is focused */
  related: boolean;
  /** drawn as one line: its title and what runs */
  line: boolean;
}

/** The most compact level funcStacksFit() draws. */
export const FUNCS_MAX_LEVEL = 3;

/** At this level and above the diagrams are compact (StackMetrics.compact). */
export const FUNCS_COMPACT_LEVEL = 1;

/**
 * What Who runs what draws at a detail level (fit.ts): the diagrams the step
 * is about first (their order means nothing), then 0 every diagram whole;
 * 1 the others as one line, and the diagrams compact; 2 also in two
 * columns where the box is wide enough (the component's part: `columns`);
 * 3 each row on one line where it fits (StackMetrics.oneLine), as wide as the box.
 */
export function funcStacksFit(layouts: readonly FuncStackLayout[], focus: { funcs: readonly string[]; patches: readonly string[] }, level: number): FitStack[] {
  const items = layouts.map((layout) => {
    const fn = layout.title.slice(layout.title.indexOf(': ') + 2);
    const related = focus.funcs.includes(fn) || layout.rows.some((r) => r.patch !== null && focus.patches.includes(r.patch));
    return { layout, fn, related, line: level >= FUNCS_COMPACT_LEVEL && !related };
  });
  return [...items.filter((i) => i.related), ...items.filter((i) => !i.related)];
}

/** How many columns of diagrams at a level: two from level 2 for two diagrams or more, where each keeps `min` px, else one. */
export function funcColumns(level: number, boxWidth: number, gap: number, min: number, diagrams: number): number {
  return level >= 2 && diagrams > 1 && (boxWidth - gap) / 2 >= min ? 2 : 1;
}
