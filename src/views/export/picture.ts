/**
 * A step's picture as one self-contained SVG file (issue 11: pictures for
 * slides and articles): the caption if asked for, then the step's focused
 * views, drawn from the views' own layout code (layoutWithLabels, markShape,
 * markLook, summarize, patchStackModel), never from the screen. Colours are
 * the theme's, resolved to values; fonts are the theme's lists, with their
 * fallbacks. The views without a drawing of their own here (who runs what,
 * the free queue, kernel state, sysfs, modules, statecharts) are shown by
 * the patch stack, which carries their patches.
 */
import type { KernelView, TaskView } from '../../kernel/view/types';
import { VIEW_TITLES, type Focus, type KernelViewId } from '../focus';
import { blockerText, describeTask, isBlockingFrame, layoutWithLabels, markLook, markShape, moreFrames, stackWindow, summarize, taskNames, type MarkShape } from '../task-migration';
import { patchStackModel, type PatchCard, type Tone } from '../patch-stack';
import { cut, el, esc, fmt, wrap } from './svg';
import type { StepRecord } from '../../session/situation';
import { formatTimestamp } from '../../kernel/world/log-format';

/** The theme's colours and fonts, as values (read from the page's CSS variables, PALETTE_VARS). */
export interface Palette {
  bg: string;
  panel: string;
  fg: string;
  muted: string;
  border: string;
  accent: string;
  focus: string;
  unpatched: string;
  patched: string;
  pending: string;
  nop: string;
  highlight: string;
  termBg: string;
  termFg: string;
  sans: string;
  mono: string;
}

/** Which CSS variable each colour and font comes from (src/app/theme.css). */
export const PALETTE_VARS: Record<keyof Palette, string> = {
  bg: '--bg',
  panel: '--panel',
  fg: '--fg',
  muted: '--muted',
  border: '--border',
  accent: '--accent',
  focus: '--focus',
  unpatched: '--unpatched',
  patched: '--patched',
  pending: '--pending',
  nop: '--nop',
  highlight: '--highlight',
  termBg: '--term-bg',
  termFg: '--term-fg',
  sans: '--sans',
  mono: '--mono',
};

export interface PictureInput {
  view: KernelView;
  prev: KernelView | null;
  focus: Focus;
  /** the caption band's words, or null for the picture alone */
  caption: { title: string | null; where: string | null; fn: string; text: string } | null;
  /** the step's shell lines and kernel log lines, as the page shows them */
  shell: string[];
  log: string[];
  palette: Palette;
  /** px; the picture's height follows from what it holds */
  width?: number;
}

const PAD = 16;
const SANS_PX = 0.56; // a sans-serif character's width, in ems (an estimate: the file has no layout engine)
const MONO_PX = 0.6;

/** What a focused view is drawn as. */
type Drawn = 'tasks' | 'patches' | 'shell' | 'log';
const DRAWN_AS: Record<KernelViewId, Drawn> = {
  tasks: 'tasks',
  patches: 'patches',
  funcs: 'patches',
  free: 'patches',
  state: 'patches',
  sysfs: 'patches',
  modules: 'patches',
  charts: 'patches',
  shell: 'shell',
  log: 'log',
};

export function pictureSvg(p: PictureInput): { svg: string; width: number; height: number } {
  const width = Math.max(480, Math.round(p.width ?? 1200));
  const c = p.palette;
  const parts: string[] = [];
  let y = PAD;
  if (p.caption) {
    const [svg, h] = captionBlock(p.caption, width - 2 * PAD, c);
    parts.push(el('g', { transform: `translate(${PAD} ${y})` }, svg));
    y += h + PAD;
  }
  const drawn = [...new Set(p.focus.views.filter((v): v is KernelViewId => v !== 'story').map((v) => DRAWN_AS[v]))].slice(0, 2);
  if (drawn.length === 0) drawn.push('patches');
  const gap = PAD;
  const panelWidth = Math.floor((width - 2 * PAD - gap * (drawn.length - 1)) / drawn.length);
  const panels = drawn.map((d) => panel(d, p, panelWidth));
  const panelHeight = Math.max(...panels.map(([, h]) => h));
  panels.forEach(([svg], i) => {
    const x = PAD + i * (panelWidth + gap);
    parts.push(
      el(
        'g',
        { transform: `translate(${x} ${y})` },
        el('rect', { width: panelWidth, height: panelHeight, rx: 6, fill: c.panel, stroke: c.border }),
        el('text', { x: 12, y: 26, 'font-size': 18, 'font-weight': 700, fill: c.fg }, esc(VIEW_TITLES[drawn[i]!])),
        el('g', { transform: 'translate(12 40)' }, svg),
      ),
    );
  });
  const height = Math.ceil(y + panelHeight + PAD);
  const title = p.caption?.title ? `${p.caption.title}${p.caption.where ? ` · ${p.caption.where}` : ''}` : 'klpscope';
  const svg = el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': c.sans, fill: c.fg },
    el('title', {}, esc(title)),
    el('rect', { width, height, fill: c.bg }),
    ...parts,
  );
  return { svg: `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`, width, height };
}

/** The caption band: where we are, the function (in the accent colour), the words. */
function captionBlock(cap: NonNullable<PictureInput['caption']>, width: number, c: Palette): [string, number] {
  const out: string[] = [];
  let y = 0;
  if (cap.title || cap.where) {
    y += 16;
    out.push(el('text', { y, 'font-size': 14, fill: c.muted }, esc([cap.title, cap.where].filter(Boolean).join(' · '))));
    y += 8;
  }
  const size = 18;
  const text = cap.fn ? `${cap.fn}()  ${cap.text}` : cap.text;
  const lines = wrap(text, width, size * SANS_PX);
  lines.forEach((line, i) => {
    y += size * 1.35;
    // The function leads the first line, in the accent colour and monospace, as the page shows it.
    if (i === 0 && cap.fn && line.startsWith(`${cap.fn}()`)) {
      const fn = `${cap.fn}()`;
      out.push(
        el(
          'text',
          { y, 'font-size': size },
          el('tspan', { fill: c.accent, 'font-family': c.mono }, esc(fn)),
          el('tspan', {}, esc(line.slice(fn.length))),
        ),
      );
    } else out.push(el('text', { y, 'font-size': size }, esc(line)));
  });
  return [out.join(''), y + 6];
}

/** A panel's content (below its heading), and the panel's whole height. */
function panel(d: Drawn, p: PictureInput, width: number): [string, number] {
  const inner = width - 24;
  const [svg, h] = d === 'tasks' ? tasks(p, inner) : d === 'patches' ? patches(p, inner) : lines(d === 'shell' ? p.shell : p.log, inner, p.palette);
  return [svg, 40 + h + 12];
}

function shape(s: MarkShape, attrs: Record<string, string | number | undefined>): string {
  if (s.tag === 'circle') return el('circle', { r: s.r, ...attrs });
  if (s.tag === 'rect') return el('rect', { x: s.x, y: s.x, width: s.side, height: s.side, ...attrs });
  return el('polygon', { points: s.points, ...attrs });
}

/** Task migration: the summary, the regions, every task's mark, the focused tasks named. */
function tasks(p: PictureInput, width: number): [string, number] {
  const { view, palette: c } = p;
  const tr = view.transition;
  const focusComms = (p.focus.actors ?? []).flatMap((a) => ('task' in a ? [a.task] : []));
  const names = taskNames(view.tasks, focusComms);
  const labelFont = 13;
  // The task the step is about (its first focused one), beside the grid when there is room: its state and stack.
  const shownIdx = names.find((n) => n.focus)?.i ?? -1;
  const detailWidth = shownIdx >= 0 && width >= 640 ? 280 : 0;
  const gridWidth = detailWidth ? width - detailWidth - 12 : width;
  const { layout, labels } = layoutWithLabels(view.tasks, tr, { width: gridWidth, labelHeight: 38 }, names, {
    height: Math.ceil(labelFont * 1.3 + 4),
    charPx: labelFont * MONO_PX,
    padX: 4,
  });
  const summary = summarize(view.tasks, tr);
  const said = wrap(summary.line, width, 14 * SANS_PX);
  const out: string[] = said.map((l, i) => el('text', { y: 14 + i * 18, 'font-size': 14 }, esc(l)));
  const top = 8 + said.length * 18;
  const colour = (state: number) => (state === 1 ? c.patched : state === 0 ? c.unpatched : c.muted);
  const body: string[] = [];
  layout.regions.forEach((r, ri) => {
    const stroke = r.role === 'neutral' ? c.border : colour(r.state);
    body.push(
      el('rect', { x: r.x, y: r.y, width: r.width, height: r.height, rx: 4, fill: c.panel, stroke, 'stroke-dasharray': r.role === 'initial' ? '5 3' : undefined }),
      el('text', { x: r.x + 8, y: r.y + 16, 'font-size': 13, 'font-weight': 700, 'font-family': c.mono }, esc(r.label)),
    );
    if (r.role !== 'neutral') {
      const n = summary.counts[ri] ?? 0;
      body.push(el('text', { x: r.x + 8, y: r.y + 31, 'font-size': 12, fill: c.muted }, esc(`${r.role} · ${n} task${n === 1 ? '' : 's'}`)));
    }
  });
  const shapes = { user: markShape('user', layout.mark), kthread: markShape('kthread', layout.mark), idle: markShape('idle', layout.mark) };
  const rings = { user: markShape('user', layout.ring), kthread: markShape('kthread', layout.ring), idle: markShape('idle', layout.ring) };
  const focused = new Set(names.filter((n) => n.focus).map((n) => n.i));
  view.tasks.forEach((t: TaskView, i) => {
    const look = markLook(t);
    const at = `translate(${fmt(layout.xy[2 * i]!)} ${fmt(layout.xy[2 * i + 1]!)})`;
    const fill = look.state === 'patched' ? c.patched : look.state === 'unpatched' ? c.unpatched : c.muted;
    const mark = [shape(shapes[t.kind], { fill, 'fill-opacity': look.faint ? 0.35 : undefined, stroke: look.faint ? fill : undefined, 'stroke-width': look.faint ? 1 : undefined })];
    if (look.ring) mark.push(shape(rings[t.kind], { fill: 'none', stroke: c.pending, 'stroke-width': Math.max(1, layout.cell / 8) }));
    if (focused.has(i)) mark.push(el('rect', { x: -layout.foot / 2, y: -layout.foot / 2, width: layout.foot, height: layout.foot, fill: 'none', stroke: c.focus, 'stroke-width': 2 }));
    body.push(el('g', { transform: at }, ...mark, el('title', {}, esc(`${t.comm} (pid ${t.pid})`))));
  });
  for (const l of labels) {
    if (l.leader) body.push(el('line', { x1: l.x1, y1: l.y1, x2: l.x2, y2: l.y2, stroke: c.muted }));
    const n = names.find((x) => x.i === l.i);
    body.push(
      el('rect', { x: l.x, y: l.y, width: l.width, height: l.height, rx: 3, fill: c.panel, stroke: n?.focus ? c.focus : c.border }),
      el('text', { x: l.x + 4, y: l.y + l.height / 2, 'font-size': labelFont, 'font-family': c.mono, 'dominant-baseline': 'central' }, esc(l.text)),
    );
  }
  out.push(el('g', { transform: `translate(0 ${top})` }, ...body));
  let height = layout.height;
  if (detailWidth) {
    const [svg, h] = taskDetail(view.tasks[shownIdx]!, tr, detailWidth, c);
    out.push(el('g', { transform: `translate(${width - detailWidth} ${top})` }, svg));
    height = Math.max(height, h);
  }
  return [out.join(''), top + height];
}

/** The task a step is about, as the view's side panel tells it: its state, why it waits, its stack (innermost first). */
function taskDetail(t: TaskView, tr: PictureInput['view']['transition'], width: number, c: Palette): [string, number] {
  const out: string[] = [];
  let y = 0;
  const text = (s: string, size: number, attrs: Record<string, string | number> = {}, mono = false) => {
    for (const l of wrap(s, width - 16, size * (mono ? MONO_PX : SANS_PX))) {
      y += size * 1.35;
      out.push(el('text', { x: 8, y, 'font-size': size, ...(mono ? { 'font-family': c.mono } : {}), ...attrs }, esc(l)));
    }
  };
  y += 4;
  text(`${t.comm}  pid ${t.pid}`, 16, { 'font-weight': 700 });
  text(describeTask(t).split(', ').slice(2).join(', '), 12, { fill: c.muted });
  if (t.pending) text(blockerText(t, tr), 12, { fill: c.pending }, true);
  if (t.stack.length) {
    text('Call stack, innermost frame first', 12, { fill: c.muted });
    const blocking = t.stack.findIndex((f) => isBlockingFrame(f, t.blockedBy));
    for (const line of stackWindow(t.stack.length, blocking >= 0 ? [blocking] : [], 10)) {
      if (line.kind === 'more') text(moreFrames(line), 12, { fill: c.muted, 'font-style': 'italic' });
      else text(`${line.j + 1}. ${t.stack[line.j]!}${line.j === blocking ? '  ← klp_check_stack() finds it' : ''}`, 12, line.j === blocking ? { fill: c.pending } : {}, true);
    }
  }
  const h = y + 8;
  return [el('rect', { width, height: h, rx: 4, fill: c.panel, stroke: c.border }) + out.join(''), h];
}

const TONE: Record<Tone, keyof Palette> = { enabled: 'patched', patching: 'patched', unpatching: 'unpatched', gone: 'nop', busy: 'nop' };

/** The patch stack: klp_patches newest on top, then the patches waiting for free_work. */
function patches(p: PictureInput, width: number): [string, number] {
  const c = p.palette;
  const m = patchStackModel(p.view, p.prev);
  const out: string[] = [];
  let y = 0;
  const line = (text: string, attrs: Record<string, string | number>) => {
    for (const l of wrap(text, width, 14 * SANS_PX)) {
      y += 18;
      out.push(el('text', { y, 'font-size': 14, ...attrs }, esc(l)));
    }
  };
  line(`klp_patches, newest on top. klp_transition_patch is ${m.transitionPatch ?? 'none'}.`, { fill: c.muted });
  if (m.stack.length === 0) line('klp_patches is empty: no patch is loaded.', {});
  const card = (k: PatchCard) => {
    y += 10;
    const start = y;
    const rows: [string, Record<string, string | number>][] = [
      [`enabled ${k.files.enabled} · transition ${k.files.transition} · stack_order ${k.stackOrder}${k.replace ? ' · replace' : ''}${k.forced ? ' · forced' : ''}`, { fill: c.muted, 'font-size': 12 }],
    ];
    for (const o of k.objects) {
      rows.push([`${o.name} (${o.status})`, { 'font-size': 13 }]);
      for (const f of o.funcs) rows.push([`  ${f.oldName} → ${f.target}${f.transition ? '  transition' : ''}`, { 'font-size': 13, 'font-family': c.mono, fill: f.transition ? c.pending : c.fg }]);
    }
    const h = 30 + rows.length * 17 + 8;
    const tone = c[TONE[k.tone]];
    out.push(
      el('rect', { x: 0, y: start, width, height: h, rx: 4, fill: k.changed ? c.highlight : c.panel, stroke: c.border, 'stroke-dasharray': k.tone === 'patching' || k.tone === 'unpatching' ? '5 3' : undefined }),
      el('rect', { x: 0, y: start, width: 5, height: h, fill: tone }),
      el('text', { x: 14, y: start + 21, 'font-size': 15, 'font-weight': 700, 'font-family': c.mono }, esc(k.name)),
      el('text', { x: width - 10, y: start + 21, 'font-size': 13, 'font-weight': 700, 'text-anchor': 'end', fill: tone }, esc(k.stateWord)),
    );
    rows.forEach(([text, attrs], i) => out.push(el('text', { x: 14, y: start + 30 + (i + 1) * 17 - 3, ...attrs }, esc(text))));
    y = start + h;
  };
  m.stack.forEach(card);
  if (m.offList.length) {
    y += 8;
    line('Off the list, waiting for free_work:', { fill: c.muted });
    m.offList.forEach(card);
  }
  return [out.join(''), y + 4];
}

/** A terminal's lines (the shell's, or the kernel log's), wrapped to the panel. */
function lines(text: readonly string[], width: number, c: Palette): [string, number] {
  const size = 13;
  const wrapped = (text.length ? text : ['(nothing this step)']).flatMap((l) => cut(l, width - 16, size * MONO_PX));
  const h = 12 + wrapped.length * size * 1.4;
  const rows = wrapped.map((l, i) => el('text', { x: 8, y: 8 + (i + 1) * size * 1.4 - 4, 'font-size': size, 'font-family': c.mono, fill: c.termFg, 'xml:space': 'preserve' }, esc(l)));
  return [el('rect', { width, height: h, rx: 4, fill: c.termBg }) + rows.join(''), h];
}

/** A step's shell and kernel lines as the page shows them: `# ` before a command, dmesg's time before a kernel line. */
export function stepLines(rec: Pick<StepRecord, 'term' | 'log'> | undefined): { shell: string[]; log: string[] } {
  if (!rec) return { shell: [], log: [] };
  return { shell: rec.term.map((t) => (t.kind === 'prompt' ? `# ${t.text}` : t.text)), log: rec.log.map((r) => `${formatTimestamp(r.usec)} ${r.text}`) };
}
