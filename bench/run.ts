/**
 * `npm run bench`: prints one table of measured figures with their budgets.
 * Nothing here fails a build; figures go in docs and issue notes.
 */
import { cpus } from 'node:os';
import { benchEngine } from './engine';

const rows: [string, string, string][] = [];
const e = benchEngine();
rows.push([
  `engine: replay all ${e.transcripts} selftest transcripts (one pass, best of 20)`,
  `${e.onePassMs.toFixed(1)} ms`,
  `< 1000 ms${e.onePassMs < 1000 ? ' ✓' : ' ✗'}`,
]);
rows.push(['engine: transcripts per second (one process)', e.transcriptsPerSecond.toFixed(0), '']);
if (e.failures) rows.push(['engine: transcripts that did not match', String(e.failures), '0 ✗']);

const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(`klpscope bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, Node ${process.version}\n`);
console.log(`${'measure'.padEnd(w0)}  ${'figure'.padStart(w1)}  budget`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
