/**
 * `&` runs a job of several commands in the background in the page's shell
 * as in bash: the prompt returns at once, the job's commands run when its
 * sleep ends (here, while a later foreground sleep lets the time pass), and
 * bash reports it done as soon as that foreground command has ended (bash
 * 5.2 does so between the commands of a list, as seen on Debian 12).
 */
import { expect, test } from './fixtures';
import { openBlank, type } from './helpers';

test('a job of several commands runs in the background, its output when its sleep ends, then Done', async ({ page }) => {
  await openBlank(page);
  const lines = page.getByRole('log', { name: 'Shell output' }).locator('[data-line]');
  await type(page, 'sleep 5 && echo hi &');
  await expect(lines.last()).toHaveText(/^\[1\] \d+$/);
  await expect(lines.filter({ hasText: /^hi$/ })).toHaveCount(0);
  await type(page, 'sleep 6; echo after');
  const texts = await lines.allInnerTexts();
  const from = texts.lastIndexOf('# sleep 6; echo after');
  expect(texts.slice(from + 1)).toEqual(['hi', '[1]+  Done                    sleep 5 && echo hi', 'after']);
  await type(page, 'jobs; echo none');
  await expect(lines.last()).toHaveText('none');
});
