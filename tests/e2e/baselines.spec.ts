/**
 * Talk mode as the audience sees it, against committed pictures: the first,
 * a middle and the last step of every scenario at 1280×720 in the light
 * theme, and the middle step in the dark one (the themes differ in colours
 * only: one picture each guards them) (tests/e2e/baselines/). A change to the picture fails here until the
 * baselines are rewritten on purpose: `npm run test:baselines`, then look at
 * every changed PNG before committing it.
 */
import { expect, test } from './fixtures';
import { SCENARIOS } from '../../src/scenarios/index';
import { storySteps } from '../../src/stories/workqueue/model';
import { STORY_STEPS as api51Steps } from '../../src/stories/api51/model';
/** The workqueue story's captions (it simulates them when first asked). */
const workqueueSteps = storySteps();

const STORY_LENGTH: Record<string, number> = { 'free-work': workqueueSteps.length - 1, api51: api51Steps.length - 1 };

test.use({ viewport: { width: 1280, height: 720 }, reducedMotion: 'reduce' });

for (const s of SCENARIOS) {
  const last = s.kind === 'timeline' ? s.steps.length : STORY_LENGTH[s.id]!;
  const middle = Math.floor(last / 2);
  const shots: [number, string][] = [[0, 'light'], [middle, 'light'], [last, 'light'], [middle, 'dark']];
  test(`${s.id} in talk mode`, async ({ page }) => {
    for (const [step, theme] of shots) {
      // the first picture loads the app; the others follow links, as a speaker's clicker does
      const hash = `#/s/${s.id}/${step}?talk&theme=${theme}`;
      if (page.url().includes('#/s/')) await page.evaluate((h) => (location.hash = h), hash);
      else await page.goto(`/${hash}`);
      await expect(page.locator('#caption')).toContainText(`step ${step} of`);
      await expect(page.getByText('Loading…')).toHaveCount(0);
      await page.evaluate(() => document.fonts.ready);
      await expect.soft(page).toHaveScreenshot(`${s.id}-${step}-${theme}.png`);
    }
  });
}
