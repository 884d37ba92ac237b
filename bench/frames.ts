/**
 * Frame times in headless Chromium while tasks move between universes, for
 * large systems, and the time from navigation to the first drawn situation.
 * Serves dist/ with vite preview on a spare port.
 */
import { chromium } from 'playwright-core';
import { spawn, type ChildProcess } from 'node:child_process';

export const PORT = 4179;
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

export interface FrameFigures {
  tasks: number;
  /** intervals between frames (rAF timestamps): at best the display's vsync, 16.7 ms */
  p50: number;
  p95: number;
  /** the main thread's work per frame: from the frame's start to the first task after its rendering */
  workP50: number;
  workP95: number;
  frames: number;
  /** frames longer than one and a half vsync intervals: what a viewer sees as a stutter */
  dropped: number;
}

export async function serve(): Promise<ChildProcess> {
  const srv = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(`http://127.0.0.1:${PORT}/`);
      return srv;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  srv.kill();
  throw new Error('vite preview did not start');
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

export async function benchFrames(sizes = [500, 2000, 10000]): Promise<{ frames: FrameFigures[]; firstDrawMs: number }> {
  const srv = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  try {
    const ctx = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
    const page = await ctx.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await page.getByRole('region', { name: 'Task migration' }).waitFor();
    const firstDrawMs = (await page.evaluate(`performance.getEntriesByName('klpscope:first-draw')[0]?.startTime ?? NaN`)) as number;
    const frames: FrameFigures[] = [];
    for (const tasks of sizes) {
      await page.goto(`http://127.0.0.1:${PORT}/?tasks=${tasks}&cpus=16`);
      await page.getByRole('region', { name: 'Task migration' }).waitFor();
      // Wait for the first command (insmod) and the large-system view.
      await page.getByRole('log', { name: 'Shell output' }).locator('.prompt').first().waitFor();
      await page.waitForTimeout(1500);
      // A string, not a function: tsx would wrap a function with helpers the page lacks.
      // Per frame: the interval since the last one, and how long the frame kept the main
      // thread (a message posted from rAF runs after that frame's style, layout and paint).
      await page.evaluate(`(() => {
        window.__frames = [];
        window.__work = [];
        window.__stop = false;
        const ch = new MessageChannel();
        let start = 0;
        ch.port1.onmessage = () => window.__work.push(performance.now() - start);
        let last = performance.now();
        const tick = (now) => {
          window.__frames.push(now - last);
          last = now;
          start = now;
          ch.port2.postMessage(0);
          if (!window.__stop) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      })()`);
      // Back and forth across the step where most tasks switch: every move animates.
      for (let i = 0; i < 8; i++) {
        await page.getByRole('button', { name: i % 2 ? 'Step forward' : 'Step back' }).click();
        await page.waitForTimeout(700);
      }
      const deltas = (await page.evaluate('(window.__stop = true, window.__frames.slice(1))')) as number[];
      const work = (await page.evaluate('window.__work.slice(1)')) as number[];
      frames.push({
        tasks,
        p50: quantile(deltas, 0.5),
        p95: quantile(deltas, 0.95),
        workP50: quantile(work, 0.5),
        workP95: quantile(work, 0.95),
        frames: deltas.length,
        dropped: deltas.filter((d) => d > 25).length,
      });
    }
    return { frames, firstDrawMs };
  } finally {
    await browser.close();
    srv.kill();
  }
}
