/**
 * Every narrated scenario opens from its link at its last step, and what
 * the page shows is what the engine computes for that step in Node.
 */
import { expect, test } from './fixtures';
import { Timeline } from '../../src/session/timeline';
import { Shell } from '../../src/kernel/shell/shell';
import { formatTimestamp } from '../../src/kernel/world/log';
import { SCENARIOS } from '../../src/scenarios/index';
import { playStep } from '../../src/scenarios/run';
import { storySteps } from '../../src/stories/workqueue/model';
import { STORY_STEPS as api51Steps } from '../../src/stories/api51/model';
import { readLog } from './helpers';
/** The workqueue story's captions (it simulates them when first asked). */
const workqueueSteps = storySteps();

const STORY_STEPS: Record<string, readonly { caption: string }[]> = { 'free-work': workqueueSteps, api51: api51Steps };

/** The kernel log as the page shows it: timestamp and text of each line. */
async function pageLog(page: import('@playwright/test').Page): Promise<string[]> {
  return readLog(page.getByRole('log', { name: 'Kernel log' }), ['.ts', '.text']);
}

for (const s of SCENARIOS) {
  if (s.kind === 'timeline') {
    test(`scenario ${s.id}: its last step's link shows the engine's kernel log`, async ({ page }) => {
      const t = new Timeline(s.setup, (k) => new Shell(k));
      for (const step of s.steps) playStep(t, step);
      const last = s.steps.length;
      const want = t.log().map((r) => `${formatTimestamp(r.usec)} ${r.text}`);

      await page.goto(`/#/s/${s.id}/${last}`);
      await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue(String(last));
      await expect(page.locator('#caption')).toContainText(`step ${last} of ${last}`);
      await expect.poll(() => pageLog(page)).toEqual(want);
      expect(page.url()).toContain(`#/s/${s.id}/${last}`);
    });
  } else {
    test(`story ${s.id}: its last step's link shows its last caption`, async ({ page }) => {
      const steps = STORY_STEPS[s.id]!;
      const last = steps.length - 1;
      await page.goto(`/#/s/${s.id}/${last}`);
      await expect(page.locator('#caption')).toContainText(`step ${last} of ${last}`);
      await expect(page.locator('#caption')).toContainText(steps[last]!.caption.slice(0, 60));
      await expect(page.getByRole('main')).toBeVisible();
    });
  }
}

test('each step is a link, and back/forward move through the steps', async ({ page }) => {
  await page.goto('/#/s/first-livepatch/0');
  const scrub = page.getByRole('slider', { name: 'Timeline' });
  await expect(scrub).toHaveValue('0');
  for (let i = 1; i <= 3; i++) {
    await page.getByRole('button', { name: 'Step forward' }).click();
    await expect(page).toHaveURL(new RegExp(`#/s/first-livepatch/${i}$`));
  }
  await page.goBack();
  await expect(page).toHaveURL(/#\/s\/first-livepatch\/2$/);
  await expect(scrub).toHaveValue('2');
  await page.goBack();
  await expect(scrub).toHaveValue('1');
  await page.goForward();
  await expect(scrub).toHaveValue('2');
  await expect(page.locator('#caption')).toContainText('step 2 of');
});

test('the picker opens a scenario at its first step', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/#\/s\/first-livepatch\/0$/);
  await page.getByRole('combobox', { name: 'Scenario' }).selectOption({ label: `${SCENARIOS.findIndex((s) => s.id === 'atomic-replace') + 1}. Atomic replace` });
  await expect(page).toHaveURL(/#\/s\/atomic-replace\/0$/);
  await expect(page.locator('#caption')).toContainText('Atomic replace');
});
