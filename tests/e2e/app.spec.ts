/**
 * The page as a whole: buttons are shell commands, time travel is exact,
 * keys work, and accessibility has no serious or critical violation.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { AxeBuilder } from '@axe-core/playwright';
import { openBlank, REGIONS, settle, type, views } from './helpers';

test('opens on the first scenario, ready to step, with every region', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/#\/s\/first-livepatch\/0$/);
  for (const name of [...REGIONS, 'Shell', 'Kernel log', 'Modules', 'sysfs']) {
    await expect(page.getByRole('region', { name }).first()).toBeVisible();
  }
  await expect(page.locator('#caption')).toContainText('First livepatch · step 0 of');
  await page.getByRole('button', { name: 'Step forward' }).click();
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.getByRole('log', { name: 'Kernel log' })).toContainText("livepatch: enabling patch 'test_klp_livepatch'");
});

// These compare states, not motion: with reduced motion no leaving card lingers in a view's text.
test('a button runs its command in the Shell and gives the same state as typing it', async ({ browser }) => {
  const byButton = await browser.newPage({ reducedMotion: 'reduce' });
  await openBlank(byButton);
  const prompts = byButton.getByRole('log', { name: 'Shell output' }).locator('.prompt');
  await byButton.getByRole('button', { name: 'Load test_klp_livepatch' }).click();
  await expect(prompts).toHaveCount(1);
  await settle(byButton);
  await byButton.getByRole('button', { name: 'Disable test_klp_livepatch' }).click();
  await expect(prompts).toHaveCount(2);
  await settle(byButton);
  await expect(byButton.getByRole('log', { name: 'Shell output' })).toContainText('# echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled');

  const byTyping = await browser.newPage({ reducedMotion: 'reduce' });
  await openBlank(byTyping);
  await type(byTyping, 'insmod test_modules/test_klp_livepatch.ko');
  await settle(byTyping);
  await type(byTyping, 'echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled');
  await settle(byTyping);

  await expect.poll(() => views(byButton)).toEqual(await views(byTyping));
});

test('time travel back and forth gives identical views', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openBlank(page);
  await type(page, 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
  await type(page, 'insmod test_modules/test_klp_callbacks_demo.ko');
  const scrub = page.getByRole('slider', { name: 'Timeline' });
  const start = Number(await scrub.inputValue());
  const forward: string[][] = [];
  for (let i = 0; i < 6; i++) {
    forward.push(await views(page));
    await page.getByRole('button', { name: 'Step forward' }).click();
    // The worker answers the click: the next view is recorded once the step is shown.
    await expect(scrub).toHaveValue(String(start + i + 1));
  }
  for (let i = 5; i >= 0; i--) {
    await page.getByRole('button', { name: 'Step back' }).click();
    await expect(scrub).toHaveValue(String(start + i));
    await expect.poll(() => views(page)).toEqual(forward[i]);
  }
});

test('keys: arrows step, ? opens the help', async ({ page }) => {
  await openBlank(page);
  await type(page, 'insmod test_modules/test_klp_livepatch.ko');
  await page.locator('body').click();
  const scrub = page.getByRole('slider', { name: 'Timeline' });
  const before = Number(await scrub.inputValue());
  await page.keyboard.press('ArrowRight');
  await expect(scrub).toHaveValue(String(before + 1));
  await page.keyboard.press('ArrowLeft');
  await expect(scrub).toHaveValue(String(before));
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Help' })).toBeVisible();
});

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const A11Y_LINKS = {
  'mid-transition': '#/s/stalled-transition/3',
  settled: '#/s/disable-and-remove/6',
  'the workqueue story': '#/s/free-work/10',
  'the 5.1 story': '#/s/api51/4',
  'talk mode': '#/s/stalled-transition/5?talk',
};

for (const theme of ['light', 'dark']) {
  for (const [what, link] of Object.entries(A11Y_LINKS)) {
    test(`no serious or critical accessibility violations: ${what}, ${theme} theme`, async ({ page }) => {
      await page.goto(`/${link}${link.includes('?') ? '&' : '?'}theme=${theme}`);
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await expect(page.locator('#caption')).toContainText('step');
      await expect(page.getByText('Loading…')).toHaveCount(0);
      expect(await seriousViolations(page)).toEqual([]);
    });
  }
}

test('the theme button changes the theme, and the link keeps it', async ({ page }) => {
  await page.goto('/#/s/first-livepatch/1?theme=light');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page).toHaveURL(/#\/s\/first-livepatch\/1\?theme=dark$/);
});

test('a picture of two views draws the second a turn after the first, and both end at the step', async ({ page }) => {
  await openBlank(page);
  await type(page, 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
  await type(page, 'insmod test_modules/test_klp_callbacks_demo.ko');
  const panels = page.locator('[aria-label="This step\'s picture"] > .panel');
  await expect(panels).toHaveCount(2);
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  // Which of the two views is behind the page's step, each time the picture changes.
  await page.evaluate(() => {
    const stage = document.querySelector('[aria-label="This step\'s picture"]')!;
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    new MutationObserver(() => {
      const [a, b] = stage.querySelectorAll(':scope > .panel');
      seen.push(`${a!.querySelector('[aria-busy="true"]') ? 'behind' : 'at step'}/${b!.querySelector('[aria-busy="true"]') ? 'behind' : 'at step'}`);
    }).observe(stage, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await type(page, 'sleep 1');
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
  // First the first view shows the step while the second still shows the one before; then both do.
  expect(seen).toContain('at step/behind');
  expect(seen.indexOf('at step/behind')).toBeLessThan(seen.lastIndexOf('at step/at step'));
  expect(seen).not.toContain('behind/at step');
});
