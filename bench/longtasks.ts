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

/** Every long task of the page's thread goes into window.__long. */
const WATCH = `
  localStorage.setItem('klpscope:intro-seen', '1');
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask', buffered: true });
`;

const HOSTILE: [string, string][] = [
  ['a typed exponential regex', `echo ${'a'.repeat(28)}b | grep -E '(a+)+$'`],
  ['a typed string doubled 30 times', `X=a; ${'X=$X$X; '.repeat(30)}echo $X | wc -c`],
  ['a typed `ps -e` fifty times', Array(50).fill('ps -e').join('; ')],
  ['the busy module with block_transition=Y', 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y'],
  ['the demo patch, stalled by it', 'insmod test_modules/test_klp_callbacks_demo.ko'],
  ['a typed `sleep 1d` in that stalled transition', 'sleep 1d'],
];

export async function benchLongTasks(): Promise<LongTaskFigures[]> {
  const srv = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const out: LongTaskFigures[] = [];
  try {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await page.addInitScript(WATCH);
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
      '← past that hour (from a checkpoint)',
      async () => {
        await page.evaluate('document.activeElement?.blur()');
        await page.keyboard.press('ArrowLeft');
      },
      () => page.locator('input[aria-label="Timeline"][aria-valuetext^="step 3 of"]').waitFor({ timeout: 300_000 }),
    );
    // The hostile lines of issue 10, typed at the default machine, each measured alone.
    const blank = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await blank.addInitScript(WATCH);
    await blank.goto(`http://127.0.0.1:${PORT}/#/blank`);
    const prompt = blank.locator('input[aria-label="Shell"]');
    await prompt.waitFor({ timeout: 60_000 });
    let at = 0;
    for (const [what, line] of HOSTILE) {
      await blank.waitForTimeout(500);
      await blank.evaluate('window.__long = []');
      const t0 = Date.now();
      await prompt.fill(line);
      await prompt.press('Enter');
      // Plain CSS selectors only while measuring: Playwright's role queries are long tasks of their own.
      await blank.locator(`input[aria-label="Timeline"][aria-valuetext^="step ${++at} of"]`).waitFor({ timeout: 300_000 });
      const answerMs = Date.now() - t0;
      await blank.waitForTimeout(300);
      const long = (await blank.evaluate('window.__long')) as number[];
      out.push({ what: `${what}, default machine`, longestMs: Math.max(0, ...long), answerMs });
    }
  } finally {
    await browser.close();
    srv.kill();
  }
  return out;
}
