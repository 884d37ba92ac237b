/**
 * Replaying a transcript of a release without selftests (before 5.1): the
 * worked examples of Documentation/livepatch/callbacks.txt. Nothing logs the
 * commands: an administrator typed them at a shell, and after each one the
 * document lists the dmesg lines it printed, then what the command itself
 * said on its terminal (insmod's error). So the output is built command by
 * command: `% <command>`, the kernel lines logged while it ran, its error
 * text, then the lines of the work it left running (settling).
 *
 * The document's author ran with the livepatch core's pr_debug lines on (not
 * the per-task ones), from a kernel tree with the samples built in it
 * (`insmod samples/livepatch/…`). Two things of the document are its own,
 * not its tree's kernel, and are applied by name, not by matching text:
 * - it shows no taint notice although the first livepatch module of a boot
 *   prints one (pr_notice_once in the module loader): its kernel had printed
 *   it before the examples, so the notices are left out as the selftests'
 *   filter leaves them out;
 * - its cancel line reads "canceling transition, going to unpatch", where the
 *   4.19.71 tree's klp_cancel_transition() prints "canceling patching
 *   transition, going to unpatch" (the wording the 5.x selftests expect):
 *   the text was written before the callbacks patch was final.
 */
import type { KernelConfig } from '../kernel';
import { bootKernel } from '../boot';
import { Shell } from '../shell/shell';
import { settle } from '../settle';
import { LIVEPATCH_TRANSITION } from '../words';
import { kprintf } from '../words/printf';
import type { LogRecord } from '../world/log';
import type { Transcript } from './transcript';
import { livepatchDebugSetup, TAINT_NOTICE } from './setup';
import type { ReplayResult } from './replay';
import { checkCondition } from './conditions';

/** The document's own wording of a catalogue entry: entry id → the format it shows. */
const DOCUMENT_WORDING: Readonly<Record<string, string>> = {
  [LIVEPATCH_TRANSITION.canceling.id]: "'%s': canceling transition, going to unpatch",
};

/** A record as the document shows it. */
function shown(r: LogRecord): string {
  const fmt = r.msg ? DOCUMENT_WORDING[r.msg] : undefined;
  if (!fmt || !r.args) return r.text;
  const prefix = r.text.slice(0, r.text.indexOf(': ') + 2);
  return prefix + kprintf(fmt, Object.values(r.args));
}

export function replayDocument(t: Transcript, config: Partial<KernelConfig>): ReplayResult {
  const kernel = bootKernel(config);
  livepatchDebugSetup(kernel);
  settle(kernel);
  const shell = new Shell(kernel);
  const output: string[] = [];
  const failures: string[] = [];
  let seen = kernel.log.records.length;
  const logged = () => {
    for (const r of kernel.log.records.slice(seen)) if (!TAINT_NOTICE.test(r.text)) output.push(shown(r));
    seen = kernel.log.records.length;
  };
  for (const step of t.steps) {
    if (step.kind === 'command' || step.kind === 'exec') {
      if (step.kind === 'command') output.push(`% ${step.text}`);
      const r = shell.run(step.text);
      logged();
      if (step.kind === 'command' && r.status !== 0 && r.stderr) output.push(...r.stderr.replace(/\n$/, '').split('\n'));
      settle(kernel);
      logged();
    } else {
      const why = checkCondition(kernel, step.text);
      if (why) failures.push(`line ${step.line}: ${step.kind}: ${step.text}: ${why}`);
    }
  }
  return { output, failures, pidList: '', kernel, shell };
}
