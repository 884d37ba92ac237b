/**
 * Geometry and words for WorkqueueStory.svelte, kept out of the component so
 * they are tested without a browser. Coordinates are in em: the SVG is drawn
 * `width × SCALE` em wide with a viewBox `width` units wide, so one user unit
 * is SCALE em of the surrounding text and talk mode (a larger root font)
 * scales the whole picture. D3 only does maths here: a band scale for the thread lanes and a
 * horizontal link generator for the edges.
 */
import { scaleBand } from 'd3-scale';
import { linkHorizontal } from 'd3-shape';
import type { Edge, FileName, ResourceId, StoryState, ThreadId, ThreadView } from './model';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LaidEdge extends Edge {
  d: string;
  /** on a cycle of the wait-for graph */
  inCycle: boolean;
}

export interface Layout {
  width: number;
  height: number;
  threads: { id: ThreadId; box: Box }[];
  mutex: Box;
  dir: Box;
  files: { name: FileName; box: Box }[];
  finish: Box;
  module: Box;
  edges: LaidEdge[];
  /** nodes (thread ids and resource ids) on some cycle */
  cycleNodes: Set<string>;
}

export const WIDTH = 50;
/** em per user unit: the picture is drawn a little larger than the text around it, for projectors */
export const SCALE = 1.2;
const PAD = 0.4;
const THREAD_X = 0.2;
const THREAD_W = 22;
const THREAD_H = 7.4;
const THREAD_GAP = 1.2;
const RES_X = 31;
const RES_W = WIDTH - RES_X - 0.2;
const FILE_INSET = 1;
/** vertical distance between two edge ends on one box */
const PORT_GAP = 0.95;

const ORDER: readonly ThreadId[] = ['A', 'B', 'W'];

const link = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>()
  .x((p) => p[0])
  .y((p) => p[1]);

/** `n` points `gap` apart, centred on `mid`. */
export function ports(mid: number, n: number, gap = PORT_GAP): number[] {
  return Array.from({ length: n }, (_, i) => mid + (i - (n - 1) / 2) * gap);
}

export function layout(state: StoryState): Layout {
  const lanes = scaleBand<ThreadId>()
    .domain(ORDER)
    .range([PAD, PAD + ORDER.length * THREAD_H + (ORDER.length - 1) * THREAD_GAP])
    .paddingInner(THREAD_GAP / (THREAD_H + THREAD_GAP));
  const threads = ORDER.map((id) => ({ id, box: { x: THREAD_X, y: lanes(id) ?? 0, w: THREAD_W, h: lanes.bandwidth() } }));

  let y = PAD;
  const mutex: Box = { x: RES_X, y, w: RES_W, h: 4.2 };
  y += mutex.h + 1;
  const fileH = 2.5;
  const fileGap = 0.5;
  const dirHead = 3.4;
  const files = state.resources.files.map((f, i) => ({
    name: f.name,
    box: { x: RES_X + FILE_INSET, y: y + dirHead + i * (fileH + fileGap), w: RES_W - FILE_INSET - 0.6, h: fileH },
  }));
  const dir: Box = { x: RES_X, y, w: RES_W, h: dirHead + files.length * fileH + (files.length - 1) * fileGap + 0.6 };
  y += dir.h + 1;
  const finish: Box = { x: RES_X, y, w: RES_W, h: 2.4 };
  y += finish.h + 0.6;
  const module: Box = { x: RES_X, y, w: RES_W, h: 2.4 };
  y += module.h;

  const threadBox = new Map(threads.map((t) => [t.id, t.box]));
  const resBox = new Map<ResourceId, Box>([
    ['klp_mutex', mutex],
    ['finish', finish],
    ...state.resources.files.map((f, i): [ResourceId, Box] => [f.id, files[i]!.box]),
  ]);
  const midY = (b: Box) => b.y + b.h / 2;

  // Each box spreads its edge ends along its side, in the order of the boxes at the other end.
  const tEnd = new Map<string, number>();
  const rEnd = new Map<string, number>();
  const kindRank = (e: Edge) => (e.kind === 'holds' ? 0 : 1);
  for (const t of threads) {
    const mine = state.edges
      .filter((e) => e.thread === t.id)
      .sort((a, b) => midY(resBox.get(a.resource)!) - midY(resBox.get(b.resource)!) || kindRank(a) - kindRank(b));
    ports(midY(t.box), mine.length).forEach((py, i) => tEnd.set(mine[i]!.id, py));
  }
  for (const [r, box] of resBox) {
    const mine = state.edges
      .filter((e) => e.resource === r)
      .sort((a, b) => midY(threadBox.get(a.thread)!) - midY(threadBox.get(b.thread)!) || kindRank(a) - kindRank(b));
    ports(midY(box), mine.length, Math.min(PORT_GAP, (box.h - 0.4) / Math.max(1, mine.length))).forEach((py, i) => rEnd.set(mine[i]!.id, py));
  }

  const onCycle = new Set(state.cycles.flatMap((c) => c.edges));
  const edges: LaidEdge[] = state.edges.map((e) => {
    const tb = threadBox.get(e.thread)!;
    const rb = resBox.get(e.resource)!;
    const t: [number, number] = [tb.x + tb.w, tEnd.get(e.id)!];
    const r: [number, number] = [rb.x, rEnd.get(e.id)!];
    // holds: the resource points at its holder; waits: the thread points at what it waits for
    const d = e.kind === 'holds' ? link({ source: r, target: t }) : link({ source: t, target: r });
    return { ...e, d: d ?? '', inCycle: onCycle.has(e.id) };
  });

  return {
    width: WIDTH,
    height: Math.max(y, PAD + lanes.range()[1]) + PAD,
    threads,
    mutex,
    dir,
    files,
    finish,
    module,
    edges,
    cycleNodes: new Set(state.cycles.flatMap((c) => c.nodes)),
  };
}

// ---------------------------------------------------------------------------
// Words

/** Cuts a string to `max` characters with an ellipsis. */
export function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The callers of the current function, innermost first: "← __klp_disable_patch ← enabled_store". */
export function callers(stack: readonly string[], max = 46): string {
  const outer = stack.slice(0, -1).reverse();
  if (outer.length === 0) return '';
  let text = '';
  for (const f of outer) {
    const next = `${text} ← ${f}`;
    if (next.trim().length > max) return `${text.trim()} ← …`.trim();
    text = next;
  }
  return text.trim();
}

const names = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'nothing');

export function statusText(t: ThreadView): string {
  switch (t.status) {
    case 'not-started':
      return t.id === 'W' ? 'no work queued' : 'about to write';
    case 'running':
      return 'running';
    case 'ready':
      return t.id === 'W' && t.pc === null ? 'free_work queued, not run yet' : 'runnable';
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
  if (t.pc) return { text: fit(`${t.pc}()`, 30), inKernel: true };
  if (t.id === 'W') return { text: t.status === 'done' ? 'work item finished' : t.status === 'ready' ? 'work queued' : 'no work queued', inKernel: false };
  return { text: t.status === 'done' ? 'back in user space' : 'in user space', inKernel: false };
}

export function dirLine(s: StoryState): string {
  const p = s.resources.patch;
  const dir = p.dir === 'present' ? 'directory present' : p.dir === 'deactivated' ? 'being removed' : 'directory removed';
  return `kobject refcount ${p.kobjRefcount} · ${dir}`;
}

export function moduleLine(s: StoryState): string {
  const n = s.resources.module.refcnt;
  return n > 0 ? `refcnt ${n}: rmmod fails` : 'refcnt 0: rmmod works';
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
  const base = `Wait-for graph of threads A, B and W, klp_mutex, the files of /sys/kernel/livepatch/P and patch->finish. ${who}.`;
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
  lines.push(`patch->finish: ${r.finish.done ? 'completed' : 'not completed'}. free_work: ${r.freeWork === 'none' ? 'not queued' : r.freeWork}.`);
  lines.push(`Module P: ${moduleLine(s)}.`);
  if (s.cycle) lines.push(`${s.cycles.length > 1 ? 'Cycles' : 'Cycle'}: ${cycleText(s)}.`);
  return lines;
}

/** Which resources changed since the step before (ids: resource ids, 'dir', 'module'). */
export function changedResources(prev: StoryState | null, s: StoryState): Set<string> {
  const out = new Set<string>();
  if (!prev || prev.variant !== s.variant) return out;
  const a = prev.resources;
  const b = s.resources;
  if (a.mutex.owner !== b.mutex.owner || a.mutex.waiters.join() !== b.mutex.waiters.join()) out.add('klp_mutex');
  b.files.forEach((f, i) => {
    const g = a.files[i];
    if (!g || g.state !== f.state || g.active !== f.active) out.add(f.id);
  });
  if (a.patch.dir !== b.patch.dir || a.patch.kobjRefcount !== b.patch.kobjRefcount) out.add('dir');
  if (a.finish.done !== b.finish.done) out.add('finish');
  if (a.module.refcnt !== b.module.refcnt) out.add('module');
  return out;
}
