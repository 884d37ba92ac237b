/**
 * The page never freezes (issue 10): the longest main-thread task
 * (PerformanceObserver 'longtask', over 50 ms) while a large machine does
 * heavy engine work that a link, a key or a typed line asks for. The engine
 * runs in a worker, so what is left on the page's thread is drawing.
 */
import { chromium } from 'playwright-core';
import { serve, PORT, CHROMIUM, CHROMIUM_ARGS } from './frames';

export interface LongTaskFigures {
  what: string;
  /** the longest task the page's thread ran, ms (0: none over 50 ms) */
  longestMs: number;
  /** how long the engine took to answer, ms */
  answerMs: number;
}

const STALL = ['$insmod%20test_modules/test_klp_callbacks_busy.ko%20block_transition=Y', '@settle', '$insmod%20test_modules/test_klp_callbacks_demo.ko'];

export async function benchLongTasks(): Promise<LongTaskFigures[]> {
  const srv = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const out: LongTaskFigures[] = [];
  try {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await page.addInitScript(`
      localStorage.setItem('klpscope:intro-seen', '1');
      window.__long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask', buffered: true });
    `);
    const measure = async (what: string, act: () => Promise<void>, done: () => Promise<void>) => {
      await page.evaluate('window.__long = []');
      const t0 = Date.now();
      await act();
      await done();
      const answerMs = Date.now() - t0;
      await page.waitForTimeout(300);
      const long = (await page.evaluate('window.__long')) as number[];
      out.push({ what, longestMs: Math.max(0, ...long), answerMs });
    };
    const slider = page.getByRole('slider', { name: 'Timeline' });
    await page.goto(`http://127.0.0.1:${PORT}/#/x/extraTasks=10000;cpus=16;${STALL.join(';')};step=3`);
    await slider.waitFor();
    await page.locator('input[aria-label="Timeline"][aria-valuetext^="step 3 of"]').waitFor({ timeout: 120_000 });
    const shell = page.getByRole('textbox', { name: 'Shell' });
    await measure(
      'a typed `sleep 3600` in a stalled transition, 10,000 tasks',
      async () => {
        await shell.fill('sleep 3600');
        await shell.press('Enter');
      },
      () => page.locator('input[aria-label="Timeline"][aria-valuetext^="step 4 of"]').waitFor({ timeout: 300_000 }),
    );
    await measure(
      '← past that hour (a replay from the set-up)',
      async () => {
        await page.evaluate('document.activeElement?.blur()');
        await page.keyboard.press('ArrowLeft');
      },
      () => page.locator('input[aria-label="Timeline"][aria-valuetext^="step 3 of"]').waitFor({ timeout: 300_000 }),
    );
  } finally {
    await browser.close();
    srv.kill();
  }
  return out;
}
