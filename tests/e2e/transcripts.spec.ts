/**
 * Typing each kernel selftest transcript's commands into the Shell
 * reproduces, in the Kernel log, the lines the kernel printed.
 */
import { expect, test } from './fixtures';
import { basename } from 'node:path';
import { parseTranscript } from '../../src/kernel/selftest/transcript';
import { selftestFilter } from '../../src/kernel/selftest/setup';
import { readTranscript, transcriptFiles } from '../conformance/transcripts';
import { kernelLog, openBlank, settle, type } from './helpers';

/** What the test harness itself writes (logged commands, insmod's error text) is not the kernel's. */
const harnessLine = (l: string) => l.startsWith('% ') || /^(insmod|rmmod|modprobe): /.test(l);

/** Every view below the fold, collapsed as a user can (the choice is kept in localStorage): the test reads the shell and the log only. */
const BELOW_THE_FOLD = ['patches', 'funcs', 'tasks', 'free', 'modules', 'state', 'sysfs', 'charts'];

for (const file of transcriptFiles()) {
  test(`transcript ${basename(file)}`, async ({ page }) => {
    const t = parseTranscript(readTranscript(file));
    await page.addInitScript((ids) => localStorage.setItem('klpscope:collapsed', JSON.stringify(ids)), BELOW_THE_FOLD);
    await openBlank(page);
    // The log view draws the boot's lines a turn after the Shell shows (on a busy machine, later still):
    // count them once they are all there, or the set-up's own lines would be taken for the transcript's.
    await expect.poll(async () => (await kernelLog(page)).some((l) => l.includes('kernel.ftrace_enabled')), { timeout: 15_000 }).toBe(true);
    const before = (await kernelLog(page)).length;
    for (const step of t.steps) {
      if (step.kind !== 'command' && step.kind !== 'exec') continue;
      await type(page, step.text.replaceAll('<PID_LIST>', '$PID_LIST'));
      await settle(page);
    }
    const got = (await kernelLog(page)).slice(before).filter(selftestFilter);
    expect(got).toEqual(t.expected.filter((l) => !harnessLine(l)));
  });
}
