/**
 * Every kernel selftest transcript replays byte for byte, and every
 * `# wait:` and `# assert:` holds at its place.
 */
import { describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import { parseTranscript } from '../../src/kernel/selftest/transcript';
import { compare, replay, PID_LIST } from '../../src/kernel/selftest/replay';
import { readTranscript, transcriptFiles } from './transcripts';

const files = transcriptFiles();

describe('kernel selftest transcripts', () => {
  it('finds the transcripts', () => {
    expect(files.length).toBeGreaterThanOrEqual(23);
  });

  for (const file of files) {
    it(basename(file), () => {
      const t = parseTranscript(readTranscript(file));
      const r = replay(t);
      expect(r.failures).toEqual([]);
      const expected = t.expected.map((l) => l.replaceAll(PID_LIST, r.pidList));
      expect(r.output).toEqual(expected);
      expect(compare(t, r)).toBeNull();
    });
  }
});
