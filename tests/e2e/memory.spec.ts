/**
 * Memory stays bounded while a large machine plays (issue 10): a stalled
 * transition at 20,000 tasks played at the top speed for a minute (five with
 * `npm run test:memory`; E2E_PLAY_SECONDS sets it) keeps the page's renderer
 * processes (the page and the engine's worker live there) under
 * MEMORY_BOUND_MB resident and their growth over the last half of the run
 * small: a cache that keeps every step grows with the steps (it reached 4 GB
 * in three minutes and the tab crashed, over 600 MB in each half minute).
 * Played here, the caches are full within seconds (~700 steps in 90 s, the
 * renderers at 860–950 MB from the first sample on). The figures over time
 * are `npm run bench`'s (bench/memory.ts).
 */
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';

const PLAY_SECONDS = Number(process.env.E2E_PLAY_SECONDS ?? 60);
/** Six samples or more, at most 15 s apart. */
const SAMPLE_MS = Math.min(15_000, (PLAY_SECONDS * 1000) / 6);
/** The bound the README and docs/performance.md state. */
const MEMORY_BOUND_MB = 1500;
/** What the last half of the run may add: caches fill in the first minutes, then stay. */
const LATE_GROWTH_MB = 250;

const STALL = ['$insmod%20test_modules/test_klp_callbacks_busy.ko%20block_transition=Y', '@settle', '$insmod%20test_modules/test_klp_callbacks_demo.ko'];

function residentMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0; // the process has ended
  }
}

test.setTimeout((PLAY_SECONDS + 240) * 1000);

test(`${PLAY_SECONDS} s of play at 20,000 tasks stay under the memory bound`, async ({ browser }) => {
  // The renderer processes this test's context starts: its page's (the engine's worker lives there
  // too). Not the others of this worker's browser (an earlier test's page may still be closing).
  const cdp = await browser.newBrowserCDPSession();
  const renderers = async () => {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  };
  const others = new Set(await renderers());
  const resident = async () => (await renderers()).filter((pid) => !others.has(pid)).reduce((mb, pid) => mb + residentMB(pid), 0);

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(`localStorage.setItem('klpscope:intro-seen', '1');`);
  await page.goto(`/#/x/extraTasks=20000;cpus=16;${STALL.join(';')};step=3;speed=32`);
  const timeline = page.getByRole('slider', { name: 'Timeline' });
  await expect(page.locator('input[aria-label="Timeline"][aria-valuetext^="step 3 of"]')).toBeVisible({ timeout: 180_000 });

  await page.evaluate('document.activeElement?.blur()');
  await page.keyboard.press(' ');
  const t0 = Date.now();
  const samples: { at: number; mb: number }[] = [];
  while (Date.now() - t0 < PLAY_SECONDS * 1000) {
    await page.waitForTimeout(Math.min(SAMPLE_MS, PLAY_SECONDS * 1000 - (Date.now() - t0)));
    samples.push({ at: (Date.now() - t0) / 1000, mb: await resident() });
  }
  const steps = Number(await timeline.inputValue());
  const half = samples.filter((s) => s.at >= PLAY_SECONDS / 2);
  const top = Math.max(...samples.map((s) => s.mb));
  const late = half.length ? half[half.length - 1]!.mb - half[0]!.mb : 0;
  const figures = `${steps} steps; renderer resident MB every ${SAMPLE_MS / 1000} s: ${samples.map((s) => Math.round(s.mb)).join(' ')}`;
  test.info().annotations.push({ type: 'memory', description: figures });
  expect(steps, 'it played').toBeGreaterThan(3);
  expect(top, figures).toBeLessThan(MEMORY_BOUND_MB);
  expect(late, figures).toBeLessThan(LATE_GROWTH_MB);
  await context.close();
});
