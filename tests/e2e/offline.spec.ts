/**
 * Once loaded, the app works offline: after its idle-time prefetch of every
 * lazy chunk (the performance mark 'klpscope:prefetched'), every scenario,
 * the lazily loaded views, talk mode and the key help open with the network
 * off, and no request fails.
 */
import { expect, test } from './fixtures';
import { type } from './helpers';
import { SCENARIOS } from '../../src/scenarios/index';

const MARK = 'klpscope:prefetched';

test('once loaded and prefetched, every scenario, talk mode and the key help work offline', async ({ page, context }) => {
  test.slow();
  const failed: string[] = [];
  page.on('requestfailed', (r) => void failed.push(`${r.url()}: ${r.failure()?.errorText}`));

  await page.goto('/');
  await expect(page.locator('#caption')).toContainText('step 0 of');
  await expect.poll(() => page.evaluate((m) => performance.getEntriesByName(m).length, MARK), { timeout: 30_000 }).toBeGreaterThan(0);
  await context.setOffline(true);

  /** Follows a link the way a click on it would: a new hash, no page load. */
  const follow = (hash: string) => page.evaluate((h) => void (location.hash = h), hash);

  for (const s of SCENARIOS) {
    await follow(`#/s/${s.id}/1`);
    await expect(page.locator('#caption')).toContainText(`${s.title} · step 1 of`);
    await expect(page.getByText('Loading…')).toHaveCount(0);
  }

  // The workbench's views below the fold, down to the statecharts.
  await follow('#/s/stalled-transition/3');
  await expect(page.locator('#caption')).toContainText('step 3 of');
  const chart = page.getByRole('region', { name: 'Statecharts' }).locator('svg').first();
  await chart.scrollIntoViewIfNeeded();
  await expect(chart).toBeVisible();
  await expect(page.getByText('Loading…')).toHaveCount(0);

  // An exploration: a command typed makes the link an encoded situation.
  await type(page, 'cat /sys/kernel/livepatch/test_klp_callbacks_demo/transition');
  await expect(page).toHaveURL(/#\/[xz]\//);

  await follow('#/s/stalled-transition/4?talk');
  await expect(page.locator('#caption')).toContainText('step 4 of');
  await expect(page.getByRole('region', { name: 'Last command' })).toBeVisible();

  await follow('#/s/first-livepatch/2');
  await expect(page.locator('#caption')).toContainText('step 2 of');
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Help' })).toBeVisible();

  expect(failed).toEqual([]);
});
