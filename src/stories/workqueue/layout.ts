/**
 * Geometry and words for WorkqueueStory.svelte, kept out of the component so
 * they are tested without a browser.
 *
 * Units are rem: the SVG is drawn `width × scale` rem wide with a viewBox
 * `width` units wide, so one unit is `scale` rem and every text size below is
 * a size in rem at scale 1. Talk mode's larger root font scales the whole
 * picture, and no text is ever under MIN_TEXT rem: the smallest size used is
 * SMALLEST, and the scale never goes under MIN_SCALE.
 *
 * `layout()` draws the picture for a given width; `fitLayout()` finds the
 * largest, most detailed picture that fits a box (the width and the height
 * the story is given), and when nothing fits, keeps what the step is about
 * (its focus) and leaves the rest out. D3 only does maths here: a horizontal
 * link generator for the edges.
 */
import { linkHorizontal } from 'd3-shape';
import { fitName, shortCommand, textWidth, wrap, type Font } from '../text';

export { shortCommand };
import {
  FILES,
  storySteps,
  storyState,
  type Edge,
  type FileName,
  type PartId,
  type ResourceId,
  type StoryState,
  type ThreadId,
  type ThreadView,
} from './model';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One line of text on the picture, at its baseline. */
export interface Label {
  x: number;
  y: number;
  text: string;
  /** the CSS class that styles it (and picks its font) */
  cls: string;
  size: number;
  anchor: 'start' | 'end';
  /** a bold head before the text, on the same line (the verdict's "Deadlock:") */
  head?: string;
}

export interface Part {
  id: PartId;
  box: Box;
  labels: Label[];
}

export interface LaidEdge extends Edge {
  d: string;
  /** on a cycle of the wait-for graph */
  inCycle: boolean;
}

/** How much a thread box says: full has the command and the callers, compact only the function and the status. */
export type Level = 'full' | 'medium' | 'compact';

export interface Layout {
  /** in picture units */
  width: number;
  height: number;
  /** rem per unit */
  scale: number;
  level: Level;
  /** less space around the resources' text */
  tight: boolean;
  /** the height of the directory's own lines, above its files */
  dirHead: number;
  /** threads and resources side by side in a narrow column (a phone) */
  narrow: boolean;
  /** it fits the height it was given (always, without one) */
  fits: boolean;
  threads: (Part & { id: ThreadId })[];
  mutex: Part;
  dir: Part;
  files: (Part & { id: FileName })[];
  patch: Part;
  finish: Part;
  module: Part;
  verdict: Part;
  /** every part drawn, by id */
  parts: Map<PartId, Part>;
  /** parts left out so that the focus fits a small box */
  hidden: PartId[];
  edges: LaidEdge[];
  /** nodes (thread ids and resource ids) on some cycle */
  cycleNodes: Set<string>;
}

// ---------------------------------------------------------------------------
// Sizes

/** text sizes, in rem at scale 1 */
export const SIZE = {
  tid: 1.25,
  cmd: 0.8,
  pc: 1.05,
  callers: 0.8,
  status: 0.85,
  name: 1.0,
  line: 0.85,
  fname: 0.95,
  count: 0.9,
  state: 0.8,
  path: 0.9,
  verdict: 0.9,
} as const;
const BASE_SIZE: Record<keyof typeof SIZE, number> = SIZE;
/** a phone's narrow column: the larger sizes a little smaller, so names fit */
const NARROW_SIZE: Record<keyof typeof SIZE, number> = { ...SIZE, tid: 1.1, pc: 0.9, name: 0.9, fname: 0.9, path: 0.85, count: 0.85 };
export const SMALLEST = Math.min(...Object.values(SIZE), ...Object.values(NARROW_SIZE));
/** no text under 0.75 rem */
export const MIN_TEXT = 0.75;
export const MIN_SCALE = MIN_TEXT / SMALLEST;
/** the picture grows to fill a large box, up to this */
export const MAX_SCALE = 1.6;
/** a line's height, in font sizes; its baseline sits one font size below its top */
const LEADING = 1.3;
/** the widest the picture gets, in units: beyond it the edges would only get longer */
const MAX_WIDTH = 66;
/** below this width the two columns are narrow (a phone) */
const NARROW = 40;
const PAD = 0.3;

const FONT: Record<string, Font> = {
  tid: 'sansBold',
  cmd: 'mono',
  pc: 'mono',
  where: 'sans',
  callers: 'mono',
  status: 'sansBold',
  name: 'mono',
  line: 'sans',
  fname: 'mono',
  count: 'mono',
  state: 'sans',
  path: 'mono',
  verdict: 'sansBold',
};

interface Seg {
  text: string;
  cls: keyof typeof FONT;
  size: number;
}

const segWidth = (s: Seg) => textWidth(s.text, s.size, FONT[s.cls]!);

/** How a segment breaks when it does not fit a line: prose at spaces, a path after its slashes, a name not at all (it is shortened in the middle). */
function pieces(s: Seg): { parts: string[]; joiner: string } {
  const font = FONT[s.cls]!;
  if (font !== 'mono') return { parts: s.text.split(/\s+/).filter(Boolean), joiner: ' ' };
  if (s.cls === 'path') return { parts: s.text.split(/(?<=\/)/), joiner: '' };
  return { parts: [s.text], joiner: '' };
}

/**
 * Lays text segments out in a box: `left` from the left edge, `right` against
 * the right edge, on one line when they fit; else one after the other,
 * breaking prose between words and paths after a slash, onto more lines.
 */
function flow(box: { x: number; w: number }, top: number, pad: { x: number; y: number }, left: Seg[], right: Seg[]): { labels: Label[]; height: number } {
  const inner = box.w - 2 * pad.x;
  const gap = 0.7;
  const all = [...left, ...right];
  const total = all.reduce((w, s) => w + segWidth(s), 0) + gap * (all.length - 1);
  const labels: Label[] = [];
  let y = top + pad.y;
  if (total <= inner) {
    const size = Math.max(...all.map((s) => s.size));
    const base = y + size;
    let x = box.x + pad.x;
    for (const s of left) {
      labels.push({ x, y: base, text: s.text, cls: s.cls, size: s.size, anchor: 'start' });
      x += segWidth(s) + gap;
    }
    x = box.x + box.w - pad.x;
    for (const s of [...right].reverse()) {
      labels.push({ x, y: base, text: s.text, cls: s.cls, size: s.size, anchor: 'end' });
      x -= segWidth(s) + gap;
    }
    return { labels, height: size * LEADING + 2 * pad.y };
  }
  // the left segments, then the right ones from a new line, each breaking where it may
  type Run = { seg: Seg; text: string; x: number };
  let line: Run[] = [];
  let used = 0;
  const flush = () => {
    if (!line.length) return;
    const size = Math.max(...line.map((r) => r.seg.size));
    for (const r of line) labels.push({ x: box.x + pad.x + r.x, y: y + size, text: r.text, cls: r.seg.cls, size: r.seg.size, anchor: 'start' });
    y += size * LEADING;
    line = [];
    used = 0;
  };
  for (const group of [left, right]) {
    for (const seg of group) {
      const font = FONT[seg.cls]!;
      const { parts, joiner } = pieces(seg);
      let run: Run | null = null;
      for (const part0 of parts) {
        const part = textWidth(part0, seg.size, font) > inner ? fitName(part0, inner, seg.size, font) : part0;
        if (run) {
          const joined = run.text + joiner + part;
          const w = textWidth(joined, seg.size, font);
          if (run.x + w <= inner) {
            run.text = joined;
            used = run.x + w;
            continue;
          }
          flush();
          run = null;
        }
        const w = textWidth(part, seg.size, font);
        if (line.length && used + gap + w > inner) flush();
        run = { seg, text: part, x: line.length ? used + gap : 0 };
        line.push(run);
        used = run.x + w;
      }
    }
    flush();
  }
  flush();
  return { labels, height: y - top + pad.y };
}

// ---------------------------------------------------------------------------
// Words

/** Cuts a string to `max` characters with an ellipsis. */
export function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The callers of the current function, innermost first, in at most `max` characters: "← __klp_disable_patch ← enabled_store ← …". */
export function callers(stack: readonly string[], max = 46): string {
  const outer = stack.slice(0, -1).reverse();
  if (outer.length === 0) return '';
  const text = (k: number) => outer.slice(0, k).map((f) => `← ${f}`).join(' ') + (k < outer.length ? ' ← …' : '');
  let k = outer.length;
  while (k > 0 && text(k).length > max) k--;
  return text(k);
}

const names = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'nothing');

export function statusText(t: ThreadView): string {
  switch (t.status) {
    case 'not-started':
      return t.id === 'W' ? 'no work queued' : 'about to write';
    case 'running':
      return 'running';
    case 'ready':
      return t.id === 'W' && t.pc === null ? 'not run yet' : 'runnable';
    case 'blocked':
      return `asleep on ${names(t.waitsFor)}`;
    case 'woken':
      return 'woken: what it waited for is free';
    case 'done':
      return t.result ?? 'done';
    case 'idle':
      return 'idle';
  }
}

export const mutexLines = (s: StoryState): [string, string] => [
  `owner: ${s.resources.mutex.owner ?? 'none'}`,
  `waiters: ${s.resources.mutex.waiters.join(', ') || 'none'}`,
];

/** The thread's current function, or where it is when not in the kernel. */
export function pcText(t: ThreadView): { text: string; inKernel: boolean } {
  if (t.pc) return { text: `${t.pc}()`, inKernel: true };
  if (t.id === 'W') return { text: t.status === 'done' ? 'work item finished' : t.status === 'ready' ? 'free_work queued' : 'no work queued', inKernel: false };
  return { text: t.status === 'done' ? 'back in user space' : 'in user space', inKernel: false };
}

/** Who a thread is: its shell command, or the worker. */
export function commandText(t: ThreadView, narrow = false): string {
  return t.id === 'W' ? (narrow ? 'kworker' : 'kworker, system workqueue') : t.command;
}

/** A C identifier on as many lines as it needs, broken after underscores: "klp_try_" "complete_" "transition()". */
export function breakName(name: string, max: number, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of name.split(/(?<=_)/)) {
    if (line && textWidth(line + part, size, 'mono') > max) {
      lines.push(line);
      line = '';
    }
    line += part;
  }
  lines.push(line);
  return lines.map((l) => fitName(l, max, size, 'mono'));
}

export function dirLine(s: StoryState): string {
  const p = s.resources.patch;
  const dir = p.dir === 'present' ? 'present' : p.dir === 'deactivated' ? 'being removed' : 'removed';
  return `kobject refcount ${p.kobjRefcount} · ${dir}`;
}

export function moduleLine(s: StoryState): string {
  const n = s.resources.module.refcnt;
  return n > 0 ? `refcnt ${n}: rmmod fails` : 'refcnt 0: rmmod works';
}

/** struct klp_patch P: enabled, in transition, on klp_patches. */
export function patchLine(s: StoryState): string {
  const p = s.resources.patch;
  const state = p.enabled ? (p.transition ? 'patching' : 'enabled') : p.transition ? 'unpatching' : 'disabled';
  const where = p.transition ? 'klp_transition_patch' : p.onList ? 'on klp_patches' : 'off klp_patches';
  return `${state}, ${where}${p.forced ? ', forced' : ''}`;
}

export interface Verdict {
  kind: 'deadlock' | 'ok' | 'none';
  head: string;
  text: string;
}

/** What the wait-for graph says at this step. */
export function verdict(s: StoryState): Verdict {
  if (s.cycle) {
    // each waiting thread once, the main cycle first: "A waits for force, held by B; …"
    const said = new Set<string>();
    const parts: string[] = [];
    for (const c of [s.cycle, ...s.cycles.filter((c) => c !== s.cycle)]) {
      for (let i = 0; i < c.nodes.length; i += 2) {
        const t = c.nodes[i]!;
        const r = c.nodes[i + 1]!;
        const holder = c.nodes[(i + 2) % c.nodes.length]!;
        if (said.has(`${t} ${r}`)) continue;
        said.add(`${t} ${r}`);
        const name = r.startsWith('active(') ? r.slice('active('.length, -1) : r;
        parts.push(`${t} waits for ${name}, held by ${holder === t ? `${t} itself` : holder}`);
      }
    }
    return { kind: 'deadlock', head: 'Deadlock:', text: `${parts.join('; ')}.` };
  }
  const asleep = s.threads.some((t) => t.status === 'blocked' || t.status === 'woken');
  const w = s.threads.find((t) => t.id === 'W')!;
  const workerIn = w.status !== 'idle' && w.status !== 'not-started' && w.pc !== null;
  if (s.variant === 'real' && s.stuck) return { kind: 'ok', head: 'No cycle:', text: 'every thread finished, and module P can be removed.' };
  if (s.variant === 'real' && asleep && workerIn) return { kind: 'ok', head: 'No cycle:', text: 'W holds nothing that A or B wait for.' };
  return { kind: 'none', head: 'No cycle', text: 'in the wait-for graph.' };
}

const cycleText = (s: StoryState) => [s.cycle!, ...s.cycles.filter((c) => c !== s.cycle)].map((c) => [...c.nodes, c.nodes[0]].join(' → ')).join('; ');

/** The SVG's accessible name: what the picture shows, in one sentence or two. */
export function ariaLabel(s: StoryState): string {
  const who = s.threads
    .map((t) => {
      const pc = pcText(t);
      return `${t.id}, ${pc.inKernel ? `in ${pc.text}` : pc.text}: ${statusText(t)}`;
    })
    .join('; ');
  const base = `Wait-for graph of threads A, B and W, klp_mutex, the files of /sys/kernel/livepatch/P, patch P, patch->finish and module P. ${who}.`;
  if (!s.cycle) return `${base} No cycle.`;
  return `${base} Deadlock ${s.cycles.length > 1 ? 'cycles' : 'cycle'}: ${cycleText(s)}.`;
}

/** A text version of the picture: who holds and waits for what, and the resources. */
export function textLines(s: StoryState): string[] {
  const lines = s.threads.map((t) => {
    const where = t.pc ? `in ${t.pc}()` : '';
    const status = t.status === 'blocked' ? 'asleep' : statusText(t);
    return `${t.id} (${t.command}): ${[where, status].filter(Boolean).join(', ')}; holds ${names(t.holds)}; waits for ${names(t.waitsFor)}.`;
  });
  const r = s.resources;
  lines.push(`klp_mutex: owner ${r.mutex.owner ?? 'none'}, waiters ${r.mutex.waiters.join(', ') || 'none'}.`);
  for (const f of r.files) lines.push(`File ${f.name}: ${f.state}, active count ${f.active}${f.holders.length ? ` (held by ${f.holders.join(', ')})` : ''}.`);
  lines.push(`/sys/kernel/livepatch/P: ${dirLine(s)}.`);
  lines.push(`Patch P: ${patchLine(s)}.`);
  lines.push(`patch->finish: ${r.finish.done ? 'completed' : 'not completed'}. free_work: ${r.freeWork === 'none' ? 'not queued' : r.freeWork}.`);
  lines.push(`Module P: ${moduleLine(s)}.`);
  if (s.cycle) lines.push(`${s.cycles.length > 1 ? 'Cycles' : 'Cycle'}: ${cycleText(s)}.`);
  return lines;
}

/** Which parts changed since the step before (part ids). */
export function changedResources(prev: StoryState | null, s: StoryState): Set<PartId> {
  const out = new Set<PartId>();
  if (!prev || prev.variant !== s.variant) return out;
  const a = prev.resources;
  const b = s.resources;
  if (a.mutex.owner !== b.mutex.owner || a.mutex.waiters.join() !== b.mutex.waiters.join()) out.add('klp_mutex');
  b.files.forEach((f, i) => {
    const g = a.files[i];
    if (!g || g.state !== f.state || g.active !== f.active) out.add(f.name);
  });
  if (a.patch.dir !== b.patch.dir || a.patch.kobjRefcount !== b.patch.kobjRefcount) out.add('dir');
  if (patchLine(prev) !== patchLine(s)) out.add('patch');
  if (a.finish.done !== b.finish.done) out.add('finish');
  if (a.module.refcnt !== b.module.refcnt) out.add('module');
  return out;
}

// ---------------------------------------------------------------------------
// Geometry

const link = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>()
  .x((p) => p[0])
  .y((p) => p[1]);

/** vertical distance between two edge ends on one box */
const PORT_GAP = 0.95;

/** `n` points `gap` apart, centred on `mid`. */
export function ports(mid: number, n: number, gap = PORT_GAP): number[] {
  return Array.from({ length: n }, (_, i) => mid + (i - (n - 1) / 2) * gap);
}

const ORDER: readonly ThreadId[] = ['A', 'B', 'W'];

interface Columns {
  width: number;
  narrow: boolean;
  tx: number;
  tw: number;
  rx: number;
  rw: number;
}

function columns(width: number): Columns {
  if (width >= NARROW) {
    const w = Math.min(width, MAX_WIDTH);
    const tw = Math.min(25, Math.max(17, 0.4 * w));
    const rw = Math.min(27, Math.max(17, 0.42 * w));
    return { width: w, narrow: false, tx: PAD, tw, rx: w - PAD - rw, rw };
  }
  const gap = Math.min(3, Math.max(2.2, width * 0.11));
  const tw = (width - 2 * PAD - gap) / 2;
  return { width, narrow: true, tx: PAD, tw, rx: PAD + tw + gap, rw: tw };
}

/** Memo of the verdict's height over the whole story, per width: the space is kept, so nothing jumps. */
const verdictLines = new Map<string, number>();

function verdictText(v: Verdict, max: number): string[] {
  return wrap(`${v.head} ${v.text}`, max, SIZE.verdict, 'sansBold');
}

function reservedVerdictLines(max: number): number {
  const key = max.toFixed(3);
  let n = verdictLines.get(key);
  if (n === undefined) {
    n = 1;
    for (let i = 0; i < storySteps().length; i++) n = Math.max(n, verdictText(verdict(storyState(i)), max).length);
    verdictLines.set(key, n);
  }
  return n;
}

/** Memo: the most status lines any thread needs in the story, per box width. */
const statusLines = new Map<string, number>();

function reservedStatusLines(inner: number): number {
  const key = inner.toFixed(3);
  let n = statusLines.get(key);
  if (n === undefined) {
    n = 1;
    for (let i = 0; i < storySteps().length; i++) {
      for (const t of storyState(i).threads) n = Math.max(n, wrap(statusText(t), inner, SIZE.status, 'sansBold').length);
    }
    statusLines.set(key, n);
  }
  return n;
}

/** Memo: the most lines a thread's function takes in the story, in a narrow box. */
const pcLines = new Map<string, number>();

function reservedPcLines(inner: number, size: number): number {
  const key = `${inner.toFixed(3)} ${size}`;
  let n = pcLines.get(key);
  if (n === undefined) {
    n = 1;
    for (let i = 0; i < storySteps().length; i++) {
      for (const t of storyState(i).threads) {
        const pc = pcText(t);
        n = Math.max(n, (pc.inKernel ? breakName(pc.text, inner, size) : wrap(pc.text, inner, size, 'sans')).length);
      }
    }
    pcLines.set(key, n);
  }
  return n;
}

function threadPart(t: ThreadView, box: { x: number; w: number }, top: number, level: Level, narrow: boolean, reserve: number): Part & { id: ThreadId } {
  const SIZE = narrow ? NARROW_SIZE : BASE_SIZE;
  const padX = narrow ? 0.45 : 0.6;
  const padY = level === 'compact' ? 0.35 : 0.45;
  const inner = box.w - 2 * padX;
  const labels: Label[] = [];
  let y = top + padY;
  const line = (size: number) => {
    const base = y + size;
    y += size * LEADING;
    return base;
  };
  const pc = pcText(t);
  const pcCls = pc.inKernel ? 'pc' : 'where';
  const tidW = textWidth(t.id, SIZE.tid, 'sansBold') + 0.6;
  if (level === 'compact') {
    const base = line(SIZE.tid);
    labels.push({ x: box.x + padX, y: base, text: t.id, cls: 'tid', size: SIZE.tid, anchor: 'start' });
    const text = fitName(pc.text, inner - tidW, SIZE.pc, FONT[pcCls]!);
    labels.push({ x: box.x + padX + tidW, y: base, text, cls: pcCls, size: SIZE.pc, anchor: 'start' });
  } else {
    const command = commandText(t, narrow);
    if (narrow) {
      labels.push({ x: box.x + padX, y: line(SIZE.tid), text: t.id, cls: 'tid', size: SIZE.tid, anchor: 'start' });
      labels.push({ x: box.x + padX, y: line(SIZE.cmd), text: shortCommand(command, inner, SIZE.cmd), cls: 'cmd', size: SIZE.cmd, anchor: 'start' });
    } else {
      const base = line(SIZE.tid);
      labels.push({ x: box.x + padX, y: base, text: t.id, cls: 'tid', size: SIZE.tid, anchor: 'start' });
      labels.push({ x: box.x + padX + tidW, y: base, text: shortCommand(command, inner - tidW, SIZE.cmd), cls: 'cmd', size: SIZE.cmd, anchor: 'start' });
    }
    y += 0.25;
    if (narrow) {
      // a long function name breaks after an underscore onto a second line, kept for every step
      const lines = pc.inKernel ? breakName(pc.text, inner, SIZE.pc) : wrap(pc.text, inner, SIZE.pc, FONT[pcCls]!);
      for (let i = 0; i < reservedPcLines(inner, SIZE.pc); i++) {
        const base = line(SIZE.pc);
        if (lines[i]) labels.push({ x: box.x + padX, y: base, text: lines[i]!, cls: pcCls, size: SIZE.pc, anchor: 'start' });
      }
    } else labels.push({ x: box.x + padX, y: line(SIZE.pc), text: fitName(pc.text, inner, SIZE.pc, FONT[pcCls]!), cls: pcCls, size: SIZE.pc, anchor: 'start' });
    if (level === 'full' && !narrow) {
      const maxChars = Math.floor(inner / textWidth('m', SIZE.callers, 'mono'));
      labels.push({ x: box.x + padX, y: line(SIZE.callers), text: callers(t.stack, maxChars), cls: 'callers', size: SIZE.callers, anchor: 'start' });
    }
  }
  y += 0.15;
  const status = wrap(statusText(t), inner, SIZE.status, 'sansBold');
  for (let i = 0; i < reserve; i++) {
    const base = line(SIZE.status);
    if (status[i]) labels.push({ x: box.x + padX, y: base, text: status[i]!, cls: 'status', size: SIZE.status, anchor: 'start' });
  }
  return { id: t.id, box: { x: box.x, y: top, w: box.w, h: y + padY - top }, labels };
}

export interface Space {
  /** the width the picture may take, in units */
  width: number;
  level?: Level;
  /** less space around the resources' text */
  tight?: boolean;
  /** parts to leave out (fitLayout's last resort) */
  hide?: readonly PartId[];
  /** keep each box as tall as it is at its tallest in the story, so nothing jumps (default true) */
  steady?: boolean;
}

/** Memo: each resource box's height at its tallest over the story, per width and detail. */
const tallest = new Map<string, Map<string, number>>();

function steadyHeights(space: Space): Map<string, number> {
  // Measured a little narrower than asked (a quarter unit), which can only make a box taller: one memo serves nearby widths.
  const width = columns(space.width).narrow === columns(Math.floor(space.width * 4) / 4).narrow ? Math.floor(space.width * 4) / 4 : space.width;
  const key = `${width} ${space.level ?? 'full'} ${space.tight === true}`;
  let h = tallest.get(key);
  if (!h) {
    h = new Map();
    for (let i = 0; i < storySteps().length; i++) {
      const l = layout(storyState(i), { width, level: space.level ?? 'full', tight: space.tight === true, steady: false });
      const heads = [['dirHead', l.dirHead] as const, ...[...l.parts].map(([id, p]) => [id, p.box.h] as const)];
      for (const [id, v] of heads) h.set(id, Math.max(h.get(id) ?? 0, v));
    }
    tallest.set(key, h);
  }
  return h;
}

/** The picture of one step at a given width, as tall as it needs. */
export function layout(state: StoryState, space: Space = { width: 56 }): Layout {
  const level = space.level ?? 'full';
  const hide = new Set(space.hide ?? []);
  const steady = space.steady === false ? new Map<string, number>() : steadyHeights(space);
  const cols = columns(space.width);
  const SIZE = cols.narrow ? NARROW_SIZE : BASE_SIZE;
  const compact = level === 'compact' || space.tight === true;
  const pad = { x: cols.narrow ? 0.45 : 0.6, y: compact ? 0.3 : 0.45 };
  const gap = compact ? 0.45 : 0.7;

  // threads, top down
  const statusReserve = reservedStatusLines(cols.tw - (cols.narrow ? 0.9 : 1.2));
  const shown = ORDER.filter((id) => !hide.has(id));
  let y = PAD;
  const threads = shown.map((id) => {
    const t = threadPart(state.threads.find((x) => x.id === id)!, { x: cols.tx, w: cols.tw }, y, level, cols.narrow, statusReserve);
    y += t.box.h + gap;
    return t;
  });
  const threadsBottom = y - gap;

  // resources, top down
  const rbox = { x: cols.rx, w: cols.rw };
  const r = state.resources;
  const part = (id: PartId, left: Seg[], right: Seg[], top: number, box = rbox): Part => {
    const f = flow(box, top, pad, left, right);
    return { id, box: { x: box.x, y: top, w: box.w, h: Math.max(f.height, steady.get(id) ?? 0) }, labels: f.labels };
  };
  y = PAD;
  const [owner, waiters] = mutexLines(state);
  const mutex = part('klp_mutex', [{ text: 'klp_mutex', cls: 'name', size: SIZE.name }], [{ text: `${owner} · ${waiters}`, cls: 'line', size: SIZE.line }], y);
  y += mutex.box.h + gap;

  // the directory: its path and kobject, then its files inside it
  const dirTop = y;
  const path = '/sys/kernel/livepatch/P/';
  const head = flow(rbox, dirTop, pad, [{ text: path, cls: 'path', size: SIZE.path }], [{ text: dirLine(state), cls: 'line', size: SIZE.line }]);
  const dirHead = Math.max(head.height, steady.get('dirHead') ?? 0);
  y = dirTop + dirHead;
  const inset = cols.narrow ? 0.4 : 0.9;
  const fbox = { x: rbox.x + inset, w: rbox.w - 2 * inset };
  const fileGap = compact ? 0.3 : 0.4;
  const files = r.files
    .filter((f) => !hide.has(f.name))
    .map((f) => {
      const p = part(
        f.name,
        [{ text: f.name, cls: 'fname', size: SIZE.fname }],
        [{ text: `active ${f.active}`, cls: 'count', size: SIZE.count }, ...(f.state === 'active' ? [] : [{ text: f.state, cls: 'state' as const, size: SIZE.state }])],
        y,
        fbox,
      ) as Part & { id: FileName };
      y += p.box.h + fileGap;
      return p;
    });
  // the directory's bottom padding instead of the gap after its last file
  y += pad.y - fileGap;
  const dir: Part = { id: 'dir', box: { x: rbox.x, y: dirTop, w: rbox.w, h: y - dirTop }, labels: head.labels };
  y += gap;

  const patch = part('patch', [{ text: 'patch P', cls: 'name', size: SIZE.name }], [{ text: patchLine(state), cls: 'line', size: SIZE.line }], y);
  if (!hide.has('patch')) y += patch.box.h + gap;
  const finish = part(
    'finish',
    [{ text: 'patch->finish', cls: 'name', size: SIZE.name }],
    [{ text: r.finish.done ? 'completed' : 'not completed', cls: 'state', size: SIZE.line }],
    y,
  );
  if (!hide.has('finish')) y += finish.box.h + gap;
  const module = part('module', [{ text: 'module P', cls: 'name', size: SIZE.name }], [{ text: moduleLine(state), cls: 'state', size: SIZE.line }], y);
  if (!hide.has('module')) y += module.box.h + gap;
  const resourcesBottom = y - gap;

  // Both columns as tall as the taller: the shorter one spreads its boxes.
  const bottom = Math.max(threadsBottom, resourcesBottom);
  if (threadsBottom < bottom && threads.length > 1) {
    const extra = (bottom - threadsBottom) / (threads.length - 1);
    threads.forEach((t, i) => shift(t, i * extra));
  } else if (threadsBottom < bottom) {
    threads.forEach((t) => shift(t, (bottom - threadsBottom) / 2));
  }
  if (resourcesBottom < bottom) {
    const below = [patch, finish, module].filter((p) => !hide.has(p.id));
    const extra = (bottom - resourcesBottom) / (below.length + 1);
    // the gaps above the directory, between it and the boxes below, and between those
    shift(dir, extra);
    for (const f of files) shift(f, extra);
    below.forEach((p, i) => shift(p, extra * (i + 2)));
  }

  // the verdict, across the picture
  const vTop = bottom + gap;
  const vInner = cols.width - 2 * PAD - 2 * pad.x;
  const v = verdict(state);
  const lines = verdictText(v, vInner);
  const reserve = hide.has('verdict') ? 0 : Math.max(lines.length, reservedVerdictLines(vInner));
  const vLabels: Label[] = lines.map((text, i) => {
    const first = i === 0 && text.startsWith(v.head);
    return {
      x: PAD + pad.x,
      y: vTop + pad.y + SIZE.verdict + i * SIZE.verdict * LEADING,
      text: first ? text.slice(v.head.length).trimStart() : text,
      ...(first ? { head: v.head } : {}),
      cls: 'verdict',
      size: SIZE.verdict,
      anchor: 'start' as const,
    };
  });
  const verdictPart: Part = { id: 'verdict', box: { x: PAD, y: vTop, w: cols.width - 2 * PAD, h: reserve * SIZE.verdict * LEADING + 2 * pad.y }, labels: vLabels };
  const height = (hide.has('verdict') ? bottom : vTop + verdictPart.box.h) + PAD;

  // edges: each box spreads its ends along its side, in the order of the boxes at the other end
  const threadBox = new Map(threads.map((t) => [t.id, t.box]));
  const resBox = new Map<ResourceId, Box>([
    ['klp_mutex', mutex.box],
    ['finish', finish.box],
    ...files.map((f): [ResourceId, Box] => [`active(${f.id})`, f.box]),
  ]);
  const midY = (b: Box) => b.y + b.h / 2;
  const drawn = state.edges.filter((e) => threadBox.has(e.thread) && resBox.has(e.resource));
  const tEnd = new Map<string, number>();
  const rEnd = new Map<string, number>();
  const kindRank = (e: Edge) => (e.kind === 'holds' ? 0 : 1);
  for (const t of threads) {
    const mine = drawn
      .filter((e) => e.thread === t.id)
      .sort((a, b) => midY(resBox.get(a.resource)!) - midY(resBox.get(b.resource)!) || kindRank(a) - kindRank(b));
    ports(midY(t.box), mine.length, Math.min(PORT_GAP, (t.box.h - 0.4) / Math.max(1, mine.length))).forEach((py, i) => tEnd.set(mine[i]!.id, py));
  }
  for (const [res, box] of resBox) {
    const mine = drawn
      .filter((e) => e.resource === res)
      .sort((a, b) => midY(threadBox.get(a.thread)!) - midY(threadBox.get(b.thread)!) || kindRank(a) - kindRank(b));
    ports(midY(box), mine.length, Math.min(PORT_GAP, (box.h - 0.4) / Math.max(1, mine.length))).forEach((py, i) => rEnd.set(mine[i]!.id, py));
  }
  const onCycle = new Set(state.cycles.flatMap((c) => c.edges));
  const edges: LaidEdge[] = drawn.map((e) => {
    const tb = threadBox.get(e.thread)!;
    const rb = resBox.get(e.resource)!;
    const t: [number, number] = [tb.x + tb.w, tEnd.get(e.id)!];
    const rr: [number, number] = [rb.x, rEnd.get(e.id)!];
    // holds: the resource points at its holder; waits: the thread points at what it waits for
    const d = e.kind === 'holds' ? link({ source: rr, target: t }) : link({ source: t, target: rr });
    return { ...e, d: d ?? '', inCycle: onCycle.has(e.id) };
  });

  const all: Part[] = [...threads, mutex, dir, ...files, patch, finish, module, verdictPart].filter((p) => !hide.has(p.id));
  return {
    width: cols.width,
    height,
    scale: 1,
    level,
    dirHead,
    tight: compact,
    narrow: cols.narrow,
    fits: true,
    threads,
    mutex,
    dir,
    files,
    patch,
    finish,
    module,
    verdict: verdictPart,
    parts: new Map(all.map((p) => [p.id, p])),
    hidden: [...hide],
    edges,
    cycleNodes: new Set(state.cycles.flatMap((c) => c.nodes)),
  };
}

function shift(p: Part, dy: number) {
  p.box.y += dy;
  for (const l of p.labels) l.y += dy;
}

/** From the most detailed picture down: first the callers go, then the room around the resources, then the commands. */
const DETAILS: readonly { level: Level; tight: boolean }[] = [
  { level: 'full', tight: false },
  { level: 'medium', tight: false },
  { level: 'medium', tight: true },
];

/**
 * The picture for a box `width × height` rem: the most detailed picture that
 * fits at scale 1 or more, grown to fill the box; else at the smallest
 * legible scale; else without the commands (compact); else leaving out the
 * parts the step is not about (`focus`) and no edge touches; else the compact
 * picture, which then does not fit (`fits` false: the story scrolls, the
 * focus in view).
 */
export function fitLayout(state: StoryState, box: { width: number; height: number }, focus: readonly PartId[] = []): Layout {
  // The choice is the same for every step (only the last resort looks at the focus): remember it per box.
  const key = `${box.width.toFixed(3)} ${box.height.toFixed(3)}`;
  const known = chosen.get(key);
  if (known && !known.hide.length) {
    const l = layout(state, { width: box.width / known.scale, level: known.level, tight: known.tight });
    return { ...l, scale: known.scale, fits: l.height * known.scale <= box.height + 1e-9 && l.width * known.scale <= box.width + 1e-9 };
  }
  const l = choose(state, box, focus);
  chosen.set(key, { level: l.level, tight: l.tight, scale: l.scale, hide: l.hidden });
  return l;
}

/** Memo of fitLayout()'s choice, per box. */
const chosen = new Map<string, { level: Level; tight: boolean; scale: number; hide: PartId[] }>();

function choose(state: StoryState, box: { width: number; height: number }, focus: readonly PartId[]): Layout {
  const at = (level: Level, tight: boolean, scale: number, hide: readonly PartId[] = []) => {
    const l = layout(state, { width: box.width / scale, level, tight, hide });
    return { ...l, scale, fits: l.height * scale <= box.height + 1e-9 && l.width * scale <= box.width + 1e-9 };
  };
  const grow = (level: Level, tight: boolean, lo: number, hide: readonly PartId[] = []) => {
    let best = at(level, tight, lo, hide);
    if (!best.fits) return null;
    let hi = MAX_SCALE;
    const top = at(level, tight, hi, hide);
    if (top.fits) return top;
    for (let i = 0; i < 8; i++) {
      const mid = (lo + hi) / 2;
      const l = at(level, tight, mid, hide);
      if (l.fits) {
        best = l;
        lo = mid;
      } else hi = mid;
    }
    return best;
  };
  for (const lo of [1, MIN_SCALE]) {
    for (const d of DETAILS) {
      const l = grow(d.level, d.tight, lo);
      if (l) return l;
    }
  }
  for (const lo of [1, MIN_SCALE]) {
    const l = grow('compact', true, lo);
    if (l) return l;
  }
  const touched = new Set<string>(state.edges.flatMap((e) => [e.thread, e.resource.startsWith('active(') ? e.resource.slice(7, -1) : e.resource]));
  const keep = (id: PartId) => focus.includes(id) || touched.has(id);
  const optional: PartId[] = ['W', 'patch', 'finish', 'module', 'transition', 'verdict'];
  const hide = optional.filter((id) => !keep(id));
  return grow('compact', true, MIN_SCALE, hide) ?? at('compact', true, MIN_SCALE, hide);
}

/** The files of the patch directory, for tests. */
export const FILE_NAMES: readonly FileName[] = FILES;
