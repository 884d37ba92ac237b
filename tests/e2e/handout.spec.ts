/**
 * The handout (issue 11): a scenario printed is one page per step (counted
 * in Chromium's own PDF), each with its caption, its picture, and the
 * step's shell and kernel lines; the app itself is not printed.
 */
import { expect, test } from './fixtures';

test('a scenario printed as a handout is one page per step, each with its caption and lines', async ({ page }) => {
  await page.goto('/#/s/first-livepatch/3');
  await expect(page.locator('#caption')).toContainText('step 3 of 8');
  await page.getByRole('button', { name: 'Export this step as a picture' }).click();
  await page.getByRole('button', { name: 'Print a handout…' }).click();
  const handout = page.getByRole('dialog', { name: /Handout: First livepatch/ });
  await expect(handout.locator('section.page')).toHaveCount(9);
  const step2 = handout.getByRole('region', { name: 'Step 2' });
  await expect(step2).toContainText('step 2 of 8');
  await expect(step2).toContainText('klp_enable_patch()');
  await expect(step2.locator('pre').first()).toContainText('# insmod test_modules/test_klp_livepatch.ko');
  await expect(step2.locator('pre').last()).toContainText("livepatch: enabling patch 'test_klp_livepatch'");
  // Every picture has loaded (an image that failed has no natural width).
  await expect.poll(() => handout.locator('img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
  const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
  expect(pdf.match(/\/Type\s*\/Page(?!s)/g)).toHaveLength(9);
  // The step shown is as it was.
  await handout.getByRole('button', { name: 'Close' }).click();
  await expect(page.locator('#caption')).toContainText('step 3 of 8');
});
