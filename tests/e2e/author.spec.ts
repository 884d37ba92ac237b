/**
 * Author mode (issue 11): a speaker writes a three-step scenario on the
 * machine, with captions and a focus of their own, copies its link, and a
 * fresh page opens the same story (steps, captions, views), in talk mode and
 * embedded too. The draft survives a reload; moving and deleting steps
 * replays the story in its new order.
 */
import type { Locator, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { openBlank, type, views } from './helpers';

const CAPTIONS = ['We load the fix: klp_enable_patch() starts the transition.', 'One idle CPU goes round its idle loop and switches.', 'Reading the file: nothing is in transition any more.'];

/** A fresh machine, the author panel open, a story started there and its first command typed: the panel. */
async function startStory(page: Page, first: string): Promise<Locator> {
  await openBlank(page);
  await page.getByRole('button', { name: 'Write your own scenario' }).click();
  const panel = page.getByRole('complementary', { name: 'Your scenario' });
  await panel.getByRole('button', { name: 'Start from here (step 0)' }).click();
  await type(page, first);
  return panel;
}

async function writeStory(page: Page): Promise<void> {
  const panel = await startStory(page, 'insmod test_modules/test_klp_livepatch.ko');
  await expect(panel.getByRole('listitem', { name: 'Step 1' })).toContainText('# insmod test_modules/test_klp_livepatch.ko');
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(panel.getByRole('listitem', { name: 'Step 2' })).toContainText('step ▶');
  await page.getByRole('button', { name: 'run to settled' }).first().click();
  await type(page, 'cat /sys/kernel/livepatch/test_klp_livepatch/transition');
  await expect(panel.getByRole('listitem')).toHaveCount(4);
  // The settle step is not wanted: delete it (the story replays without it).
  await panel.getByRole('button', { name: 'Delete step 3' }).click();
  await expect(panel.getByRole('listitem')).toHaveCount(3);
  await panel.getByRole('textbox', { name: 'Title' }).fill('Our fix, live');
  for (const [i, text] of CAPTIONS.entries()) await panel.getByRole('listitem', { name: `Step ${i + 1}` }).getByRole('textbox', { name: 'Caption' }).fill(text);
  // Step 3's picture: the shell alone.
  const step3 = panel.getByRole('listitem', { name: 'Step 3' });
  for (const v of ['Patch stack', 'Task migration']) if (await step3.getByRole('checkbox', { name: v }).isChecked()) await step3.getByRole('checkbox', { name: v }).uncheck();
  await step3.getByRole('checkbox', { name: 'Shell' }).check();
  await expect(page.locator('#caption')).toContainText(CAPTIONS[2]!);
}

test('a speaker writes a three-step scenario, and its link opens the same story in a fresh page, in talk mode and embedded', async ({ page, browser }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await writeStory(page);
  const panel = page.getByRole('complementary', { name: 'Your scenario' });
  await panel.getByRole('button', { name: 'Copy link' }).click();
  const url = await page.evaluate(() => navigator.clipboard.readText());
  expect(url).toMatch(/#\/u\/[A-Za-z0-9+$-]+\/0$/);
  const shellLine = await page.getByRole('log', { name: 'Shell output' }).locator('[data-line]').last().innerText();
  // The views at the story's last step, the panel closed (a page as wide as the fresh one).
  await panel.getByRole('button', { name: 'Close the author panel' }).click();
  await expect(page.locator('#caption')).toContainText('step 3 of 3');
  const want = await views(page);

  const fresh = await (await browser.newContext({ viewport: page.viewportSize() })).newPage();
  await fresh.goto(url);
  await expect(fresh.getByRole('combobox', { name: 'Scenario' }).locator('option:checked')).toHaveText('Shared: Our fix, live');
  for (const [i, text] of CAPTIONS.entries()) {
    await fresh.getByRole('button', { name: 'Step forward' }).click();
    await expect(fresh.locator('#caption')).toContainText(`step ${i + 1} of 3`);
    await expect(fresh.locator('#caption')).toContainText(text);
  }
  await expect(fresh.getByRole('log', { name: 'Shell output' }).locator('[data-line]').last()).toHaveText(shellLine);
  await expect.poll(() => views(fresh)).toEqual(want);

  await fresh.goto(url.replace(/\/0$/, '/3?talk'));
  await expect(fresh.locator('#caption')).toContainText(CAPTIONS[2]!);
  await fresh.goto(url.replace(/\/0$/, '/1?embed'));
  await expect(fresh.locator('#caption')).toContainText(CAPTIONS[0]!);
  await fresh.context().close();
});

test('the draft survives a reload and a followed link; moving a step replays the story in the new order', async ({ page }) => {
  await writeStory(page);
  await page.goto('/#/s/first-livepatch/2');
  await expect(page.locator('#caption')).toContainText('step 2 of');
  await page.reload();
  await page.getByRole('button', { name: 'Write your own scenario' }).click();
  const panel = page.getByRole('complementary', { name: 'Your scenario' });
  await expect(panel.getByRole('textbox', { name: 'Title' })).toHaveValue('Our fix, live');
  await expect(panel.getByRole('listitem')).toHaveCount(3);
  await expect(panel.getByText('Not what is shown now.')).toBeVisible();
  // It plays from step 0 on, as the play button does.
  await panel.getByRole('button', { name: 'Play from the start' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect(page.locator('#caption')).toContainText(/step \d of 3/);
  await panel.getByRole('button', { name: 'Move step 3 up' }).click();
  await expect(panel.getByRole('listitem', { name: 'Step 2' })).toContainText('# cat /sys/kernel/livepatch/test_klp_livepatch/transition');
  await panel.getByRole('button', { name: 'Show step 2' }).click();
  await expect(page.locator('#caption')).toContainText(CAPTIONS[2]!);
  // Before the idle CPU's step, the transition is still open.
  await expect(page.getByRole('log', { name: 'Shell output' }).locator('[data-line]').last()).toHaveText('1');
});

test('a caption left empty is named before the story can play', async ({ page }) => {
  await writeStory(page);
  const panel = page.getByRole('complementary', { name: 'Your scenario' });
  await panel.getByRole('listitem', { name: 'Step 2' }).getByRole('textbox', { name: 'Caption' }).fill('');
  await expect(panel.getByRole('alert')).toContainText('steps[1].caption: is empty');
  await expect(panel.getByRole('button', { name: 'Play from the start' })).toBeDisabled();
});

test('the scenario exports as a file in the scenario format, and that file imports back', async ({ page }) => {
  await writeStory(page);
  const panel = page.getByRole('complementary', { name: 'Your scenario' });
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export file' }).click()]);
  expect(download.suggestedFilename()).toBe('our-fix-live.json');
  const path = (await download.path())!;
  const file = JSON.parse(readFileSync(path, 'utf8'));
  expect(file).toMatchObject({ format: 'klpscope-scenario/1', id: 'our-fix-live', title: 'Our fix, live' });
  expect(file.steps.map((s: { caption: string }) => s.caption)).toEqual(CAPTIONS);
  await panel.getByRole('button', { name: 'Discard' }).click();
  await panel.getByRole('button', { name: 'Really discard?' }).click();
  await expect(panel.getByRole('button', { name: /Start from here/ })).toBeVisible();
  await panel.locator('input[type=file]').setInputFiles(path);
  await expect(panel.getByRole('listitem')).toHaveCount(3);
  await expect(page.locator('#caption')).toContainText('step 0 of 3');
  // A file that is not a scenario is refused, saying where.
  await panel.locator('input[type=file]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...file, steps: [] })) });
  await expect(panel.getByRole('status').filter({ hasText: 'bad.json is not a klpscope scenario: steps: is empty' })).toBeVisible();
  await expect(panel.getByRole('listitem')).toHaveCount(3);
});

for (const theme of ['light', 'dark']) {
  test(`the author panel has no serious accessibility violations, ${theme} theme`, async ({ page }) => {
    await page.goto(`/#/blank?theme=${theme}`);
    await expect(page.getByRole('textbox', { name: 'Shell' })).toBeVisible({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Write your own scenario' }).click();
    await page.getByRole('complementary', { name: 'Your scenario' }).getByRole('button', { name: /Start from here/ }).click();
    await type(page, 'insmod test_modules/test_klp_livepatch.ko');
    await expect(page.getByRole('complementary', { name: 'Your scenario' }).getByRole('listitem')).toHaveCount(1);
    const results = await new AxeBuilder({ page }).include('aside.author').analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
}

test('a run-to-settled step splits its first event off as a step of its own', async ({ page }) => {
  const panel = await startStory(page, 'insmod test_modules/test_klp_livepatch.ko');
  await page.getByRole('button', { name: 'run to settled' }).first().click();
  await expect(panel.getByRole('listitem')).toHaveCount(2);
  await panel.getByRole('button', { name: 'Split the first event off step 2' }).click();
  await expect(panel.getByRole('listitem')).toHaveCount(3);
  await expect(panel.getByRole('listitem', { name: 'Step 2' })).toContainText('step ▶');
  await expect(panel.getByRole('listitem', { name: 'Step 3' })).toContainText('run to settled');
  await panel.getByRole('button', { name: 'Show step 2' }).click();
  await expect(page.locator('#caption')).toContainText('step 2 of 3');
  // One idle CPU switched at that event: two are still pending.
  await expect(page.getByRole('region', { name: 'Task migration' }).getByText(/47 of 49 tasks switched/)).toBeVisible();
});

test('a built-in scenario that begins with the same step does not grow the story', async ({ page }) => {
  const panel = await startStory(page, 'cat /proc/cmdline');
  await expect(panel.getByRole('listitem')).toHaveCount(1);
  // First livepatch begins with that very command; the panel stays open as the link is followed.
  await page.goto('/#/s/first-livepatch/4');
  await expect(page.locator('#caption')).toContainText('First livepatch · step 4 of 8');
  await expect(panel.getByText('Not what is shown now.')).toBeVisible();
  await expect(panel.getByRole('listitem')).toHaveCount(1);
});
