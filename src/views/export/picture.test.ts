/**
 * A step's exported picture (issue 11): for every scenario's last step the
 * SVG parses, holds the caption and names the patches and tasks its focus
 * names; a few steps are kept as golden files, compared as text
 * (`npm run test:golden` writes them again after a deliberate change: read
 * the diff before committing it).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Timeline } from '../../session/timeline';
import { Shell } from '../../kernel/shell/shell';
import { SCENARIOS, findScenario } from '../../scenarios/index';
import { playStep } from '../../scenarios/run';
import type { TimelineScenario } from '../../scenarios/types';
import { PALETTE_VARS, pictureSvg, stepLines, type Palette } from './picture';
import { elements, readXml, textOf } from './xml-reader';

/** The theme's colours and fonts as theme.css gives them, for light or dark. */
function palette(theme: 'light' | 'dark'): Palette {
  const css = readFileSync(new URL('../../app/theme.css', import.meta.url), 'utf8');
  const block = (sel: string) => css.slice(css.indexOf(sel), css.indexOf('}', css.indexOf(sel)));
  const vars = (b: string) => Object.fromEntries([...b.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
  const light = vars(block(":root[data-theme='light']"));
  const all = theme === 'light' ? light : { ...light, ...vars(block(":root[data-theme='dark'] {")) };
  return Object.fromEntries(Object.entries(PALETTE_VARS).map(([k, v]) => [k, all[v] ?? ''])) as unknown as Palette;
}

function pictureAt(s: TimelineScenario, n: number, theme: 'light' | 'dark' = 'light', withCaption = true) {
  const t = new Timeline(s.setup, (k) => new Shell(k));
  let rec: ReturnType<typeof playStep> | undefined;
  for (const st of s.steps.slice(0, n)) rec = playStep(t, st);
  const step = s.steps[n - 1]!;
  return pictureSvg({
    view: t.view(),
    prev: n > 1 ? t.cachedView(n - 1) : null,
    focus: step.focus,
    caption: withCaption ? { title: s.title, where: `step ${n} of ${s.steps.length}`, fn: step.fn ?? '', text: step.caption } : null,
    ...stepLines(rec),
    palette: palette(theme),
  });
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const TIMELINES = SCENARIOS.filter((s): s is TimelineScenario => s.kind === 'timeline');

describe('a step exported as SVG', () => {
  it('resolves every colour and font of both themes', () => {
    for (const theme of ['light', 'dark'] as const) for (const [k, v] of Object.entries(palette(theme))) expect(v, `${theme} ${k}`).not.toBe('');
  });

  it.each(TIMELINES.map((s) => [s.id, s] as const))('%s, last step: parses, holds the caption, names what its focus names', (_id, s) => {
    const n = s.steps.length;
    const { svg, width, height } = pictureAt(s, n);
    const root = readXml(svg);
    expect(root.name).toBe('svg');
    expect([Number(root.attrs.width), Number(root.attrs.height)]).toEqual([width, height]);
    const text = norm(textOf(root));
    const step = s.steps[n - 1]!;
    expect(text).toContain(norm(step.caption));
    if (step.fn) expect(text).toContain(`${step.fn}()`);
    const views = step.focus.views;
    const drawsPatches = views.some((v) => v !== 'tasks' && v !== 'shell' && v !== 'log');
    for (const a of step.focus.actors ?? []) {
      if ('patch' in a && drawsPatches) expect(text, a.patch).toContain(a.patch);
      if ('task' in a && views.includes('tasks')) expect(text, a.task).toContain(a.task);
    }
    // Every colour is a value: no CSS variable is left for a viewer to resolve.
    expect(svg).not.toMatch(/var\(--/);
  });

  it('without the caption, holds the picture alone', () => {
    const s = findScenario('first-livepatch') as TimelineScenario;
    const root = readXml(pictureAt(s, 2, 'light', false).svg);
    expect(norm(textOf(root))).not.toContain(norm(s.steps[1]!.caption).slice(0, 40));
    expect(elements(root, 'circle').length).toBeGreaterThan(10);
  });

  it('escapes what a caption or a command holds', () => {
    const s = findScenario('first-livepatch') as TimelineScenario;
    const hostile: TimelineScenario = { ...s, steps: s.steps.map((st, i) => (i === 0 ? { ...st, caption: '<script>alert(1)</script> & "q"' } : st)) };
    const { svg } = pictureAt(hostile, 1);
    expect(svg).not.toContain('<script>');
    expect(norm(textOf(readXml(svg)))).toContain('<script>alert(1)</script> & "q"');
  });

  const GOLDEN: [string, number, 'light' | 'dark'][] = [
    ['first-livepatch', 2, 'light'],
    ['stalled-transition', 3, 'dark'],
    ['disable-and-remove', 6, 'light'],
  ];
  it.each(GOLDEN)('%s step %i (%s) is as its golden file', (id, n, theme) => {
    const { svg } = pictureAt(findScenario(id) as TimelineScenario, n, theme);
    const file = new URL(`../../../tests/golden/svg/${id}-${n}-${theme}.svg`, import.meta.url);
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, svg);
    expect(existsSync(file), 'no golden file: npm run test:golden writes it').toBe(true);
    expect(svg).toBe(readFileSync(file, 'utf8'));
  });
});

describe('the tests’ XML reader', () => {
  it('refuses what is not well formed', () => {
    for (const bad of ['<a><b></a></b>', '<a x="1" x="2"/>', '<a>&nope;</a>', '<a>1 < 2</a>', '<a>', '<a/><b/>', '<a x=1/>', '<a>R&D</a>']) expect(() => readXml(bad), bad).toThrow();
    expect(textOf(readXml('<?xml version="1.0"?>\n<a>x &amp; <b k="&lt;">y</b>&#65;</a>'))).toBe('x &  y A');
  });
});
