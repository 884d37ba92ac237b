/**
 * Talk mode for a projector and embed mode for slides: a link opens straight
 * into them at a step; a presenter's clicker keys step through the captions.
 */
import { SCENARIOS } from '../../src/scenarios/index';
import { qrModules, qrPath } from '../../src/views/qr';
import { expect, test } from './fixtures';

test('a link opens talk mode at a step; the clicker keys step, go back and blank', async ({ page }) => {
  await page.goto('/#/s/stalled-transition/3?talk');
  const scrub = page.getByRole('slider', { name: 'Timeline' });
  await expect(scrub).toHaveValue('3');
  await expect(page.locator('html')).toHaveAttribute('data-talk', '');
  await expect(page.getByRole('region', { name: 'Last command' })).toBeVisible();

  await page.keyboard.press('PageDown');
  await expect(scrub).toHaveValue('4');
  await expect(page).toHaveURL(/#\/s\/stalled-transition\/4\?talk$/);
  await expect(page.locator('#caption')).toContainText('step 4 of');
  await page.keyboard.press('PageUp');
  await expect(scrub).toHaveValue('3');
  await page.keyboard.press('ArrowRight');
  await expect(scrub).toHaveValue('4');

  const blank = page.getByRole('button', { name: /screen is blanked/ });
  await page.keyboard.press('b');
  await expect(blank).toBeVisible();
  await page.keyboard.press('b');
  await expect(blank).toBeHidden();
});

test('talk mode still takes any action live', async ({ page }) => {
  await page.goto('/#/s/first-livepatch/0?talk');
  await page.getByRole('textbox', { name: 'Shell' }).fill('cat /proc/cmdline');
  await page.getByRole('textbox', { name: 'Shell' }).press('Enter');
  await expect(page.getByRole('region', { name: 'Last command' })).toContainText('cat /proc/cmdline');
});

test('embed mode has minimal chrome and a way out to the full app', async ({ page }) => {
  await page.goto('/#/s/atomic-replace/2?embed');
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue('2');
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: /open in klpscope/ })).toHaveAttribute('href', '#/s/atomic-replace/2');
  await expect(page.getByRole('region', { name: 'Patch stack' })).toBeVisible();
});

test('a story opens in talk mode too', async ({ page }) => {
  await page.goto('/#/s/free-work/5?talk');
  await expect(page.locator('#caption')).toContainText('step 5 of');
  await page.keyboard.press('PageDown');
  await expect(page).toHaveURL(/#\/s\/free-work\/6\?talk$/);
});

test('following another link applies its view options; the picker keeps them', async ({ page }) => {
  await page.goto('/#/s/atomic-replace/6?embed');
  await expect(page.getByRole('link', { name: /open in klpscope/ })).toBeVisible();
  await page.evaluate(() => (location.hash = '#/s/atomic-replace/8?talk'));
  await expect(page.getByRole('region', { name: 'Last command' })).toBeVisible();
  await expect(page.getByRole('link', { name: /open in klpscope/ })).toHaveCount(0);
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue('8');
  await page.getByRole('combobox', { name: 'Scenario' }).selectOption({ label: `${SCENARIOS.findIndex((s) => s.id === 'reversing') + 1}. Reversing a transition` });
  await expect(page).toHaveURL(/#\/s\/reversing\/0\?talk$/);
  await expect(page.getByRole('region', { name: 'Last command' })).toBeVisible();
});

test('past a scenario’s last step the clicker shows a closing slide: the story’s link as text and as a QR code', async ({ page }) => {
  const s = SCENARIOS.find((x) => x.id === 'first-livepatch')!;
  const last = s.kind === 'timeline' ? s.steps.length : 0;
  await page.goto(`/#/s/first-livepatch/${last}?talk`);
  await expect(page.locator('#caption')).toContainText(`step ${last} of ${last}`);
  await page.keyboard.press('PageDown');
  const slide = page.getByRole('dialog', { name: s.title });
  await expect(slide).toBeVisible();
  // A dialog: the keyboard's focus is in it, on the way back.
  await expect(slide.getByRole('button', { name: /back to the last step/ })).toBeFocused();
  // The story from its first step, in the workbench, whole: what a phone opens.
  const href = new URL('/#/s/first-livepatch/0', page.url()).href;
  await expect(slide.getByRole('link')).toHaveAttribute('href', href);
  await expect(slide.getByRole('link')).toHaveText(href);
  const code = slide.getByRole('img', { name: `QR code of ${href}` });
  await expect(code).toBeVisible();
  await expect(code.locator('path')).toHaveAttribute('d', qrPath(qrModules(href)));
  // The slide is not a step: the address and the timeline stay at the last one, and back closes it.
  await expect(page).toHaveURL(new RegExp(`#/s/first-livepatch/${last}\\?talk$`));
  await page.keyboard.press('PageUp');
  await expect(slide).toHaveCount(0);
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue(String(last));
  // Escape closes it too.
  await page.keyboard.press('PageDown');
  await expect(slide).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(slide).toHaveCount(0);
  // On from the slide: the following scenario, still in talk mode.
  await page.keyboard.press('PageDown');
  await expect(slide).toBeVisible();
  await page.keyboard.press('PageDown');
  await expect(page).toHaveURL(/#\/s\/how-tasks-switch\/0\?talk$/);
  await expect(slide).toHaveCount(0);
  // The audience's phone: the link opens the story at its first step, not in talk mode.
  await page.goto(href);
  await expect(page.locator('#caption')).toContainText(`step 0 of ${last}`);
  await expect(page.locator('html')).not.toHaveAttribute('data-talk', '');
});
