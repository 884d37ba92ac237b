/**
 * Screenshots for looking at what we build (not a test): every step of the
 * chosen scenarios at the chosen sizes, modes and themes, as PNGs in shots/.
 * Needs a running server: `npm run build && npm run preview` (or `npm run dev`
 * with SHOTS_URL=http://localhost:5173).
 *
 *   npm run shots -- [--scenario id,id] [--size 1280x720,1920x1080] [--mode workbench,talk,embed]
 *                    [--theme light,dark] [--steps 0,3,7] [--full] [--url '#/blank?…']
 *
 * Each file is named <scenario>-<step>-<mode>-<theme>-<WxH>.png; the page's
 * scroll size is printed beside it, so overflow shows without opening it.
 */
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { SCENARIO_LIST } from '../src/scenarios/catalog';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const base = process.env.SHOTS_URL ?? 'http://127.0.0.1:4173';
const ids = arg('scenario', SCENARIO_LIST.map((s) => s.id).join(',')).split(',');
const sizes = arg('size', '1280x720').split(',').map((s) => s.split('x').map(Number) as [number, number]);
const modes = arg('mode', 'workbench').split(',');
const themes = arg('theme', 'light').split(',');
const only = process.argv.includes('--steps') ? arg('steps', '').split(',').map(Number) : null;
const full = process.argv.includes('--full');
const url = process.argv.includes('--url') ? arg('url', '') : null;
const out = 'shots';
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const [w, h] of sizes) {
  for (const theme of themes) {
    for (const mode of modes) {
      const ctx = await browser.newContext({ viewport: { width: w, height: h }, reducedMotion: 'reduce' });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => console.error('pageerror:', e.message));
      const opts = [`theme=${theme}`, ...(mode === 'workbench' ? [] : [mode])].join('&');
      const targets = url ? [{ id: 'url', steps: [0], hash: () => url }] : await Promise.all(ids.map(async (id) => ({ id, steps: only ?? range(await stepsOf(id)), hash: (n: number) => `#/s/${id}/${n}?${opts}` })));
      for (const t of targets) {
        for (const n of t.steps) {
          await page.goto(`${base}/${t.hash(n)}`);
          await page.waitForLoadState('networkidle');
          await page.waitForTimeout(300);
          const file = `${out}/${t.id}-${n}-${mode}-${theme}-${w}x${h}.png`;
          // The views below the fold are painted only near the viewport (content-visibility: auto):
          // a capture of the whole page shows them all.
          if (full) await page.evaluate(() => document.querySelectorAll<HTMLElement>('.more > .panel').forEach((p) => (p.style.contentVisibility = 'visible')));
          await page.screenshot({ path: file, fullPage: full });
          const [sw, sh] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
          console.log(`${file}  scroll ${sw}x${sh}${sw > w || sh > h ? '  (overflows)' : ''}`);
        }
      }
      await ctx.close();
    }
  }
}
await browser.close();

function range(n: number): number[] {
  return Array.from({ length: n + 1 }, (_, i) => i);
}

async function stepsOf(id: string): Promise<number> {
  const entry = SCENARIO_LIST.find((s) => s.id === id);
  if (!entry) throw new Error(`no scenario ${id}`);
  const s = await entry.load();
  if (s.kind === 'timeline') return s.steps.length;
  // A story's steps live beside its Svelte component, which Node cannot load: ask the page.
  const page = await browser.newPage();
  await page.goto(`${base}/#/s/${id}/100000`);
  await page.waitForLoadState('networkidle');
  const n = Number(/step (\d+) of/.exec(await page.locator('#caption').innerText())?.[1] ?? 0);
  await page.close();
  return n;
}
