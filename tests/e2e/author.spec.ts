/**
 * Author mode (issue 11): a speaker writes a three-step scenario on the
 * machine, with captions and a focus of their own, copies its link, and a
 * fresh page opens the same story (steps, captions, views), in talk mode and
 * embedded too. The draft survives a reload; moving and deleting steps
 * replays the story in its new order.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openBlank, type } from './helpers';

const CAPTIONS = ['We load the fix: klp_enable_patch() starts the transition.', 'One idle CPU goes round its idle loop and switches.', 'Reading the file: nothing is in transition any more.'];

async function writeStory(page: Page): Promise<void> {
  await openBlank(page);
  await page.getByRole('button', { name: 'Write your own scenario' }).click();
  const panel = page.getByRole('complementary', { name: 'Your scenario' });
  await panel.getByRole('button', { name: 'Start from here (step 0)' }).click();
  await type(page, 'insmod test_modules/test_klp_livepatch.ko');
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

  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto(url);
  await expect(fresh.getByRole('combobox', { name: 'Scenario' }).locator('option:checked')).toHaveText('Shared: Our fix, live');
  for (const [i, text] of CAPTIONS.entries()) {
    await fresh.getByRole('button', { name: 'Step forward' }).click();
    await expect(fresh.locator('#caption')).toContainText(`step ${i + 1} of 3`);
    await expect(fresh.locator('#caption')).toContainText(text);
  }
  await expect(fresh.getByRole('log', { name: 'Shell output' }).locator('[data-line]').last()).toHaveText(shellLine);
  await expect(fresh.locator('[data-focus="view:shell"]').first()).toBeVisible();

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
  await panel.getByRole('button', { name: 'Play from the start' }).click();
  await expect(page.locator('#caption')).toContainText('step 0 of 3');
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
