/**
 * The side-by-side picture of Api51Story.svelte as lines of text, kept out of
 * the component so it is tested without a browser.
 *
 * Units are em of the picture's own font size, which the component sets to
 * `scale` rem: every line is one line box (never wrapped by the browser), so
 * a row's height is its number of lines times LINE, and the layout knows
 * exactly how tall the picture is. Text is never under MIN_TEXT rem: the
 * smallest size is SIZE.label and the scale never goes under MIN_SCALE.
 *
 * Rows keep their place from step to step (each is as tall as it is at its
 * tallest in the story), except the two at the bottom, the functions called
 * and the kernel log, which share what is left; a long call chain is cut
 * around the step's function, with a line saying how many calls are not
 * shown. `fitLayout()` finds the largest, most detailed picture that fits a
 * box; when nothing does, the rows the step is not about go first.
 */
import { fitName, shortCommand, textWidth, wrap, type Font } from '../text';
import { API_LABEL, SAMPLE_INIT_EXIT, STORY_STEPS, storyState, type Api, type PartId, type RowId, type SideState, type StoryState } from './model';

export const SIZE = { cell: 0.85, label: 0.8, head: 1 } as const;
export const MIN_TEXT = 0.75;
export const MIN_SCALE = MIN_TEXT / Math.min(...Object.values(SIZE));
export const MAX_SCALE = 1.5;
const LEADING = 1.3;
/** one line of a cell, in em of the picture */
export const LINE = SIZE.cell * LEADING;
const LABEL_LINE = SIZE.label * LEADING;
export const PAD_Y = 0.3;
export const PAD_X = 0.5;
/** the column heads' row */
export const HEAD = SIZE.head * LEADING + 2 * PAD_Y;
/** the row labels' column, in table mode */
export const LABEL_W = 8.4;
/** below this width (em) the two sides are stacked, a row at a time */
const STACK = 44;

/** How much a picture says: full wraps the notes of the calls, medium keeps a note only when it fits its line, compact has none. */
export type Level = 'full' | 'medium' | 'compact';

export type LineCls = 'prompt' | 'ok' | 'err' | 'out' | 'muted' | 'plain' | 'call' | 'hit' | 'note' | 'log' | 'more' | 'mono' | 'enabled' | 'disabled';

const FONT: Record<LineCls, Font> = {
  prompt: 'mono',
  ok: 'sansBold',
  err: 'mono',
  out: 'mono',
  muted: 'sans',
  plain: 'sans',
  call: 'mono',
  hit: 'mono',
  note: 'sans',
  log: 'mono',
  more: 'sans',
  mono: 'mono',
  enabled: 'mono',
  disabled: 'mono',
};

export interface Span {
  text: string;
  cls: LineCls;
}

/** One line of a cell: spans side by side, indented by `indent` em. */
export interface Line {
  spans: Span[];
  indent: number;
}

export interface Cell {
  part: PartId;
  lines: Line[];
}

export interface Row {
  id: RowId;
  label: string[];
  differs: boolean;
  old: Cell;
  new: Cell;
  /** its height in lines (a cell's lines, or more to keep its place) */
  lines: number;
  /** its height in em */
  height: number;
}

export interface Layout {
  /** the two sides one above the other (a phone), not side by side */
  stacked: boolean;
  level: Level;
  /** rem per em of the picture */
  scale: number;
  /** in em of the picture */
  width: number;
  height: number;
  /** width of one side's column, in em */
  column: number;
  rows: Row[];
  /** rows left out so that the focus fits a small box */
  hidden: RowId[];
  fits: boolean;
}

export const ROW_LABEL: Record<RowId, string> = {
  shell: 'Command',
  state: 'Patch state',
  klp_patches: 'klp_patches',
  sysfs: 'sysfs',
  module: 'Module',
  rmmod: 'rmmod now?',
  init: 'init / exit',
  calls: 'Functions called',
  log: 'Kernel log',
};

/** The rows whose place never changes, top down, then the two that share the rest, then the sample's init and exit. */
export const FIXED: readonly RowId[] = ['shell', 'state', 'klp_patches', 'sysfs', 'module', 'rmmod'];
export const VARIABLE: readonly RowId[] = ['calls', 'log'];
export const LAST: RowId = 'init';
/** What goes first when even the most compact picture does not fit, unless the step is about it. */
const DROP_ORDER: readonly RowId[] = ['init', 'log', 'calls', 'rmmod', 'state', 'sysfs', 'klp_patches', 'module'];
/** The fewest lines the two variable rows are given, so every step fits the same picture. */
const MIN_CALLS = 6;
const MIN_LOG = 2;

const width = (l: Line) => l.indent + l.spans.reduce((w, s, i) => w + textWidth(s.text, SIZE.cell, FONT[s.cls]) + (i ? textWidth(' ', SIZE.cell, 'sans') : 0), 0);

/** `text` as lines of one class no wider than `max`: prose breaks at spaces, a name is cut in the middle. */
function para(text: string, cls: LineCls, max: number, indent = 0, hang = 0): Line[] {
  const font = FONT[cls];
  const first = wrap(text, max - indent, SIZE.cell, font);
  if (first.length <= 1) return first.map((t) => ({ spans: [{ text: t, cls }], indent }));
  // the first line at `indent`, the rest at `indent + hang`
  const head = first[0]!;
  const rest = wrap(text.slice(text.indexOf(head) + head.length).trim(), max - indent - hang, SIZE.cell, font);
  return [{ spans: [{ text: head, cls }], indent }, ...rest.map((t) => ({ spans: [{ text: t, cls }], indent: indent + hang }))];
}

/** A message whose absolute paths make it wrap, with the paths shortened in the middle: "bash: …/enabled: No such file or directory". */
function shortPaths(text: string, max: number): string {
  if (textWidth(text, SIZE.cell, 'mono') <= max) return text;
  const mid = text.replace(/\/sys\/kernel\/livepatch\/(\S+?)(?=:|\s|$)/g, '…/$1');
  if (textWidth(mid, SIZE.cell, 'mono') <= max) return mid;
  return text.replace(/\/\S*\/([^/\s:]+)(?=:|\s|$)/g, '…/$1');
}

/** A mark and a message on one line when they fit ("✘ bash: …"), the message wrapping under it. */
function marked(mark: Span, text: string, cls: LineCls, max: number): Line[] {
  const markW = textWidth(`${mark.text} `, SIZE.cell, FONT[mark.cls]);
  const lines = para(text, cls, max - markW);
  return lines.map((l, i) => (i === 0 ? { spans: [mark, ...l.spans], indent: 0 } : { spans: l.spans, indent: markW }));
}

// ---------------------------------------------------------------------------
// The cells

function shellCell(s: StoryState, side: SideState, max: number): Line[] {
  const lines: Line[] = [];
  if (s.command !== null) lines.push({ spans: [{ text: `# ${shortCommand(s.command, max - textWidth('# ', SIZE.cell, 'mono'), SIZE.cell)}`, cls: 'prompt' }], indent: 0 });
  else lines.push(...para('no command: a kworker runs queued work', 'muted', max));
  const o = side.outcome;
  if (o.status === 'ok') {
    if (!o.stdout.length) lines.push(s.command === null ? { spans: [{ text: '✔ it runs free_work', cls: 'ok' }], indent: 0 } : { spans: [{ text: '✔ succeeds', cls: 'ok' }], indent: 0 });
    for (const out of o.stdout) lines.push(...marked({ text: '✔ prints:', cls: 'ok' }, out, 'out', max));
  } else if (o.status === 'error') {
    for (const err of o.stderr) lines.push(...marked({ text: '✘', cls: 'err' }, shortPaths(err, max - 1.2), 'err', max));
  } else lines.push(...para('– nothing was queued: nothing runs', 'muted', max));
  if (side.ifLater) {
    lines.push(...para('typed after free_work ran:', 'muted', max));
    for (const err of side.ifLater.stderr) lines.push(...marked({ text: '✘', cls: 'err' }, shortPaths(err, max - 1.2), 'err', max));
  }
  return lines;
}

function sysfsCell(side: SideState, max: number): Line[] {
  if (!side.sysfs.present) return marked({ text: '✘', cls: 'err' }, `no ${side.sysfs.path}`, 'muted', max);
  const path = side.sysfs.path.replace(/^\/sys\/kernel\/livepatch\//, '…/livepatch/');
  const lines: Line[] = [{ spans: [{ text: fitName(`${path}/`, max, SIZE.cell, 'mono'), cls: 'mono' }], indent: 0 }];
  const files = side.sysfs.files.map((f) => (f.value === null ? f.name : `${f.name}=${f.value}`)).join(' ');
  lines.push(...para(files, 'mono', max, 1));
  for (const o of side.sysfs.objects) lines.push(...para(`${o.name}/${o.funcs.join(' ')}`, 'mono', max, 1));
  return lines;
}

/** The functions a step's caption names (its `fn` among them): the calls marked in its picture. */
export function hitsOf(step: number): Set<string> {
  const st = STORY_STEPS[step]!;
  return new Set([`${st.fn}()`, ...[...st.caption.matchAll(/\b([a-z_][a-z0-9_]*)\(\)/g)].map((m) => `${m[1]}()`)]);
}

function callLines(side: SideState, max: number, level: Level, hit: ReadonlySet<string>): { lines: Line[]; block: number[] } {
  const lines: Line[] = [];
  const block: number[] = [];
  side.calls.forEach((c, i) => {
    const indent = Math.min(c.depth, 8) * 0.9;
    const fn = fitName(c.fn, max - indent, SIZE.cell, 'mono');
    const first: Line = { spans: [{ text: fn, cls: hit.has(c.fn) ? 'hit' : 'call' }], indent };
    const note = c.user ? `user space (kmod)${c.note ? `: ${c.note}` : ''}` : c.note;
    if (note && level !== 'compact') {
      const withNote: Line = { ...first, spans: [...first.spans, { text: `— ${note}`, cls: 'note' }] };
      if (width(withNote) <= max) {
        lines.push(withNote);
        block.push(i);
        return;
      }
      lines.push(first);
      block.push(i);
      if (level === 'full') for (const l of para(note, 'note', max, indent + 1)) (lines.push(l), block.push(i));
      return;
    }
    lines.push(first);
    block.push(i);
  });
  return { lines, block };
}

/** At most `n` lines of the calls: the start, or a window from the first marked call (`hits`: their indices) to the last, and what is left out. */
export function cutCalls(all: { lines: Line[]; block: number[] }, n: number, hits: readonly number[], primary: readonly number[] = hits): Line[] {
  if (all.lines.length <= n) return all.lines;
  // when the marked calls are too far apart, the step's own function decides
  const span = (hs: readonly number[]) => (hs.length ? Math.max(...hs.map((h) => all.block.lastIndexOf(h))) - Math.min(...hs.map((h) => all.block.indexOf(h))) + 1 : 0);
  if (primary.length && primary.length < hits.length && span(hits) > n - 2) hits = primary;
  // first the notes wrapped under calls the step is not about
  const keep = all.lines.map((_, i) => i === 0 || all.block[i] !== all.block[i - 1] || hits.includes(all.block[i]!));
  const lines = all.lines.filter((_, i) => keep[i]);
  const block = all.block.filter((_, i) => keep[i]);
  if (lines.length <= n) return lines;
  const more = (k: number, where: string): Line => ({ spans: [{ text: `⋯ ${k} more ${k === 1 ? 'call' : 'calls'}${where}`, cls: 'more' }], indent: 0 });
  const calls = (from: number, to: number) => new Set(block.slice(from, to)).size;
  const at = hits.map((h) => block.indexOf(h)).filter((i) => i >= 0);
  const firstHit = at.length ? Math.min(...at) : -1;
  const lastHit = at.length ? Math.max(...hits.map((h) => block.lastIndexOf(h))) : -1;
  if (firstHit < 0 || lastHit < n - 1) {
    // the first lines; a call whose first line is shown is not counted as left out
    const cutInside = block[n - 2] === block[n - 1] ? 1 : 0;
    return [...lines.slice(0, n - 1), more(new Set(block.slice(n - 1)).size - cutInside, '')];
  }
  // a window ending a little after the last marked call, or starting at the first when they do not all fit
  let end = Math.min(lines.length, lastHit + 2);
  let start = Math.max(1, end - (n - (end < lines.length ? 2 : 1)));
  if (start > firstHit) {
    start = Math.max(1, firstHit);
    end = Math.min(lines.length, start + n - 2);
  }
  while (start < firstHit && block[start] === block[start - 1]) start++;
  const out = [more(calls(0, start), ' above'), ...lines.slice(start, end)];
  if (end < lines.length) out.push(more(calls(end, lines.length), ''));
  return out.slice(0, n);
}

function cellLines(row: RowId, s: StoryState, api: Api, max: number, level: Level): Line[] {
  const side = s[api];
  switch (row) {
    case 'shell':
      return shellCell(s, side, max);
    case 'state':
      return para(side.label, 'plain', max);
    case 'klp_patches':
      return side.klpPatches.length
        ? side.klpPatches.flatMap((p) => para(`${p.name}: ${p.enabled ? 'enabled' : 'disabled'}${p.transition ? ', in transition' : ''}`, p.enabled ? 'enabled' : 'disabled', max))
        : para('empty', 'muted', max);
    case 'sysfs':
      return sysfsCell(side, max);
    case 'module':
      return para(side.module.loaded ? `livepatch_sample loaded, refcount ${side.module.refcnt}` : 'livepatch_sample not loaded', side.module.loaded ? 'plain' : 'muted', max);
    case 'rmmod':
      return side.rmmod.works
        ? marked(
            { text: '✔', cls: 'ok' },
            `works: ${side.rmmod.exitCalls.slice(0, 2).join(' → ')}${side.rmmod.exitCalls.length > 2 ? ' → …' : ''}${side.rmmod.exitCalls.length === 1 ? ' (empty)' : ''}`,
            'plain',
            max,
          )
        : marked({ text: '✘', cls: 'err' }, side.rmmod.message ?? '', 'err', max);
    case 'init': {
      const ie = SAMPLE_INIT_EXIT[api];
      return [...para(`init: ${ie.init.join(', ')}`, 'mono', max, 0, 1), ...para(`exit: ${ie.exit.join(', ') || '(empty)'}`, 'mono', max, 0, 1)];
    }
    case 'calls':
      return side.calls.length ? callLines(side, max, level, hitsOf(s.step)).lines : para('none', 'muted', max);
    case 'log':
      return side.log.length ? side.log.flatMap((l) => para(l, 'log', max, 0, 1)) : para('nothing printed', 'muted', max);
  }
}

// ---------------------------------------------------------------------------
// The picture

interface Space {
  /** em of the picture */
  width: number;
  level?: Level;
  /** lines the calls and the log may take together (no limit without one) */
  budget?: number;
  hide?: readonly RowId[];
}

const DIFFERS: Record<RowId, keyof StoryState['differs'] | null> = {
  shell: 'outcome',
  state: 'state',
  klp_patches: 'klpPatches',
  sysfs: 'sysfs',
  module: 'module',
  rmmod: 'rmmod',
  init: null,
  calls: 'calls',
  log: 'log',
};

function geometry(w: number) {
  const stacked = w < STACK;
  const column = stacked ? w : (w - LABEL_W) / 2;
  return { stacked, column, inner: column - 2 * PAD_X };
}

function labelLines(row: RowId, differs: boolean, w: number): string[] {
  const text = `${differs ? '≠ ' : ''}${ROW_LABEL[row]}`;
  return geometry(w).stacked ? [text] : wrap(text, LABEL_W - 2 * PAD_X, SIZE.label, 'sansBold');
}

/** The lines a row's label takes, differing or not, so a row keeps its height. */
const labelHeight = (row: RowId, w: number) => Math.max(labelLines(row, true, w).length, labelLines(row, false, w).length);

/** Lines of a row in the stacked form: its label, then each side under its name. */
const stackedLines = (label: number, old: number, neu: number) => label + 1 + old + 1 + neu;

function rowHeight(stacked: boolean, lines: number, label: number): number {
  return stacked ? label * LABEL_LINE + (lines - label) * LINE + 2 * PAD_Y : Math.max(lines * LINE, label * LABEL_LINE) + 2 * PAD_Y;
}

/** Memo: the most lines each fixed row takes over the story, per width and level. */
const tallest = new Map<string, Map<RowId, number>>();

function fixedLines(w: number, level: Level): Map<RowId, number> {
  const key = `${w.toFixed(4)} ${level}`;
  let m = tallest.get(key);
  if (!m) {
    m = new Map();
    const { stacked, inner } = geometry(w);
    for (let i = 0; i < STORY_STEPS.length; i++) {
      const s = storyState(i);
      for (const row of [...FIXED, LAST]) {
        const label = labelHeight(row, w);
        const old = cellLines(row, s, 'old', inner, level).length;
        const neu = cellLines(row, s, 'new', inner, level).length;
        const n = stacked ? stackedLines(label, old, neu) : Math.max(old, neu);
        m.set(row, Math.max(m.get(row) ?? 0, n));
      }
    }
    tallest.set(key, m);
  }
  return m;
}

/** The picture of one step at a given width (em), as tall as it needs, or with the calls and log cut to `budget` lines. */
export function layout(s: StoryState, space: Space): Layout {
  const level = space.level ?? 'full';
  const hide = new Set(space.hide ?? []);
  const { stacked, column, inner } = geometry(space.width);
  const steady = fixedLines(space.width, level);
  const rows: Row[] = [];
  const make = (id: RowId, oldLines: Line[], newLines: Line[], lines?: number): Row => {
    const differs = DIFFERS[id] ? s.differs[DIFFERS[id]] : false;
    const label = labelLines(id, differs, space.width);
    const labelN = labelHeight(id, space.width);
    const n = lines ?? (stacked ? stackedLines(labelN, oldLines.length, newLines.length) : Math.max(oldLines.length, newLines.length));
    return {
      id,
      label,
      differs,
      old: { part: `old:${id}`, lines: oldLines },
      new: { part: `new:${id}`, lines: newLines },
      lines: n,
      height: rowHeight(stacked, n, labelN),
    };
  };
  for (const id of FIXED) {
    if (hide.has(id)) continue;
    rows.push(make(id, cellLines(id, s, 'old', inner, level), cellLines(id, s, 'new', inner, level), steady.get(id)));
  }
  // the calls and the log share the budget: the calls first, the log at least its least
  const hit = hitsOf(s.step);
  const calls = (['old', 'new'] as const).map((api) => {
    const side = s[api];
    return side.calls.length ? callLines(side, inner, level, hit) : { lines: para('none', 'muted', inner), block: [0] };
  });
  const log = (['old', 'new'] as const).map((api) => cellLines('log', s, api, inner, level));
  const callsNeed = Math.max(...calls.map((c) => c.lines.length));
  const logNeed = Math.max(...log.map((l) => l.length));
  const showCalls = !hide.has('calls');
  const showLog = !hide.has('log');
  let callsN = callsNeed;
  let logN = logNeed;
  if (space.budget !== undefined && !stacked) {
    const budget = space.budget;
    if (showCalls && showLog) {
      callsN = Math.min(callsNeed, Math.max(budget - Math.min(logNeed, MIN_LOG), Math.min(callsNeed, MIN_CALLS)));
      logN = Math.min(logNeed, budget - callsN);
    } else if (showCalls) callsN = Math.min(callsNeed, budget);
    else logN = Math.min(logNeed, budget);
  }
  if (showCalls) {
    const cut = calls.map((c, k) => {
      const side = s[k === 0 ? 'old' : 'new'];
      const at = side.calls.flatMap((x, j) => (hit.has(x.fn) ? [j] : []));
      const own = side.calls.flatMap((x, j) => (x.fn === `${STORY_STEPS[s.step]!.fn}()` ? [j] : []));
      return cutCalls(c, callsN, at, own);
    });
    rows.push(make('calls', cut[0]!, cut[1]!));
  }
  if (showLog && logN > 0) {
    // a cut log keeps its newest lines, as `dmesg | tail` would: a module's taint notices come before the livepatch core's
    const cut = log.map((l) => (l.length <= logN ? l : [{ spans: [{ text: `⋯ ${l.length - logN + 1} earlier lines`, cls: 'more' as const }], indent: 0 }, ...l.slice(l.length - logN + 1)]));
    rows.push(make('log', cut[0]!, cut[1]!));
  }
  if (!hide.has(LAST)) rows.push(make(LAST, cellLines(LAST, s, 'old', inner, level), cellLines(LAST, s, 'new', inner, level), steady.get(LAST)));
  const height = (stacked ? 0 : HEAD) + rows.reduce((h, r) => h + r.height, 0);
  return { stacked, level, scale: 1, width: space.width, height, column, rows, hidden: [...hide], fits: true };
}

const LEVELS: readonly Level[] = ['full', 'medium', 'compact'];

/** Memo of leastVariable(), per width and level. */
const least = new Map<string, number>();

/** Lines of the calls and the log that every step of the story needs at least. */
function leastVariable(w: number, level: Level): number {
  const key = `${w.toFixed(4)} ${level}`;
  const known = least.get(key);
  if (known !== undefined) return known;
  const { inner } = geometry(w);
  let calls = 1;
  let log = 1;
  for (let i = 0; i < STORY_STEPS.length; i++) {
    const s = storyState(i);
    for (const api of ['old', 'new'] as const) {
      calls = Math.max(calls, Math.min(MIN_CALLS, s[api].calls.length ? callLines(s[api], inner, level, new Set()).lines.length : 1));
      log = Math.max(log, Math.min(MIN_LOG, cellLines('log', s, api, inner, level).length));
    }
  }
  least.set(key, calls + log);
  return calls + log;
}

/** Memo of fitLayout()'s choice of level, scale and rows, per box (and the rows the focus keeps, which matter only when rows must go). */
const chosen = new Map<string, { level: Level; scale: number; hide: RowId[] }>();

/**
 * The picture for a box `width × height` rem: the most detailed level at the
 * largest scale (at least 1, then at least MIN_SCALE) at which the fixed rows
 * and the least of the calls and log fit, the same for every step; the calls
 * and log then take what is left. When nothing fits, the rows the step is not
 * about go, in DROP_ORDER.
 */
export function fitLayout(s: StoryState, box: { width: number; height: number }, focus: readonly PartId[] = []): Layout {
  const about = new Set(focus.map((p) => p.split(':')[1] as RowId));
  const key = `${box.width.toFixed(3)} ${box.height.toFixed(3)} ${[...about].sort().join()}`;
  const known = chosen.get(key);
  if (known) return build(s, box, known.level, known.scale, new Set(known.hide));
  const pick = choose(box, about);
  chosen.set(key, { level: pick.level, scale: pick.scale, hide: [...pick.hide] });
  return build(s, box, pick.level, pick.scale, pick.hide);
}

/** The picture of step `s` at a chosen level and scale: the calls and log take what the fixed rows leave. */
function build(s: StoryState, box: { width: number; height: number }, level: Level, scale: number, hide: ReadonlySet<RowId>): Layout {
  const w = box.width / scale;
  const fixed = layout(s, { width: w, level, hide: [...hide, 'calls', 'log'] });
  const left = box.height / scale - fixed.height;
  const rows = (['calls', 'log'] as const).filter((id) => !hide.has(id)).length;
  const budget = Math.floor((left - rows * 2 * PAD_Y) / LINE + 1e-9);
  const l = layout(s, { width: w, level, hide: [...hide], budget });
  return { ...l, scale, fits: l.height * scale <= box.height + 1e-9 };
}

function choose(box: { width: number; height: number }, about: ReadonlySet<RowId>): { level: Level; scale: number; hide: Set<RowId> } {
  const need = (level: Level, scale: number, hide: ReadonlySet<RowId>) => {
    const w = box.width / scale;
    const steady = fixedLines(w, level);
    const { stacked } = geometry(w);
    let h = stacked ? 0 : HEAD;
    for (const id of [...FIXED, LAST]) if (!hide.has(id)) h += rowHeight(stacked, steady.get(id)!, labelHeight(id, w));
    const rest = (['calls', 'log'] as const).filter((id) => !hide.has(id)).length;
    if (rest) h += Math.max(leastVariable(w, level) * LINE, (labelHeight('calls', w) + labelHeight('log', w)) * LABEL_LINE) + rest * 2 * PAD_Y;
    return h;
  };
  const fits = (level: Level, scale: number, hide: ReadonlySet<RowId>) => !geometry(box.width / scale).stacked && need(level, scale, hide) * scale <= box.height + 1e-9;
  const largest = (level: Level, lo: number, hide: ReadonlySet<RowId>): number | null => {
    if (!fits(level, lo, hide)) return null;
    if (fits(level, MAX_SCALE, hide)) return MAX_SCALE;
    let hi = MAX_SCALE;
    for (let i = 0; i < 8; i++) {
      const mid = (lo + hi) / 2;
      if (fits(level, mid, hide)) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  const none = new Set<RowId>();
  for (const lo of [1, MIN_SCALE]) {
    for (const level of LEVELS) {
      const scale = largest(level, lo, none);
      if (scale !== null) return { level, scale, hide: none };
    }
  }
  // the rows the step is not about go, one after the other
  const hide = new Set<RowId>();
  for (const id of DROP_ORDER) {
    if (about.has(id)) continue;
    hide.add(id);
    const scale = largest('compact', MIN_SCALE, hide);
    if (scale !== null) return { level: 'compact', scale, hide };
  }
  return { level: 'compact', scale: MIN_SCALE, hide };
}

/** The column heads. */
export const HEADS: Record<Api, string> = API_LABEL;
