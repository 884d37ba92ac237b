/**
 * Replays a transcript on a fresh simulated machine, the way the selftest
 * helpers drive a real one: set-up first (not part of the output), then each
 * command, settling after it; `% ` commands are logged to /dev/kmsg before
 * they run and a failing one's error text after; checks are made at their
 * place. The output is the kernel log after set-up, filtered as
 * check_result() filters it.
 */
import type { Kernel, KernelConfig } from '../kernel';
import { bootKernel } from '../boot';
import { Shell } from '../shell/shell';
import { settle } from '../settle';
import type { Transcript } from './transcript';
import { selftestFilter, selftestSetup } from './setup';
import { FUNCTIONS_SH, say } from '../words';
import { kernelProfile } from '../release/profile';
import { replayDocument } from './document';
import { checkCondition } from './conditions';

export interface ReplayResult {
  output: string[];
  /** `# wait:` / `# assert:` lines that did not hold, with why */
  failures: string[];
  /** the PIDs start_getpid_helpers started, for <PID_LIST> */
  pidList: string;
  kernel: Kernel;
  shell: Shell;
}

export const PID_LIST = '<PID_LIST>';

/** A machine after the selftests' set-up, with the log position where a test begins. */
export function selftestMachine(config: Partial<KernelConfig> = {}): { kernel: Kernel; shell: Shell; mark: number } {
  const kernel = bootKernel(config);
  selftestSetup(kernel);
  settle(kernel);
  return { kernel, shell: new Shell(kernel), mark: kernel.log.records.length };
}

/**
 * `between` may hand back another machine to go on with after each step: a
 * copy of it (session/fork.ts), which must give the same transcript.
 */
export function replay(t: Transcript, config: Partial<KernelConfig> = {}, between?: (m: { k: Kernel; shell: Shell }) => { k: Kernel; shell: Shell }): ReplayResult {
  // A transcript of an older release is run on that release's kernel, with its harness (its helpers' words);
  // before the selftests (5.1) the harness is a document's worked examples.
  const release = config.harness ?? t.kernel;
  if (release) config = { release, harness: release, ...(t.distribution && !config.harness ? { distribution: t.distribution } : {}), ...config };
  if (release && !kernelProfile(release).selftests) return replayDocument(t, config);
  const machine = selftestMachine(config);
  let { kernel, shell } = machine;
  const { mark } = machine;
  const failures: string[] = [];
  const logged = new Set<number>();
  for (const step of t.steps) {
    const text = step.text.replaceAll(PID_LIST, shell.vars.get('PID_LIST') ?? '');
    if (step.kind === 'command') {
      say(kernel, FUNCTIONS_SH.command, { cmd: text });
      logged.add(kernel.log.records.length - 1);
      const r = shell.run(text);
      if (r.status !== 0 && r.stderr) say(kernel, FUNCTIONS_SH.failedLoad, { ret: r.stderr });
      settle(kernel);
    } else if (step.kind === 'exec') {
      shell.run(text);
      settle(kernel);
    } else {
      const why = checkCondition(kernel, text);
      if (why) failures.push(`line ${step.line}: ${step.kind}: ${text}: ${why}`);
    }
    if (between) ({ k: kernel, shell } = between({ k: kernel, shell }));
  }
  const output = kernel.log.records
    .slice(mark)
    .filter((r, i) => logged.has(mark + i) || selftestFilter(r.text))
    .map((r) => r.text);
  return { output, failures, pidList: shell.vars.get('PID_LIST') ?? '', kernel, shell };
}

/** The expected lines with <PID_LIST> filled in, and the first difference if any. */
export function compare(t: Transcript, r: ReplayResult): string | null {
  const expected = t.expected.map((l) => l.replaceAll(PID_LIST, r.pidList));
  const n = Math.max(expected.length, r.output.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] !== r.output[i]) {
      const e = expected[i] === undefined ? '(end of output)' : JSON.stringify(expected[i]);
      const g = r.output[i] === undefined ? '(end of output)' : JSON.stringify(r.output[i]);
      return `output line ${i + 1}: expected ${e}, got ${g}`;
    }
  }
  return r.failures[0] ?? null;
}
