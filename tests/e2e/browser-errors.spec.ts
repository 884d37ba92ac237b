/**
 * The browser-error fixture itself (fixtures.ts): a console error, an
 * uncaught exception or an unhandled rejection, on the `page` fixture's page
 * or on one made with browser.newPage(), fails the test. Each test here is
 * expected to fail; if the fixture stopped catching its error, it would pass
 * and Playwright would report it.
 */
import { expect, test } from './fixtures';

test.describe('the fixture fails a test whose page', () => {
  test.fail(true, 'each of these pages reports a browser error on purpose');

  test('logs a console error', async ({ page }) => {
    await page.goto('/#/blank');
    await page.evaluate(() => console.error('deliberate console error'));
    await expect(page.locator('#caption')).toBeVisible();
  });

  test('leaves a promise rejection unhandled', async ({ page, browserErrors }) => {
    await page.goto('/#/blank');
    await page.evaluate(() => void Promise.reject(new Error('deliberate rejection')));
    // Wait until the fixture has seen it (a fixed pause could end the test first on a slow machine).
    await expect.poll(() => browserErrors.all.length).toBeGreaterThan(0);
  });

  test('was made with browser.newPage() and throws', async ({ browser, browserErrors }) => {
    const other = await browser.newPage();
    await other.goto('/#/blank');
    await other.evaluate(() => void setTimeout(() => { throw new Error('deliberate exception'); }));
    await expect.poll(() => browserErrors.all.length).toBeGreaterThan(0);
  });
});

test('an allowed error does not fail the test, and is still recorded', async ({ page, browserErrors }) => {
  // Allowed: this test logs it itself, to check allow() works.
  browserErrors.allow(/deliberate allowed error/);
  await page.goto('/#/blank');
  await page.evaluate(() => console.error('deliberate allowed error'));
  await expect.poll(() => browserErrors.all.length).toBe(1);
});
