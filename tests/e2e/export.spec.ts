/**
 * Export (issue 11): the step shown as an SVG file that the browser's own
 * parser reads, holding the caption and the step's actors, in the theme
 * asked for; and as PNGs whose sizes are the picture's at 1× and 2×.
 */
import type { Download, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';

async function exported(page: Page, button: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('group', { name: 'Export this step' }).getByRole('button', { name: button }).click()]);
  return readFileSync((await (download as Download).path())!);
}

test('the step exports as an SVG the browser parses, with its caption and actors, in the theme asked for', async ({ page }) => {
  await page.goto('/#/s/stalled-transition/3?theme=light');
  await expect(page.locator('#caption')).toContainText('step 3 of');
  const caption = (await page.locator('#caption').innerText()).replace(/\s+/g, ' ');
  await page.getByRole('button', { name: 'Export this step as a picture' }).click();
  await page.getByRole('radio', { name: 'dark' }).check();
  const svg = (await exported(page, 'SVG')).toString('utf8');
  const read = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return { error: doc.querySelector('parsererror')?.textContent ?? null, text: doc.documentElement.textContent ?? '', bg: doc.querySelector('svg > rect')?.getAttribute('fill') };
  }, svg);
  expect(read.error).toBeNull();
  const text = read.text.replace(/\s+/g, ' ');
  // The caption's words (its text after "step 3 of N"), and the task the step is about.
  expect(text).toContain(caption.slice(caption.indexOf('()') + 2).trim().slice(0, 60));
  expect(text).toContain('kworker/0:1');
  expect(read.bg).toBe('#0f1216');
  // The page's own theme is as it was.
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('the PNGs are the picture at 1× and at 2×', async ({ page }) => {
  await page.goto('/#/s/first-livepatch/2');
  await expect(page.locator('#caption')).toContainText('step 2 of');
  await page.getByRole('button', { name: 'Export this step as a picture' }).click();
  const size = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];
  const one = await exported(page, 'PNG 1×');
  const two = await exported(page, 'PNG 2×');
  expect(one.subarray(1, 4).toString()).toBe('PNG');
  expect(size(one)[0]).toBe(1200);
  expect(size(two)).toEqual(size(one).map((n) => n * 2));
});

test('the export menu has no serious accessibility violations, dark theme', async ({ page }) => {
  await page.goto('/#/s/first-livepatch/2?theme=dark');
  await expect(page.locator('#caption')).toContainText('step 2 of');
  await page.getByRole('button', { name: 'Export this step as a picture' }).click();
  const results = await new AxeBuilder({ page }).include('.export').analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
});
