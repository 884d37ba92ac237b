import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import {
  ariaLabel,
  boxPoint,
  chartLayout,
  chartScale,
  CHARTS,
  crossings,
  currentStates,
  FONT,
  layoutChart,
  machineGraph,
  nodeWidth,
  orderRanks,
  rankStates,
  STATE_FONT,
  TAG_CHARS,
  tagText,
  type MachineGraph,
} from './statechart';
import { patchMachine } from '../kernel/machines/patch.machine';
import { transitionMachine } from '../kernel/machines/transition.machine';
import { moduleMachine } from '../kernel/machines/module.machine';
import { kernelView, module, patch, patchingView } from './state-fixtures';
import { MONO_EM } from './fit';

/** The definition as written: { initial, states: { key: { type?, on: { event: target | {target?} | [...] } } } }. */
interface Config {
  initial: string;
  states: Record<string, { type?: string; description?: string; on?: Record<string, unknown> }>;
}
const config = (m: AnyStateMachine) => m.config as unknown as Config;

/** Every (source, target, event) of the definition; a targetless transition stays in its state. */
function definedTransitions(m: AnyStateMachine): { source: string; target: string; event: string }[] {
  const out: { source: string; target: string; event: string }[] = [];
  for (const [source, s] of Object.entries(config(m).states)) {
    for (const [event, t] of Object.entries(s.on ?? {})) {
      for (const one of Array.isArray(t) ? t : [t]) {
        const target = typeof one === 'string' ? one : ((one as { target?: string }).target ?? source);
        out.push({ source, target, event });
      }
    }
  }
  return out;
}

const MACHINES: [string, AnyStateMachine][] = [
  ['patch', patchMachine],
  ['transition', transitionMachine],
  ['module', moduleMachine],
];

describe.each(MACHINES)('the %s machine', (_name, machine) => {
  const graph = machineGraph(machine);
  const layout = layoutChart(graph);
  const keys = Object.keys(config(machine).states);

  it('every state of the definition is laid out exactly once', () => {
    expect(layout.nodes.map((n) => n.key).sort()).toEqual([...keys].sort());
    expect(new Set(layout.nodes.map((n) => n.key)).size).toBe(layout.nodes.length);
  });

  it('keeps descriptions and final states', () => {
    for (const n of layout.nodes) {
      const s = config(machine).states[n.key]!;
      expect(n.description).toBe(s.description ?? '');
      expect(n.final).toBe(s.type === 'final');
    }
  });

  it('every transition of the definition is an edge, labelled with its event', () => {
    const defined = definedTransitions(machine);
    expect(defined.length).toBeGreaterThan(0);
    for (const t of defined) {
      const e = layout.edges.find((x) => x.source === t.source && x.target === t.target);
      expect(e, `${t.source} -> ${t.target} on ${t.event}`).toBeDefined();
      expect(e!.events).toContain(t.event);
    }
  });

  it('and nothing else: no edge the definition lacks, one edge per pair of states', () => {
    const defined = definedTransitions(machine);
    for (const e of layout.edges) {
      for (const ev of e.events) {
        expect(defined.some((t) => t.source === e.source && t.target === e.target && t.event === ev)).toBe(true);
      }
      // each guarded alternative is one line of detail
      expect(e.details.length).toBe(defined.filter((t) => t.source === e.source && t.target === e.target).length);
    }
    const pairs = layout.edges.map((e) => `${e.source}->${e.target}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    for (const e of layout.edges) expect(new Set(e.events).size).toBe(e.events.length);
  });

  it('ranks start at the initial state and grow by BFS distance', () => {
    const initial = config(machine).initial;
    expect(graph.initial).toBe(initial);
    const byKey = new Map(layout.nodes.map((n) => [n.key, n]));
    expect(byKey.get(initial)!).toMatchObject({ rank: 0, initial: true });
    expect(layout.nodes.filter((n) => n.rank === 0).map((n) => n.key)).toEqual([initial]);
    expect(layout.nodes.filter((n) => n.initial)).toHaveLength(1);
    for (const n of layout.nodes) {
      if (n.rank === 0) continue;
      // reached from some state one rank up, and from none further up than that
      const preds = layout.edges.filter((e) => e.target === n.key && e.source !== n.key).map((e) => byKey.get(e.source)!.rank);
      expect(Math.min(...preds), n.key).toBe(n.rank - 1);
    }
    // drawn top to bottom
    for (const e of layout.edges) {
      const [s, t] = [byKey.get(e.source)!, byKey.get(e.target)!];
      expect(Math.sign(t.y - s.y)).toBe(Math.sign(t.rank - s.rank));
    }
  });

  it('no two states at the same position, no overlapping boxes', () => {
    const pos = layout.nodes.map((n) => `${n.x},${n.y}`);
    expect(new Set(pos).size).toBe(pos.length);
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        expect(apart, `${a.key} / ${b.key}`).toBe(true);
      }
    }
  });

  it('positions and paths are finite; everything sits inside the viewBox', () => {
    const { x, y, width, height } = layout.viewBox;
    for (const n of layout.nodes) {
      expect(Number.isFinite(n.x) && Number.isFinite(n.y)).toBe(true);
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(x);
      expect(n.x + n.width / 2).toBeLessThanOrEqual(x + width);
      expect(n.y - n.height / 2).toBeGreaterThanOrEqual(y);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(y + height);
    }
    for (const e of layout.edges) {
      expect(e.path).toMatch(/^M/);
      expect(e.path).not.toMatch(/NaN|Infinity/);
      expect(e.label.lines).toEqual(e.events);
      expect(e.label.x).toBeGreaterThanOrEqual(x);
      expect(e.label.x).toBeLessThanOrEqual(x + width);
    }
  });

  it('self-loops are drawn as loops, on a side of their state', () => {
    for (const e of layout.edges) {
      const n = layout.nodes.find((x) => x.key === e.source)!;
      expect(e.self).toBe(e.source === e.target);
      if (e.self) expect(n.loopSide).not.toBeNull();
    }
    for (const n of layout.nodes) {
      expect(n.loopSide !== null).toBe(layout.edges.some((e) => e.self && e.source === n.key));
    }
  });

  it('the barycentre order has no more crossings than discovery order', () => {
    const { rank, order } = rankStates(graph);
    const naive: string[][] = [];
    for (const k of order) (naive[rank.get(k)!] ??= []).push(k);
    const ordered = orderRanks(graph, rank, order);
    expect(crossings(ordered, graph.edges)).toBeLessThanOrEqual(crossings(naive, graph.edges));
    expect(ordered.flat().sort()).toEqual([...order].sort());
  });
});

describe('specific machines', () => {
  it('merges parallel transitions: patching loops on three events', () => {
    const e = machineGraph(patchMachine).edges.find((x) => x.id === 'patching->patching')!;
    expect(e.events).toEqual(['sysfs.enabled', 'sysfs.force', 'forced']);
    expect(e.details).toContain('sysfs.enabled [writesTrue] / reject');
  });

  it('merges guarded alternatives to one target: disabled → freed on free_work', () => {
    const e = machineGraph(patchMachine).edges.find((x) => x.id === 'disabled->freed')!;
    expect(e.events).toEqual(['free_work']);
    expect(e.details).toEqual(['free_work [forced] / kobject_put_patch', 'free_work / kobject_put_patch, module_put']);
  });

  it('transition machine ranks: idle, initialized, then running and completing', () => {
    const { rank } = rankStates(machineGraph(transitionMachine));
    expect(Object.fromEntries(rank)).toEqual({ idle: 0, initialized: 1, running: 2, completing: 2 });
  });

  it('module machine: live, going and gone share a rank, gone (final) last', () => {
    const g = machineGraph(moduleMachine);
    const { rank, order } = rankStates(g);
    expect(orderRanks(g, rank, order)).toEqual([['unformed'], ['coming'], ['live', 'going', 'gone']]);
  });

  it('the long back edge completing → idle bends around initialized', () => {
    const l = layoutChart(machineGraph(transitionMachine));
    const init = l.nodes.find((n) => n.key === 'initialized')!;
    const e = l.edges.find((x) => x.id === 'completing->idle')!;
    expect(e.path).toMatch(/C/); // a curve, not a straight line
    expect(Math.abs(e.label.x - init.x)).toBeGreaterThan(init.width / 2);
  });
});

describe('crossings and geometry helpers', () => {
  const g: MachineGraph = {
    id: 'x',
    initial: 'a',
    states: ['a', 'b', 'c', 'd', 'e'].map((key) => ({ key, description: '', final: false })),
    edges: [
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'e'],
      ['c', 'd'],
    ].map(([source, target]) => ({ id: `${source}->${target}`, source: source!, target: target!, events: ['go'], details: ['go'] })),
  };

  it('counts crossings between adjacent ranks', () => {
    expect(crossings([['a'], ['b', 'c'], ['d', 'e']], g.edges)).toBe(1);
    expect(crossings([['a'], ['b', 'c'], ['e', 'd']], g.edges)).toBe(0);
  });

  it('the barycentre pass removes the crossing', () => {
    const { rank } = rankStates(g);
    const ordered = orderRanks(g, rank, ['a', 'b', 'c', 'd', 'e']);
    expect(crossings(ordered, g.edges)).toBe(0);
  });

  it('unreachable states still get a rank, below the rest', () => {
    const h: MachineGraph = { ...g, states: [...g.states, { key: 'z', description: '', final: false }] };
    const { rank } = rankStates(h);
    expect(rank.get('z')).toBe(3);
    expect(layoutChart(h).nodes).toHaveLength(6);
  });

  it('boxPoint finds where a ray leaves a box', () => {
    const n = { x: 0, y: 0, width: 100, height: 20 };
    expect(boxPoint(n, [0, 100])).toEqual([0, 10]);
    expect(boxPoint(n, [200, 0])).toEqual([50, 0]);
    expect(boxPoint(n, [-100, -100])).toEqual([-10, -10]);
  });
});

describe('current states from the view', () => {
  it('an idle machine: transition idle, no patch, no module', () => {
    const c = currentStates(kernelView());
    expect([...c.transition]).toEqual([['idle', []]]);
    expect(c.patch.size).toBe(0);
    expect(c.module.size).toBe(0);
  });

  it('one highlight per state, with every patch and module in it', () => {
    const v = patchingView();
    v.patches.push(patch({ name: 'old', state: 'disabled', enabled: false, listed: false }), patch({ name: 'older', state: 'disabled' }));
    v.modules.push(module({ name: 'old', state: 'live' }), module({ name: 'target_mod', state: 'coming', livepatch: false }));
    const c = currentStates(v);
    expect([...c.transition]).toEqual([['running', ['livepatch_sample']]]);
    expect(Object.fromEntries(c.patch)).toEqual({ patching: ['livepatch_sample'], disabled: ['old', 'older'] });
    expect(Object.fromEntries(c.module)).toEqual({ live: ['livepatch_sample', 'old'], coming: ['target_mod'] });
  });

  it('every state the view names is a state of its machine', () => {
    const v = patchingView();
    const c = currentStates(v);
    for (const def of CHARTS) {
      const keys = Object.keys(config(def.machine).states);
      for (const s of c[def.name].keys()) expect(keys).toContain(s);
    }
  });

  it('aria-labels list the current states in words', () => {
    const [tr, pa, mo] = CHARTS as [(typeof CHARTS)[0], (typeof CHARTS)[0], (typeof CHARTS)[0]];
    const c = currentStates(patchingView());
    expect(ariaLabel(tr, c.transition)).toBe('Transition statechart. Current state: running (klp_transition_patch livepatch_sample).');
    expect(ariaLabel(tr, currentStates(kernelView()).transition)).toBe('Transition statechart. Current state: idle.');
    expect(ariaLabel(pa, c.patch)).toBe('Patch statechart. Current: livepatch_sample is patching.');
    expect(ariaLabel(pa, new Map([['disabled', ['a', 'b']]]))).toBe('Patch statechart. Current: a, b are disabled.');
    expect(ariaLabel(mo, new Map())).toBe('Module statechart. No module exists now.');
  });

  it('tags: one name, shortened in the middle, and how many more', () => {
    expect(tagText([])).toBe('');
    expect(tagText(['livepatch_sample'])).toBe('livepatch_sample');
    expect(tagText(['a', 'b', 'c'])).toBe('a +2');
    expect(tagText(['test_klp_callbacks_demo2'], 22)).toBe('test_klp_ca…acks_demo2');
    expect(tagText(['test_klp_callbacks_demo2', 'x'], 22)).toBe('test_klp_…cks_demo2 +1');
    expect(tagText(['test_klp_callbacks_demo2', 'x'], 22).length).toBe(22);
  });

  it('tags of patches that differ at their ends stay distinct, however short', () => {
    const names = ['test_klp_callbacks_demo', 'test_klp_callbacks_demo2'];
    for (const max of [8, 12, 16, 22, TAG_CHARS]) {
      const [a, b] = names.map((n) => tagText([n], max));
      expect(a, `max ${max}`).not.toBe(b);
      expect(a!.length).toBeLessThanOrEqual(max);
      expect(b!.endsWith('2')).toBe(true);
    }
    // with the room between two columns, both names are whole
    expect(names.map((n) => tagText([n]))).toEqual(names);
  });

  it('tags put a focused name first', () => {
    expect(tagText(['a', 'b', 'c'], 22, 'c')).toBe('c +2');
    expect(tagText(['a', 'b'], 22, 'zz')).toBe('a +1');
  });

  it('draws its smallest text at 0.75rem: 12px in the workbench, 18px at a 24px root', () => {
    expect(FONT * chartScale(16)).toBe(12);
    expect(FONT * chartScale(24)).toBe(18);
    expect(STATE_FONT).toBeGreaterThanOrEqual(FONT);
  });

  it('state boxes hold their names; a machine with a longer name gets wider boxes', () => {
    for (const { machine } of CHARTS) {
      for (const n of layoutChart(machineGraph(machine)).nodes) expect(n.key.length * STATE_FONT * MONO_EM).toBeLessThanOrEqual(n.width - 16);
    }
    const long = { states: [{ key: 'waiting_for_the_free_work', description: '', final: false }] };
    expect(nodeWidth(long)).toBeGreaterThanOrEqual(long.states[0]!.key.length * STATE_FONT * MONO_EM + 16);
    expect(nodeWidth({ states: [] })).toBe(128);
  });
});

describe('chartLayout', () => {
  it('lays each chart out once, as layoutChart does from its machine', () => {
    for (const def of CHARTS) {
      const l = chartLayout(def);
      expect(chartLayout(def)).toBe(l);
      expect(l).toEqual(layoutChart(machineGraph(def.machine)));
    }
  });
});

describe('the charts of a release', () => {
  it('before 5.1 the patch chart is the register + enable machine: registered and back, no replaced, no free_work', async () => {
    const { chartsFor, chartLayout, machineGraph } = await import('./statechart');
    const old = chartsFor(true).find((c) => c.name === 'patch')!;
    const states = machineGraph(old.machine).states.map((s) => s.key);
    expect(states).toContain('registered');
    expect(states).not.toContain('replaced');
    expect(states).not.toContain('disabled');
    expect(chartLayout(old).nodes.length).toBe(states.length);
    expect(chartsFor(false).find((c) => c.name === 'patch')!.title).toBe('Patch');
  });
});
