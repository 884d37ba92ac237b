/**
 * Memory stays bounded while a large machine plays (issue 10): a stalled
 * transition at 20,000 tasks played at the top speed for five minutes
 * (BENCH_PLAY_SECONDS to change it). Measured: the renderer process's
 * resident memory (the page and the engine's worker live in it) and the
 * page's own JS heap, every 30 s. Before the view cache had a budget this
 * reached 4 GB in three minutes and the tab crashed.
 */
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { serve, PORT, CHROMIUM, CHROMIUM_ARGS } from './frames';

export interface MemoryFigures {
  seconds: number;
  steps: number;
  /** MB, every 30 s: renderer resident set, page JS heap */
  samples: { at: number; rendererMB: number; pageHeapMB: number }[];
}

/** Resident memory of Chromium's renderer processes, MB (one page is open). */
function rendererMB(): number {
  const out = execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' });
  let kb = 0;
  for (const line of out.split('\n')) if (line.includes('--type=renderer') && line.includes('chromium')) kb += Number(line.trim().split(/\s+/)[0]);
  return kb / 1024;
}

const STALL = ['$insmod%20test_modules/test_klp_callbacks_busy.ko%20block_transition=Y', '@settle', '$insmod%20test_modules/test_klp_callbacks_demo.ko'];

export async function benchMemory(seconds = Number(process.env.BENCH_PLAY_SECONDS ?? 300)): Promise<MemoryFigures> {
  const srv = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await page.addInitScript(`localStorage.setItem('klpscope:intro-seen', '1');`);
    await page.goto(`http://127.0.0.1:${PORT}/#/x/extraTasks=20000;cpus=16;${STALL.join(';')};step=3;speed=32`);
    await page.locator('input[aria-label="Timeline"][aria-valuetext^="step 3 of"]').waitFor({ timeout: 300_000 });
    await page.evaluate('document.activeElement?.blur()');
    await page.keyboard.press(' ');
    const samples: MemoryFigures['samples'] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < seconds * 1000) {
      await page.waitForTimeout(Math.min(30_000, seconds * 1000 - (Date.now() - t0)));
      const heap = (await page.evaluate('performance.memory?.usedJSHeapSize ?? 0')) as number;
      samples.push({ at: Math.round((Date.now() - t0) / 1000), rendererMB: rendererMB(), pageHeapMB: heap / 2 ** 20 });
    }
    const steps = Number(await page.getByRole('slider', { name: 'Timeline' }).inputValue());
    return { seconds, steps, samples };
  } finally {
    await browser.close();
    srv.kill();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchMemory(), null, 1));
