/**
 * Opening a link in a new tab (issue 10): the longest main-thread task of
 * the load, split in two. The page's own tasks are those that end after its
 * code starts (the `klpscope:start` mark, main.ts); before that the browser
 * makes the document and its script context, a task that an empty page also
 * has on this machine (50–85 ms in about half of the loads).
 */
import { chromium } from 'playwright-core';
import { serve, PORT, CHROMIUM, CHROMIUM_ARGS } from './frames';

export interface ColdLoadFigures {
  link: string;
  loads: number;
  /** the longest task that ran the page's code or drew it, ms (0: none over 50 ms) */
  oursMs: number;
  /** the longest task that ended before the page's code started, ms (0: none over 50 ms) */
  browserMs: number;
  /** navigation to the first drawn situation, median, ms */
  firstDrawMs: number;
}

const LINKS = ['#/s/stalled-transition/3', '#/blank', '#/s/first-livepatch/1', '#/x/extraTasks=10000;cpus=16;$insmod%20test_modules/test_klp_callbacks_busy.ko%20block_transition=Y;@settle;$insmod%20test_modules/test_klp_callbacks_demo.ko;step=3'];

const WATCH = `
  localStorage.setItem('klpscope:intro-seen', '1');
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
`;

export async function benchColdLoads(loads = 4): Promise<ColdLoadFigures[]> {
  const srv = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const out: ColdLoadFigures[] = [];
  try {
    for (const link of LINKS) {
      let oursMs = 0;
      let browserMs = 0;
      const draws: number[] = [];
      for (let i = 0; i < loads; i++) {
        const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        const page = await ctx.newPage();
        await page.addInitScript(WATCH);
        await page.goto(`http://127.0.0.1:${PORT}/${link}`);
        // Polled from Node, not in the page: a waitForFunction runs in the page's thread.
        const mark = (name: string) => page.evaluate((n) => performance.getEntriesByName(n)[0]?.startTime ?? null, name);
        let drawn: number | null = null;
        for (let t = 0; t < 240 && drawn === null; t++) {
          await page.waitForTimeout(500);
          drawn = await mark('klpscope:first-draw');
        }
        await page.waitForTimeout(2500); // the views below the fold, and the prefetch once idle
        const start = (await mark('klpscope:start')) ?? 0;
        for (const [at, ms] of (await page.evaluate('window.__long')) as [number, number][]) {
          if (at + ms > start) oursMs = Math.max(oursMs, ms);
          else browserMs = Math.max(browserMs, ms);
        }
        draws.push(drawn ?? NaN);
        await ctx.close();
      }
      draws.sort((a, b) => a - b);
      out.push({ link, loads, oursMs, browserMs, firstDrawMs: draws[Math.floor(draws.length / 2)]! });
    }
  } finally {
    await browser.close();
    srv.kill();
  }
  return out;
}
