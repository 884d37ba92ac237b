/**
 * The lines a hostile tester typed (issue 10) each end in their result or
 * in the shell's own error words, in the page as in bash: an exponential
 * regular expression, a string doubled past what bash may allocate, fifty
 * process listings on one line, a simulated day of a stalled transition.
 * How long the page's own thread is busy meanwhile is a benchmark's
 * business (bench/longtasks.ts), not a timed test's.
 */
import { expect, test } from './fixtures';
import { openBlank, type } from './helpers';

const LINES: { line: string; says: RegExp }[] = [
  // grep's own matcher is linear: no match, status 1, at once
  { line: `echo ${'a'.repeat(28)}b | grep -E '(a+)+$'; echo status $?`, says: /^status 1$/ },
  // bash's words when a word outgrows what it may allocate
  { line: `X=a; ${'X=$X$X; '.repeat(30)}echo $X | wc -c`, says: /^bash: xmalloc: cannot allocate \d+ bytes/ },
  { line: `${Array(50).fill('ps -e').join('; ')}; echo done`, says: /^done$/ },
];

test('hostile lines end in their results or in the shell’s own words', async ({ page }) => {
  await openBlank(page);
  const out = page.getByRole('log', { name: 'Shell output' });
  for (const { line, says } of LINES) {
    await type(page, line);
    await expect(out.locator('[data-line]').filter({ hasText: says }).last()).toBeVisible();
  }
});

test('a simulated day of a stalled transition ends, and the transition is still stalled', async ({ page }) => {
  await openBlank(page);
  await type(page, 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
  await type(page, 'insmod test_modules/test_klp_callbacks_demo.ko');
  // A simulated day is heavy by design (about 1.5 s on an idle machine): a busy CI host gets a minute.
  await type(page, 'sleep 1d; cat /sys/kernel/livepatch/test_klp_callbacks_demo/transition', 60_000);
  await expect(page.getByRole('log', { name: 'Shell output' }).locator('[data-line]').last()).toHaveText('1');
  await expect(page.getByText(/the kernel's clock is at/)).toHaveCount(0);
});
