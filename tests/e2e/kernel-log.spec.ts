/**
 * The Kernel log copies as plain dmesg prints it (issue 11: "Copy log as
 * dmesg" for a bug report, a slide or a handout): `[    t] text` lines,
 * without the view's level column, every record the log holds.
 */
import { expect, test } from './fixtures';
import { openBlank, readLog, type } from './helpers';

test('the Kernel log copies its records as plain dmesg prints them', async ({ page }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await openBlank(page);
  await type(page, 'insmod test_modules/test_klp_livepatch.ko');
  const log = page.getByRole('log', { name: 'Kernel log' });
  const region = page.getByRole('region', { name: 'Kernel log' });
  await region.getByRole('button', { name: 'copy as dmesg' }).click();
  const rows = await readLog(log, ['.ts', '.text']);
  await expect(region.getByRole('status')).toHaveText(`Copied ${rows.length} lines as dmesg prints them`);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  // The view's lines, timestamp and text, without the level between them.
  expect(copied).toBe(rows.map((r) => `${r}\n`).join(''));
  expect(copied).toContain("] livepatch: enabling patch 'test_klp_livepatch'\n");
  expect(copied).not.toMatch(/\] (info|notice|debug|warn) /);
});
