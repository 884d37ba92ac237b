/**
 * Statecharts drawn from the engine's own XState definitions, so the picture
 * cannot drift from what the simulator runs: xstate/graph's
 * toDirectedGraph() gives the states and transitions; this module merges
 * parallel edges, ranks states by BFS distance from the initial state
 * (top to bottom), orders each rank by barycentres to reduce crossings, and
 * turns it all into coordinates (d3-scale) and SVG paths (d3-shape).
 * Pure: no DOM, no Svelte.
 */
import type { AnyStateMachine } from 'xstate';
import { toDirectedGraph } from 'xstate/graph';
import { scaleLinear } from 'd3-scale';
import { curveCatmullRom, curveNatural, line } from 'd3-shape';
import { patchMachine } from '../kernel/machines/patch.machine';
import { registeredPatchMachine } from '../kernel/machines/registered-patch.machine';
import { transitionMachine } from '../kernel/machines/transition.machine';
import { moduleMachine } from '../kernel/machines/module.machine';
import type { KernelView } from '../kernel/view/types';
import { MONO_EM } from './fit';
import { middle } from './text';

// ---- the graph of a machine ------------------------------------------------

export interface GraphState {
  key: string;
  description: string;
  final: boolean;
}

/** All transitions between two states, merged into one edge. */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** event types, each once, in definition order */
  events: string[];
  /** one line per transition: "event [guard] / actions" */
  details: string[];
}

export interface MachineGraph {
  id: string;
  initial: string;
  states: GraphState[];
  edges: GraphEdge[];
}

/** A guard or action as the definition names it (inline functions have no name). */
function implName(x: unknown): string | null {
  if (typeof x === 'string') return x;
  if (x && (typeof x === 'object' || typeof x === 'function') && 'type' in x && typeof x.type === 'string') {
    return x.type.replace(/^xstate\./, '');
  }
  return null;
}

function describeTransition(event: string, guard: unknown, actions: readonly unknown[]): string {
  const g = implName(guard);
  const a = actions.map(implName).filter((n): n is string => n !== null);
  return `${event}${g ? ` [${g}]` : ''}${a.length ? ` / ${a.join(', ')}` : ''}`;
}

/** States and merged edges of a flat machine, from toDirectedGraph(). */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const root = toDirectedGraph(machine);
  const states = root.children.map((c) => ({
    key: c.stateNode.key,
    description: c.stateNode.description ?? '',
    final: c.stateNode.type === 'final',
  }));
  const merged = new Map<string, GraphEdge>();
  for (const child of root.children) {
    for (const e of child.edges) {
      // A targetless transition (actions only) comes back as an edge to its own state.
      const source = e.source.key;
      const target = e.target.key;
      const id = `${source}->${target}`;
      let m = merged.get(id);
      if (!m) merged.set(id, (m = { id, source, target, events: [], details: [] }));
      if (!m.events.includes(e.label.text)) m.events.push(e.label.text);
      m.details.push(describeTransition(e.label.text, e.transition.guard, e.transition.actions));
    }
  }
  const initial = machine.root.initial?.target[0]?.key ?? states[0]?.key ?? '';
  return { id: machine.id, initial, states, edges: [...merged.values()] };
}

// ---- ranks and order ---------------------------------------------------------

/**
 * BFS distance from the initial state; `order` is the discovery order.
 * States no path reaches (none in our machines) go one rank below the rest.
 */
export function rankStates(g: MachineGraph): { rank: Map<string, number>; order: string[] } {
  const out = new Map<string, string[]>(g.states.map((s) => [s.key, []]));
  for (const e of g.edges) if (e.source !== e.target) out.get(e.source)?.push(e.target);
  const rank = new Map<string, number>([[g.initial, 0]]);
  const order = [g.initial];
  for (let i = 0; i < order.length; i++) {
    const k = order[i]!;
    for (const t of out.get(k) ?? []) {
      if (rank.has(t)) continue;
      rank.set(t, rank.get(k)! + 1);
      order.push(t);
    }
  }
  const below = Math.max(...rank.values()) + 1;
  for (const s of g.states) {
    if (!rank.has(s.key)) {
      rank.set(s.key, below);
      order.push(s.key);
    }
  }
  return { rank, order };
}

/** Crossings between edges joining adjacent ranks (the usual measure). */
export function crossings(layers: readonly (readonly string[])[], edges: readonly GraphEdge[]): number {
  const where = new Map<string, [number, number]>();
  layers.forEach((l, r) => l.forEach((k, i) => where.set(k, [r, i])));
  let n = 0;
  for (let r = 0; r + 1 < layers.length; r++) {
    const segs: [number, number][] = [];
    for (const e of edges) {
      const a = where.get(e.source);
      const b = where.get(e.target);
      if (!a || !b) continue;
      if (a[0] === r && b[0] === r + 1) segs.push([a[1], b[1]]);
      else if (b[0] === r && a[0] === r + 1) segs.push([b[1], a[1]]);
    }
    for (let i = 0; i < segs.length; i++) {
      for (let j = i + 1; j < segs.length; j++) {
        if ((segs[i]![0] - segs[j]![0]) * (segs[i]![1] - segs[j]![1]) < 0) n++;
      }
    }
  }
  return n;
}

/**
 * Order within each rank: start from BFS discovery order (final states
 * last, so the main path stays on one side), then barycentre sweeps down
 * and up; keep the ordering with the fewest crossings.
 */
export function orderRanks(g: MachineGraph, rank: Map<string, number>, discovery: readonly string[]): string[][] {
  const depth = Math.max(...rank.values());
  const final = new Set(g.states.filter((s) => s.final).map((s) => s.key));
  const layers: string[][] = Array.from({ length: depth + 1 }, () => []);
  for (const k of discovery) layers[rank.get(k)!]!.push(k);
  for (const l of layers) l.sort((a, b) => Number(final.has(a)) - Number(final.has(b)));

  const nbrs = new Map<string, string[]>(g.states.map((s) => [s.key, []]));
  for (const e of g.edges) {
    if (e.source === e.target) continue;
    nbrs.get(e.source)?.push(e.target);
    nbrs.get(e.target)?.push(e.source);
  }
  const sortBy = (layer: string[], ref: readonly string[]) => {
    const pos = new Map(ref.map((k, i) => [k, i]));
    const key = new Map(
      layer.map((k, i) => {
        const ps = (nbrs.get(k) ?? []).map((n) => pos.get(n)).filter((p): p is number => p !== undefined);
        // No neighbour in the reference rank: stay where it is.
        return [k, ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : i] as const;
      }),
    );
    const before = new Map(layer.map((k, i) => [k, i]));
    layer.sort((a, b) => key.get(a)! - key.get(b)! || Number(final.has(a)) - Number(final.has(b)) || before.get(a)! - before.get(b)!);
  };

  let best = layers.map((l) => [...l]);
  let bestCount = crossings(best, g.edges);
  for (let iter = 0; iter < 4 && bestCount > 0; iter++) {
    for (let r = 1; r <= depth; r++) sortBy(layers[r]!, layers[r - 1]!);
    for (let r = depth - 1; r >= 0; r--) sortBy(layers[r]!, layers[r + 1]!);
    const c = crossings(layers, g.edges);
    if (c < bestCount) {
      best = layers.map((l) => [...l]);
      bestCount = c;
    }
  }
  return best;
}

// ---- geometry ------------------------------------------------------------------

/**
 * SVG units. The chart is drawn at chartScale(rem) CSS px per unit, so its
 * smallest text (FONT: the edge labels and the names under a state) is
 * exactly 0.75rem: 12 px in the workbench, 18 px at a 24 px root.
 */
export const FONT = 12;
/** a state's name, monospace */
export const STATE_FONT = 13;
export const LINE_H = 15;
/** the narrowest state box; a longer name widens every box of its machine */
export const NODE_W = 128;
export const NODE_H = 32;
/** distance between columns and between ranks */
export const COL = 300;
export const ROW = 110;
const PAD = 12;

/** CSS px per SVG unit for a root font of `rem` px: FONT becomes 0.75rem. */
export function chartScale(rem: number): number {
  return (0.75 * rem) / FONT;
}

/** How many characters a name under a state may take: the room between two columns. */
export const TAG_CHARS = Math.floor((COL - 24) / (FONT * MONO_EM));

/** A state box wide enough for the longest state name of its machine. */
export function nodeWidth(g: Pick<MachineGraph, 'states'>): number {
  const longest = Math.max(0, ...g.states.map((st) => st.key.length));
  return Math.max(NODE_W, Math.ceil(longest * STATE_FONT * MONO_EM + 24));
}

export type Side = 'left' | 'right' | 'top' | 'bottom';

export interface ChartNode extends GraphState {
  initial: boolean;
  rank: number;
  order: number;
  /** centre */
  x: number;
  y: number;
  width: number;
  height: number;
  /** where its self-loop is drawn, if it has one */
  loopSide: Side | null;
}

export interface EdgeLabel {
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
  /** one line per event; the first line's baseline is y */
  lines: string[];
}

export interface ChartEdge extends GraphEdge {
  self: boolean;
  /** SVG path data */
  path: string;
  label: EdgeLabel;
}

export interface ChartLayout {
  id: string;
  nodes: ChartNode[];
  edges: ChartEdge[];
  /** the initial pseudo-state's dot and arrow */
  initialDot: { x: number; y: number; path: string };
  viewBox: { x: number; y: number; width: number; height: number };
}

type Pt = [number, number];

/** Where the ray from a box's centre towards p leaves the box. */
export function boxPoint(n: { x: number; y: number; width: number; height: number }, p: Pt): Pt {
  const dx = p[0] - n.x;
  const dy = p[1] - n.y;
  if (dx === 0 && dy === 0) return [n.x, n.y];
  const s = Math.min(dx ? n.width / 2 / Math.abs(dx) : Infinity, dy ? n.height / 2 / Math.abs(dy) : Infinity);
  return [n.x + dx * s, n.y + dy * s];
}

const straight = line();
const smooth = line().curve(curveNatural);
const loopy = line().curve(curveCatmullRom);

/** A small loop on one side of a node; returns the path and its label. */
function selfLoop(n: ChartNode, side: Side, lines: string[]): { path: string; label: EdgeLabel } {
  const { x, y } = n;
  const hw = n.width / 2;
  const hh = n.height / 2;
  const span = (lines.length - 1) * LINE_H;
  let pts: Pt[];
  let label: EdgeLabel;
  if (side === 'right' || side === 'left') {
    const d = side === 'right' ? 1 : -1;
    const e = x + d * hw;
    pts = [[e, y - 7], [e + d * 16, y - 13], [e + d * 26, y], [e + d * 16, y + 13], [e, y + 7]];
    label = { x: e + d * 31, y: y - span / 2 + FONT / 2 - 1, anchor: d > 0 ? 'start' : 'end', lines };
  } else {
    const d = side === 'bottom' ? 1 : -1;
    const e = y + d * hh;
    pts = [[x + 12, e], [x + 18, e + d * 15], [x, e + d * 24], [x - 18, e + d * 15], [x - 12, e]];
    label = { x, y: d > 0 ? e + 24 + LINE_H : e - 28 - span, anchor: 'middle', lines };
  }
  return { path: loopy(pts) ?? '', label };
}

/**
 * The side of a node with the fewest other edges on it: left/right for
 * edges within the rank, top/bottom for edges to other ranks. Outer side
 * first, so loops and their labels go towards the margin.
 */
function pickLoopSide(n: ChartNode, nodes: Map<string, ChartNode>, edges: readonly GraphEdge[], centreX: number): Side {
  const count: Record<Side, number> = { left: 0, right: 0, top: 0, bottom: 0 };
  for (const e of edges) {
    if (e.source === e.target || (e.source !== n.key && e.target !== n.key)) continue;
    const o = nodes.get(e.source === n.key ? e.target : e.source)!;
    if (o.rank === n.rank) count[o.order < n.order ? 'left' : 'right']++;
    else count[o.rank < n.rank ? 'top' : 'bottom']++;
  }
  const outer: Side = n.x < centreX ? 'left' : 'right';
  const prefs: Side[] = [outer, outer === 'left' ? 'right' : 'left', 'bottom', 'top'];
  return prefs.reduce((best, s) => (count[s] < count[best] ? s : best), prefs[0]!);
}

/** A rough text width, on the safe side: good enough to size the viewBox. */
const textWidth = (s: string) => s.length * FONT * MONO_EM;

/** The whole layout of one machine. */
export function layoutChart(g: MachineGraph): ChartLayout {
  const { rank, order } = rankStates(g);
  const layers = orderRanks(g, rank, order);
  const widest = Math.max(...layers.map((l) => l.length));
  const depth = layers.length - 1;
  // Columns and ranks to pixels; a rank narrower than the widest is centred.
  const xOf = scaleLinear().domain([0, Math.max(1, widest - 1)]).range([0, Math.max(1, widest - 1) * COL]);
  const yOf = scaleLinear().domain([0, Math.max(1, depth)]).range([0, Math.max(1, depth) * ROW]);
  const centreX = xOf((widest - 1) / 2);
  const width = nodeWidth(g);

  const nodes = new Map<string, ChartNode>();
  for (const s of g.states) {
    const r = rank.get(s.key)!;
    const i = layers[r]!.indexOf(s.key);
    nodes.set(s.key, {
      ...s,
      initial: s.key === g.initial,
      rank: r,
      order: i,
      x: xOf(i + (widest - layers[r]!.length) / 2),
      y: yOf(r),
      width,
      height: NODE_H,
      loopSide: null,
    });
  }

  const pairs = new Set(g.edges.map((e) => e.id));
  const edges: ChartEdge[] = g.edges.map((e) => {
    const s = nodes.get(e.source)!;
    const t = nodes.get(e.target)!;
    if (s === t) {
      s.loopSide = pickLoopSide(s, nodes, g.edges, centreX);
      return { ...e, self: true, ...selfLoop(s, s.loopSide, e.events) };
    }
    const mid: Pt = [(s.x + t.x) / 2, (s.y + t.y) / 2];
    const dx = t.x - s.x;
    const dy = t.y - s.y;
    const len = Math.hypot(dx, dy);
    const span = Math.abs(t.rank - s.rank);
    let off: Pt = [0, 0];
    if (pairs.has(`${e.target}->${e.source}`)) {
      // Both directions exist: each bends to its own side (the perpendicular flips with direction).
      off = [(-dy / len) * 18, (dx / len) * 18];
    } else if (span >= 2) {
      // Around the ranks in between, towards the nearer margin.
      off = [(mid[0] >= centreX ? 1 : -1) * (60 + 30 * (span - 2)), 0];
    } else if (span === 0 && Math.abs(t.order - s.order) >= 2) {
      off = [0, ROW * 0.35]; // under the states in between
    }
    const c: Pt = [mid[0] + off[0], mid[1] + off[1]];
    const bent = off[0] !== 0 || off[1] !== 0;
    const a = boxPoint(s, bent ? c : [t.x, t.y]);
    const b = boxPoint(t, bent ? c : [s.x, s.y]);
    const path = (bent ? smooth([a, c, b]) : straight([a, b])) ?? '';
    const n = e.events.length;
    let label: EdgeLabel;
    if (span === 0 && !bent) {
      label = { x: c[0], y: c[1] - 5 - (n - 1) * LINE_H, anchor: 'middle', lines: e.events };
    } else if (span === 0) {
      label = { x: c[0], y: c[1] + LINE_H, anchor: 'middle', lines: e.events };
    } else {
      const side = off[0] !== 0 ? Math.sign(off[0]) : Math.abs(dx) > 1 ? Math.sign(dx) : 1;
      label = {
        x: c[0] + 6 * side,
        y: c[1] - ((n - 1) * LINE_H) / 2 + FONT / 2 - 1,
        anchor: side > 0 ? 'start' : 'end',
        lines: e.events,
      };
    }
    return { ...e, self: false, path, label };
  });

  const init = nodes.get(g.initial)!;
  const top = init.y - init.height / 2;
  const initialDot = { x: init.x, y: top - 22, path: straight([[init.x, top - 18], [init.x, top]]) ?? '' };

  // The box around everything, labels included (their width estimated).
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  const grow = (ax: number, ay: number, bx: number, by: number) => {
    x0 = Math.min(x0, ax);
    y0 = Math.min(y0, ay);
    x1 = Math.max(x1, bx);
    y1 = Math.max(y1, by);
  };
  for (const n of nodes.values()) {
    // room under a node for the names of who is in that state (up to TAG_CHARS wide)
    const tag = Math.max(n.width / 2 + 20, (TAG_CHARS * FONT * MONO_EM) / 2 + 4);
    grow(n.x - tag, n.y - n.height / 2 - 30, n.x + tag, n.y + n.height / 2 + 2 * LINE_H + 4);
    if (n.loopSide) grow(n.x - n.width / 2 - 30, n.y - n.height / 2 - 30, n.x + n.width / 2 + 30, n.y + n.height / 2 + 30);
  }
  for (const e of edges) {
    const w = Math.max(...e.label.lines.map(textWidth));
    const lx = e.label.anchor === 'start' ? e.label.x : e.label.anchor === 'end' ? e.label.x - w : e.label.x - w / 2;
    grow(lx, e.label.y - FONT, lx + w, e.label.y + (e.label.lines.length - 1) * LINE_H + 3);
  }
  grow(initialDot.x - 6, initialDot.y - 6, initialDot.x + 6, initialDot.y + 6);
  const viewBox = { x: x0 - PAD, y: y0 - PAD, width: x1 - x0 + 2 * PAD, height: y1 - y0 + 2 * PAD };
  return { id: g.id, nodes: [...nodes.values()], edges, initialDot, viewBox };
}

// ---- the three machines, and where the view says they are ------------------------

export type ChartName = 'transition' | 'patch' | 'module';

export interface ChartDef {
  name: ChartName;
  title: string;
  /** what one instance is, and where the kernel keeps it */
  caption: string;
  machine: AnyStateMachine;
}

export const CHARTS: readonly ChartDef[] = [
  {
    name: 'transition',
    title: 'Transition',
    caption: 'the one transition at a time: klp_transition_patch, klp_target_state (kernel/livepatch/transition.c)',
    machine: transitionMachine,
  },
  {
    name: 'patch',
    title: 'Patch',
    caption: 'each struct klp_patch, from klp_enable_patch() to klp_free_patch_finish() (kernel/livepatch/core.c)',
    machine: patchMachine,
  },
  {
    name: 'module',
    title: 'Module',
    caption: 'each module: enum module_state, then freed (kernel/module/main.c)',
    machine: moduleMachine,
  },
];

/** Before 5.1 (the register + enable API) a patch lives by another machine. */
const REGISTERED_PATCH_CHART: ChartDef = {
  name: 'patch',
  title: 'Patch (4.12–5.0)',
  caption: 'each struct klp_patch, from klp_register_patch() to klp_unregister_patch() (kernel/livepatch/core.c before 5.1)',
  machine: registeredPatchMachine,
};

/** The charts of the kernel shown: the patch's is its release's machine. */
export function chartsFor(registerApi: boolean): readonly ChartDef[] {
  return registerApi ? CHARTS.map((c) => (c.name === 'patch' ? REGISTERED_PATCH_CHART : c)) : CHARTS;
}

const layouts = new Map<ChartDef, ChartLayout>();
/** A chart's layout: it depends on the machine's definition only, so it is made once for the page. */
export function chartLayout(def: ChartDef): ChartLayout {
  let l = layouts.get(def);
  if (!l) layouts.set(def, (l = layoutChart(machineGraph(def.machine))));
  return l;
}

/** state key → who is in it (patch or module names; the transition's patch). */
export type Current = Map<string, string[]>;

export function currentStates(view: KernelView): Record<ChartName, Current> {
  const group = (items: { name: string; state: string }[]): Current => {
    const m: Current = new Map();
    for (const it of items) m.set(it.state, [...(m.get(it.state) ?? []), it.name]);
    return m;
  };
  return {
    transition: new Map([[view.transition.state, view.transition.patch ? [view.transition.patch] : []]]),
    patch: group(view.patches),
    module: group(view.modules),
  };
}

/** The SVG's aria-label: the chart and its current states in words. */
export function ariaLabel(def: ChartDef, current: Current): string {
  const head = `${def.title} statechart`;
  if (current.size === 0) return `${head}. No ${def.name} exists now.`;
  if (def.name === 'transition') {
    const [state, names] = [...current][0]!;
    return `${head}. Current state: ${state}${names.length ? ` (klp_transition_patch ${names.join(', ')})` : ''}.`;
  }
  const parts = [...current].map(([state, names]) => `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} ${state}`);
  return `${head}. Current: ${parts.join('; ')}.`;
}

/**
 * The name under a state: one name and how many more (the full list is in
 * the title and the hidden text). A focused name goes first. Too long a name
 * is shortened in the middle, never at the end: test_klp_callbacks_demo and
 * test_klp_callbacks_demo2 differ at their ends.
 */
export function tagText(names: readonly string[], max = TAG_CHARS, first?: string): string {
  if (names.length === 0) return '';
  const lead = first !== undefined && names.includes(first) ? first : names[0]!;
  const more = names.length > 1 ? ` +${names.length - 1}` : '';
  return `${middle(lead, Math.max(1, max - more.length))}${more}`;
}
