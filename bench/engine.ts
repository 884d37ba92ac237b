/**
 * Engine throughput: every kernel selftest transcript replayed on a fresh
 * machine, in one process.
 */
import { parseTranscript, type Transcript } from '../src/kernel/selftest/transcript';
import { compare, replay } from '../src/kernel/selftest/replay';
import { readTranscript, transcriptFiles } from '../tests/conformance/transcripts';

export interface EngineFigures {
  transcripts: number;
  /** wall time for one pass over all of them, best of the passes */
  onePassMs: number;
  transcriptsPerSecond: number;
  failures: number;
}

export function benchEngine(passes = 20): EngineFigures {
  const all: Transcript[] = transcriptFiles().map((f) => parseTranscript(readTranscript(f)));
  let failures = 0;
  for (const t of all) if (compare(t, replay(t))) failures++; // warm-up, and a correctness check
  let best = Infinity;
  let total = 0;
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    for (const t of all) replay(t);
    const ms = performance.now() - t0;
    best = Math.min(best, ms);
    total += ms;
  }
  return {
    transcripts: all.length,
    onePassMs: best,
    transcriptsPerSecond: (all.length * passes) / (total / 1000),
    failures,
  };
}
