/**
 * The transcript format of ../shared/conformance/README.md: `% ` commands the
 * test logs, `# exec:` commands it runs silently, `# wait:` and `# assert:`
 * checks, and the expected kernel log lines.
 */
import { DISTRIBUTION_RELEASE, type DistributionId } from '../release/distributions';
import type { Release } from '../release/releases';

export type Step =
  | { kind: 'command'; text: string; line: number }
  | { kind: 'exec'; text: string; line: number }
  | { kind: 'wait' | 'assert'; text: string; line: number };

export interface Transcript {
  title: string;
  /** the release whose selftests wrote it (`# kernel: v6.1 …`); absent: mainline */
  kernel?: Release;
  /** the distribution whose kernel ran it, where the header names one whose config klpscope has read */
  distribution?: DistributionId;
  steps: Step[];
  /** every expected output line, `% ` lines included, in order */
  expected: string[];
}

export function parseTranscript(text: string): Transcript {
  const t: Transcript = { title: '', steps: [], expected: [] };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const n = i + 1;
    if (line.startsWith('# title: ')) t.title = line.slice(9);
    else if (line.startsWith('# kernel: ')) {
      // Its first word names the release: "v6.1 (6.1.0-57-amd64, Debian, run in QEMU)".
      const m = /^v?(\d+\.\d+)\b/.exec(line.slice(10));
      if (m) t.kernel = m[1] as Release;
      // "Debian" on a 6.1: Debian 12's kernel, with its config (CONFIG_MODULE_FORCE_UNLOAD=y)
      if (m?.[1] === DISTRIBUTION_RELEASE['debian-12'] && /\bDebian\b/.test(line)) t.distribution = 'debian-12';
    }
    else if (line.startsWith('# exec: ')) t.steps.push({ kind: 'exec', text: line.slice(8), line: n });
    else if (line.startsWith('# wait: ')) t.steps.push({ kind: 'wait', text: line.slice(8), line: n });
    else if (line.startsWith('# assert: ')) t.steps.push({ kind: 'assert', text: line.slice(10), line: n });
    else if (line.startsWith('#')) return;
    else if (line.startsWith('% ')) {
      t.steps.push({ kind: 'command', text: line.slice(2), line: n });
      t.expected.push(line);
    } else if (line !== '') t.expected.push(line);
  });
  return t;
}
