/**
 * The transcript format of ../shared/conformance/README.md: `% ` commands the
 * test logs, `# exec:` commands it runs silently, `# wait:` and `# assert:`
 * checks, and the expected kernel log lines.
 */
export type Step =
  | { kind: 'command'; text: string; line: number }
  | { kind: 'exec'; text: string; line: number }
  | { kind: 'wait' | 'assert'; text: string; line: number };

export interface Transcript {
  title: string;
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
