/**
 * A speaker's own scenario (issue 11): a file in the scenario format, carried
 * whole by a link (#/u/), opens like a built-in one: its captions, its steps,
 * in the workbench, in talk mode and embedded. A link whose scenario does not
 * fit the format is refused with the problem and where it is, and the script
 * in a hostile caption stays text.
 */
import LZString from 'lz-string';
import { expect, test } from './fixtures';

const STORY = {
  format: 'klpscope-scenario/1',
  id: 'my-talk',
  title: 'My talk: one patch',
  summary: 'A patch goes in and every task follows.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: 'Our fleet before the fix: no patch loaded.',
  introFocus: { views: ['tasks'] },
  steps: [
    {
      do: { command: 'insmod test_modules/test_klp_livepatch.ko' },
      caption: 'We load the fix: its init calls klp_enable_patch().',
      fn: 'klp_enable_patch',
      focus: { views: ['patches'], actors: [{ patch: 'test_klp_livepatch' }] },
    },
    { do: { settle: true }, caption: 'The idle tasks follow: the transition completes in `klp_complete_transition()`, and `transition` reads `0`.', focus: { views: ['tasks'] } },
    { do: { command: 'cat /sys/kernel/livepatch/test_klp_livepatch/transition' }, caption: 'Nothing is left in transition.', focus: { views: ['shell'] } },
  ],
};
const link = (file: unknown, step: number, query = '') => `/#/u/${LZString.compressToEncodedURIComponent(JSON.stringify(file))}/${step}${query}`;

test('a scenario carried by a link opens at its step, with its own captions, and steps like a built-in one', async ({ page }) => {
  await page.goto(link(STORY, 1));
  await expect(page.locator('#caption')).toContainText('We load the fix');
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue(' own');
  await expect(page.getByRole('combobox', { name: 'Scenario' }).locator('option:checked')).toHaveText('Shared: My talk: one patch');
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.locator('#caption')).toContainText('The idle tasks follow');
  // `code` spans are code; one that is a call links to the function's source.
  await expect(page.locator('#caption code').filter({ hasText: /^transition$/ })).toHaveCount(1);
  await expect(page.locator('#caption a', { hasText: 'klp_complete_transition()' })).toHaveAttribute('href', /elixir\.bootlin\.com\/.*klp_complete_transition/);
  // The address follows, still carrying the whole scenario.
  await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/u\/[A-Za-z0-9+$-]+\/2$/);
  await page.reload();
  await expect(page.locator('#caption')).toContainText('The idle tasks follow');
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.locator('#caption')).toContainText('Nothing is left in transition');
  await expect(page.getByRole('log', { name: 'Shell output' }).locator('[data-line]').last()).toHaveText('0');
});

test('in talk mode and embedded, a shared scenario keeps its captions', async ({ page }) => {
  await page.goto(link(STORY, 2, '?talk'));
  await expect(page.locator('#caption')).toContainText('The idle tasks follow');
  await page.keyboard.press('PageDown');
  await expect(page.locator('#caption')).toContainText('Nothing is left in transition');
  await page.goto(link(STORY, 1, '?embed'));
  await expect(page.locator('#caption')).toContainText('We load the fix');
});

test("a shared story's closing slide offers its link, too long to scan, and no next scenario", async ({ page }) => {
  await page.goto(link(STORY, 3, '?talk'));
  await expect(page.locator('#caption')).toContainText('Nothing is left in transition');
  await page.keyboard.press('PageDown');
  const slide = page.getByRole('dialog', { name: 'My talk: one patch' });
  await expect(slide).toContainText('too long to read out or to scan');
  await expect(slide).toContainText('The end of this story.');
  await expect(slide.getByRole('img', { name: /QR code/ })).toHaveCount(0);
  // Its link is the story's, at its first step.
  await expect(slide.getByRole('link', { name: 'open it here' })).toHaveAttribute('href', /#\/u\/[A-Za-z0-9+$-]+\/0$/);
});

test('a shared scenario that does not fit the format is refused, saying where', async ({ page }) => {
  const bad = structuredClone(STORY) as typeof STORY & { steps: { focus: { views: string[] } }[] };
  bad.steps[1]!.focus.views = ['taks'];
  await page.goto(link(bad, 1));
  await expect(page.getByRole('alert')).toContainText('steps[1].focus.views[0]: "taks" is not a view');
  await expect(page.locator('#caption')).toContainText('First livepatch');
});

test('a caption with markup stays text', async ({ page }) => {
  const hostile = structuredClone(STORY);
  hostile.steps[0]!.caption = `<img src=x onerror="window.__fired=1">We load the fix.`;
  await page.goto(link(hostile, 1));
  await expect(page.locator('#caption')).toContainText('<img src=x onerror="window.__fired=1">We load the fix.');
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __fired?: number }).__fired)).toBeUndefined();
});
