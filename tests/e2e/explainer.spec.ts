/**
 * What makes the page explain: the intro on a first visit, one large Next
 * through a scenario and on to the following one, a way back after leaving
 * a scenario, what the kernel still has queued, and view options that work
 * after every route.
 */
import { expect, test } from './fixtures';
import { openBlank, type } from './helpers';

test('a first visit opens on the intro; its Next leads to the first scenario, and it is not shown again', async ({ browser }) => {
  // A context of its own: the fixture's context has seen the intro already.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/');
  const intro = page.getByRole('dialog', { name: /Livepatch: new code in a running kernel/ });
  await expect(intro).toBeVisible();
  await page.getByRole('button', { name: 'Next ▶' }).click();
  await expect(page.getByRole('dialog', { name: /consistency model/ })).toBeVisible();
  await page.getByRole('button', { name: 'Next ▶' }).click();
  await expect(page.getByRole('dialog', { name: /What you will see/ })).toBeVisible();
  await page.getByRole('button', { name: /Start: First livepatch/ }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page).toHaveURL(/#\/s\/first-livepatch\/0$/);
  await page.reload();
  await expect(page.locator('#caption')).toContainText('step 0 of');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  // `?` brings it back.
  await page.keyboard.press('?');
  await page.getByRole('button', { name: 'Show the introduction' }).click();
  await expect(page.getByRole('dialog', { name: /Livepatch: new code/ })).toBeVisible();
  await context.close();
});

test('Next steps through a scenario; at its end it leads to the following scenario', async ({ page }) => {
  await page.goto('/#/s/first-livepatch/0');
  const next = page.getByRole('button', { name: 'Next step' });
  for (let i = 1; i <= 3; i++) {
    await next.click();
    await expect(page.locator('#caption')).toContainText(`step ${i} of`);
  }
  await page.goto('/#/s/first-livepatch/100');
  await expect(page.getByRole('button', { name: 'Next step' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Next scenario: 2. How tasks switch' }).click();
  await expect(page).toHaveURL(/#\/s\/how-tasks-switch\/0$/);
  await expect(page.locator('#caption')).toContainText('step 0 of');
});

test('acting inside a scenario leaves it with a way back; counter and caption never disagree', async ({ page }) => {
  await page.goto('/#/s/stalled-transition/3');
  await expect(page.locator('#caption')).toContainText('step 3 of');
  await page.getByRole('button', { name: '+1 s' }).click();
  const scrub = page.getByRole('slider', { name: 'Timeline' });
  await expect(scrub).toHaveValue('4');
  const banner = page.getByText('You left the scenario “A stalled transition”');
  await expect(banner).toBeVisible();
  await expect(page.locator('#caption')).not.toContainText(' of ');
  // Back before the branch: the scenario's own caption, without the scenario's length.
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(scrub).toHaveValue('3');
  await expect(page.locator('#caption')).toContainText('step 3, before you left the scenario');
  await page.getByRole('button', { name: 'Back to step 3' }).click();
  await expect(banner).toHaveCount(0);
  await expect(page).toHaveURL(/#\/s\/stalled-transition\/3$/);
  await expect(page.locator('#caption')).toContainText('step 3 of');
});

test('the prompt says what the kernel still has queued; settle-after-each-command waits like the selftests', async ({ page }) => {
  await openBlank(page);
  await type(page, 'insmod test_modules/test_klp_livepatch.ko');
  await expect(page.getByText(/\d+ kernel events? pending/)).toBeVisible();
  await page.getByRole('button', { name: 'Run pending events until settled' }).click();
  await expect(page.getByText(/Settled/)).toBeVisible();

  await page.getByRole('checkbox', { name: 'settle after each command' }).check();
  await type(page, 'echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled');
  await expect(page.getByRole('log', { name: 'Kernel log' })).toContainText("'test_klp_livepatch': unpatching complete");
  await expect(page.getByText(/Settled/)).toBeVisible();
  // The choice is kept for the next visit.
  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'settle after each command' })).toBeChecked();
});

test('view options work after every route; a large machine keeps its size and step in its link', async ({ page }) => {
  await page.goto('/#/s/free-work/3?talk&theme=dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('html')).toHaveAttribute('data-talk', '');
  await expect(page.locator('#caption')).toContainText('step 3 of');

  await page.goto('/#/blank?tasks=2000&cpus=16&theme=dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  // A situation's view options apply once the engine has replayed it (a link that fails changes
  // nothing): the worker's first boot of 2,000 tasks can take a loaded CI host over ten seconds.
  await expect(page.locator('html')).not.toHaveAttribute('data-talk', '', { timeout: 30_000 });
  await type(page, 'insmod test_modules/test_klp_livepatch.ko');
  await expect(page).toHaveURL(/cpus=16;extraTasks=2000;.*step=1/);
  const canvas = page.getByRole('region', { name: 'Task migration' }).locator('canvas');
  await expect(canvas).toBeVisible();
  // …with its 2,000 marks painted.
  const painted = () =>
    canvas.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    });
  await expect.poll(painted).toBeGreaterThan(2000);
  // The link reopens that machine at that step.
  const link = page.url();
  await page.goto('about:blank');
  await page.goto(link);
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue('1');
  await expect(page.getByRole('region', { name: 'Task migration' })).toContainText(/of 2\d{3} tasks switched/);
  // Opened at that step, the canvas is painted too (its first paint came before it existed, and was skipped).
  await expect.poll(painted).toBeGreaterThan(2000);
});

test('embedded, "open in klpscope" opens the full app at the same step', async ({ page }) => {
  await page.goto('/#/s/atomic-replace/2?embed&theme=dark');
  await expect(page.getByRole('link', { name: /open in klpscope/ })).toHaveAttribute('href', '#/s/atomic-replace/2?theme=dark');
});
