/**
 * A command that can never return (issue 9): insmod of the busy module while
 * the demo patch has already patched its work function sleeps for good in D
 * state. The page does not freeze: it says what holds the terminal, offers
 * Ctrl-C, which leaves a D-state task asleep as on a real kernel, and reads
 * the next line as if typed into another terminal.
 */
import { expect, test } from './fixtures';
import { openBlank, settle, type } from './helpers';

test('a hung insmod holds the terminal; Ctrl-C is offered and does not help; the next line still runs', async ({ page }) => {
  await openBlank(page);
  await type(page, 'insmod test_modules/test_klp_callbacks_demo.ko');
  await settle(page);
  await type(page, 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');

  const bar = page.getByRole('status').filter({ hasText: 'holds this terminal' });
  await expect(bar).toContainText(/insmod \(pid \d+\) holds this terminal: D state in wait_for_completion\(\)/);
  const pid = (await bar.innerText()).match(/pid (\d+)/)![1];
  const out = page.getByRole('log', { name: 'Shell output' });
  await expect(out).toContainText(`insmod (pid ${pid}) is in D state`);

  // The button: SIGINT stays pending, the task sleeps on, the terminal stays blocked.
  await page.getByRole('button', { name: 'Send Ctrl-C (SIGINT) to insmod' }).click();
  await expect(out).toContainText(`SIGINT is pending for insmod (pid ${pid})`);
  await expect(bar).toBeVisible();

  // The key, in the empty prompt, does the same.
  const shell = page.getByRole('textbox', { name: 'Shell' });
  await shell.focus();
  await shell.press('Control+c');
  await expect(out.getByText(`SIGINT is pending for insmod (pid ${pid})`, { exact: false })).toHaveCount(2);

  // Another line runs: the module is still coming, its loader asleep in D state.
  await type(page, 'cat /sys/module/test_klp_callbacks_busy/initstate');
  await expect(out.locator('div').last()).toHaveText('coming');
  await type(page, `grep State /proc/${pid}/status`);
  await expect(out.locator('div').last()).toHaveText(/State:\s+D \(disk sleep\)/);
  await expect(bar).toBeVisible();
});
