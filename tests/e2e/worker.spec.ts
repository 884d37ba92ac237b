/**
 * The engine runs in a Web Worker (issue 10): a line that asks for hours of
 * simulation leaves the page responsive, shows how far the simulated clock
 * has come, and Stop returns to the step shown before with nothing lost.
 */
import { expect, test } from './fixtures';

const STALL = ['$insmod%20test_modules/test_klp_callbacks_busy.ko%20block_transition=Y', '@settle', '$insmod%20test_modules/test_klp_callbacks_demo.ko'];

test('a long line shows the simulated clock; the page answers meanwhile; Stop returns to the step before', async ({ page }) => {
  await page.goto(`/#/x/extraTasks=500;${STALL.join(';')};$lsmod;step=4`);
  const slider = page.getByRole('slider', { name: 'Timeline' });
  await expect(slider).toHaveValue('4');
  const prompts = page.getByRole('log', { name: 'Shell output' }).locator('.prompt');
  await expect(prompts).toHaveCount(3);

  // Back one step first: the link's last step (lsmod) is the future a new line would drop.
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(slider).toHaveValue('3');
  const shell = page.getByRole('textbox', { name: 'Shell' });
  await shell.fill('sleep 1d');
  await shell.press('Enter');
  const busy = page.getByRole('status').filter({ hasText: 'Running `sleep 1d`' });
  await expect(busy).toContainText(/the kernel's clock is at [\d,]+ s/);

  // The page's own thread is free: the theme button works while the engine runs.
  const before = await page.locator('html').getAttribute('data-theme');
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', before!);

  await busy.getByRole('button', { name: 'Stop' }).click();
  await expect(busy).toHaveCount(0);
  // Back where it was: step 3 of 4, the lsmod step still ahead, the shell ready.
  await expect(slider).toHaveValue('3');
  await expect(slider).toHaveAttribute('max', '4');
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(slider).toHaveValue('4');
  await expect(prompts.last()).toHaveText('# lsmod');
});
