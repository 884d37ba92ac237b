/**
 * `npm run bench`: builds nothing itself (the npm script builds first) and
 * prints one table of measured figures with their budgets. Nothing here
 * fails a build; the bundle ceiling is also a test on dist/.
 */
import { cpus } from 'node:os';
import { benchEngine } from './engine';
import { bundleFigures } from './bundle';
import { benchFrames } from './frames';
import { benchLongTasks } from './longtasks';
import { benchColdLoads } from './cold-load';
import { benchScenarios, benchTransition } from './transition';
import { benchCheckpoints } from './checkpoints';
import { benchMemory } from './memory';

type Row = [string, string, string];
const rows: Row[] = [];
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const ok = (good: boolean) => (good ? ' ✓' : ' ✗');

const e = benchEngine();
rows.push([`engine: replay all ${e.transcripts} selftest transcripts (one pass, best of 20)`, `${e.onePassMs.toFixed(1)} ms`, `< 1000 ms${ok(e.onePassMs < 1000)}`]);
rows.push(['engine: transcripts per second (one process)', e.transcriptsPerSecond.toFixed(0), '']);
const sc = benchScenarios();
rows.push([`engine: replay all ${sc.scenarios} narrated timeline scenarios (one pass, best of 10)`, `${sc.onePassMs.toFixed(1)} ms`, '']);
const tr = benchTransition();
for (const x of tr)
  rows.push([`engine: a stalled transition, ${x.tasks} tasks, per virtual second`, `${x.msPerVirtualSecond.toFixed(3)} ms`, x === tr[0] ? 'grows linearly' : `×${(x.msPerVirtualSecond / tr[0]!.msPerVirtualSecond).toFixed(1)} for ×${(x.tasks / tr[0]!.tasks).toFixed(0)} tasks`]);
const cp = benchCheckpoints();
rows.push([`time travel: any step of a ${cp.steps}-step session (p50 / p95 / max of 200)`, `${cp.gotoP50.toFixed(1)} / ${cp.gotoP95.toFixed(1)} / ${cp.gotoMax.toFixed(1)} ms`, `≤ 100 ms${ok(cp.gotoMax <= 100)}`]);
rows.push([`time travel: checkpoints kept for those ${cp.steps} steps`, String(cp.checkpoints), '']);
for (const f of cp.forkMs) rows.push([`time travel: one copy of the machine, ${f.tasks} tasks`, `${f.ms.toFixed(1)} ms`, '']);
rows.push(['time travel: back past a day-long sleep of a stalled transition, 10,000 tasks (the day took)', `${cp.backPastDayMs.toFixed(0)} ms (${(cp.dayMs / 1000).toFixed(1)} s)`, `≤ 100 ms${ok(cp.backPastDayMs <= 100)}`]);
if (e.failures) rows.push(['engine: transcripts that did not match', String(e.failures), `0${ok(false)}`]);

const b = bundleFigures();
if (b) {
  rows.push(['bundle: initial JS+CSS, gzip -9', kb(b.initialGzip), `≤ 80 KB${ok(b.initialGzip <= 80 * 1024)} (aim ≤ 54 KB${ok(b.initialGzip <= 54 * 1024)})`]);
  for (const l of b.lazy) rows.push([`bundle: lazy ${l.file.replace(/-[\w-]{8}\./, '.')}`, kb(l.gzip), '']);
} else rows.push(['bundle: no dist/ (run npm run build)', '-', '']);

if (!process.argv.includes('--no-browser')) {
  try {
    const f = await benchFrames();
    rows.push(['views: navigation to first drawn situation', `${f.firstDrawMs.toFixed(0)} ms`, '']);
    // The interval between frames cannot beat the display's vsync (16.7 ms, with ~0.1 ms of
    // jitter), so the budget applies to the work a frame costs; intervals show stutters.
    for (const x of f.frames)
      rows.push([
        `views: frame work while tasks move, ${x.tasks} tasks (p50 / p95)`,
        `${x.workP50.toFixed(1)} / ${x.workP95.toFixed(1)} ms`,
        x.tasks === 2000 ? `p95 ≤ 16.7 ms${ok(x.workP95 <= 16.7)}` : '',
      ]);
    for (const x of f.frames)
      rows.push([
        `views: frame interval, ${x.tasks} tasks (p50 / p95; over 25 ms, of ${x.frames})`,
        `${x.p50.toFixed(1)} / ${x.p95.toFixed(1)} ms; ${x.dropped}`,
        '',
      ]);
    for (const x of await benchLongTasks())
      rows.push([`page: longest main-thread task, ${x.what} (engine answered in)`, `${x.longestMs.toFixed(0)} ms (${(x.answerMs / 1000).toFixed(1)} s)`, `≤ 50 ms${ok(x.longestMs <= 50)}`]);
    for (const x of await benchColdLoads())
      rows.push([
        `page: opening ${x.link.length > 40 ? `${x.link.slice(0, 37)}…` : x.link} in a new tab, ${x.loads} loads: longest task of the page's / the browser's (first drawn, median)`,
        `${x.oursMs.toFixed(0)} / ${x.browserMs.toFixed(0)} ms (${x.firstDrawMs.toFixed(0)} ms)`,
        `page's ≤ 50 ms${ok(x.oursMs <= 50)}`,
      ]);
    const mem = await benchMemory();
    const top = mem.samples.reduce((a, x) => (x.rendererMB > a.rendererMB ? x : a), mem.samples[0]!);
    rows.push([
      `memory: playing a stalled transition at 20,000 tasks, ${mem.seconds} s (${mem.steps} steps): renderer / page heap at the top`,
      `${top.rendererMB.toFixed(0)} / ${top.pageHeapMB.toFixed(0)} MB`,
      `renderer ≤ 1,500 MB${ok(top.rendererMB <= 1500)}`,
    ]);
  } catch (err) {
    rows.push(['views: browser benchmark failed', String(err instanceof Error ? err.message : err).slice(0, 60), '']);
  }
}

const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(`klpscope bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, Node ${process.version}\n`);
console.log(`${'measure'.padEnd(w0)}  ${'figure'.padStart(w1)}  budget`);
for (const [a, c, d] of rows) console.log(`${a.padEnd(w0)}  ${c.padStart(w1)}  ${d}`);
