/**
 * A copy of the machine (session/fork.ts, what a checkpoint keeps) runs on
 * exactly as the original would: every transcript replays byte for byte when
 * the machine is replaced by a copy of itself after every step, and the
 * machine left behind is not touched by the copy running on. A closure kept
 * in the kernel's state (an event that reaches back into the kernel it was
 * queued on) breaks one of the two.
 */
import { describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import { parseTranscript } from '../../src/kernel/selftest/transcript';
import { replay, PID_LIST } from '../../src/kernel/selftest/replay';
import { fork } from '../../src/session/fork';
import { snapshot } from '../../src/kernel/view/snapshot';
import type { Kernel } from '../../src/kernel/kernel';
import { readTranscript, transcriptFiles } from './transcripts';

/** Everything a later step could show of a machine. */
const state = (k: Kernel): string => JSON.stringify([snapshot(k), k.log.records, k.now, k.work, k.queue.pending().map((e) => [e.at, e.label])]);

describe('a copy of the machine after every step', () => {
  for (const file of transcriptFiles()) {
    it(basename(file), () => {
      const t = parseTranscript(readTranscript(file));
      const left: { k: Kernel; was: string }[] = [];
      const r = replay(t, {}, (m) => {
        left.push({ k: m.k, was: state(m.k) });
        return fork(m);
      });
      expect(r.failures).toEqual([]);
      expect(r.output).toEqual(t.expected.map((l) => l.replaceAll(PID_LIST, r.pidList)));
      for (const [i, m] of left.entries()) expect(state(m.k), `the machine left after step ${i + 1}`).toBe(m.was);
    });
  }
});
