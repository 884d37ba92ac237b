/**
 * The Shell and the Kernel log keep a terminal's scrollback (10,000 lines) and
 * draw only the lines in view (issue 10): thousands of lines leave a few dozen
 * rows in the page, the newest line in view, and the rest a scroll away; a
 * line of hundreds of thousands of characters is drawn to 4,096 and says how
 * much is left out.
 */
import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';
import { openBlank, type } from './helpers';

/** Rows in the page, and the number (from the session's first line) of the newest. */
function rows(log: Locator) {
  return log.evaluate((box) => {
    const all = box.querySelectorAll<HTMLElement>('[data-line]');
    return { count: all.length, newest: Number(all[all.length - 1]?.dataset.line ?? -1) };
  });
}

/** `X=$X$X` n times: the text 2^n times over. */
const doubled = (n: number) => Array.from({ length: n }, () => 'X=$X$X').join('; ');

test('thousands of lines of output leave a few dozen rows in the page, the newest in view', async ({ page }) => {
  test.slow();
  await page.goto('/#/blank?tasks=5000');
  await expect(page.getByRole('textbox', { name: 'Shell' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  const out = page.getByRole('log', { name: 'Shell output' });
  await type(page, 'ps -e');
  await type(page, 'ps -e');

  // Two listings of 5,000 tasks and more, in a couple of hundred rows at the most.
  const drawn = await rows(out);
  expect(drawn.newest).toBeGreaterThan(10_000);
  expect(drawn.count).toBeLessThan(200);
  const newest = out.locator('[data-line]').last();
  await expect(newest).toHaveText(/^\s*\d+ pts\/0\s+00:00:00 ps$/);
  await expect(newest).toBeInViewport();

  // The rest is a scroll away, with the keyboard: the log takes focus and Home goes to its
  // first line, which is the 10,000th from the end (GNOME Terminal's scrollback): the first
  // listing's first lines are gone, as from a terminal. (Chromium scrolls on a key smoothly,
  // and on a loaded machine now and then drops a key pressed during that: pressed again then.)
  await out.focus();
  const oldest = String(drawn.newest - 9_999);
  await expect(async () => {
    await page.keyboard.press('Home');
    await expect(out.locator('[data-line]').first()).toHaveAttribute('data-line', oldest, { timeout: 2_000 });
  }).toPass();
  await expect(out.locator(`[data-line="${oldest}"]`)).toBeInViewport();
  expect((await rows(out)).count).toBeLessThan(200);
  // (PageUp and PageDown step the timeline, for a presenter's clicker: arrows and Home/End scroll.)
  await expect(async () => {
    await page.keyboard.press('End');
    await expect(out.locator(`[data-line="${oldest}"]`)).toHaveCount(0, { timeout: 2_000 });
  }).toPass();
  await expect(out.locator(`[data-line="${drawn.newest}"]`)).toBeInViewport();

  // A new command brings the newest line back into view.
  await type(page, 'uname -r');
  await expect(out.locator('[data-line]').last()).toBeInViewport();
  await expect(out.locator('[data-line]').last()).toHaveText(/^\d+\.\d+/);
});

test('a line of 160,000 characters is drawn to 4,096 with a mark saying how many more there are', async ({ page }) => {
  await openBlank(page);
  const out = page.getByRole('log', { name: 'Shell output' });
  await type(page, `X=0123456789; ${doubled(14)}; echo $X`);
  const line = out.locator('[data-line]').last();
  await expect(line.locator('.more')).toHaveText(' … (159,744 more characters)');
  // 10 × 2^14 = 163,840 characters, of which 4,096 drawn
  expect((await line.innerText()).length).toBe(4_096 + ' … (159,744 more characters)'.length);
  await expect(line.locator('.more')).toBeInViewport();
});

test('the Kernel log keeps the newest of 8,192 records in view and marks those of this step', async ({ page }) => {
  await openBlank(page);
  const log = page.getByRole('log', { name: 'Kernel log' });
  const before = await rows(log);
  await type(page, `X='klpscope test record\\n'; ${doubled(13)}; echo -e $X > /dev/kmsg`);
  await expect.poll(async () => (await rows(log)).newest).toBe(before.newest + 8_192);
  expect((await rows(log)).count).toBeLessThan(200);
  const newest = log.locator('[data-line]').last();
  await expect(newest).toBeInViewport();
  await expect(newest.locator('.text')).toHaveText('klpscope test record');
  // Every record drawn was printed by this step: all are marked.
  await expect(log.locator('[data-line]:not(.fresh)')).toHaveCount(0);
});
