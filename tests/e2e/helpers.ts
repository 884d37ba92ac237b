/** What the end-to-end tests do on the page, the way a user does it. */
import { expect, type Page } from '@playwright/test';

/** A fresh machine with the selftests' set-up and no step yet. */
export async function openBlank(page: Page): Promise<void> {
  await page.goto('/#/blank');
  await expect(page.getByRole('textbox', { name: 'Shell' })).toBeVisible();
  // The Shell shows before the link has opened its machine (that waits for the link
  // and engine code), and a command typed meanwhile is lost with the machine it ran
  // on. The page looks the same before and after, so wait for its code to arrive.
  await page.waitForLoadState('networkidle');
}

/** Types a command into the Shell, presses Enter, and waits until the shell has run it. */
export async function type(page: Page, line: string): Promise<void> {
  const prompts = page.getByRole('log', { name: 'Shell output' }).locator('.prompt');
  const before = await prompts.count();
  const shell = page.getByRole('textbox', { name: 'Shell' });
  await shell.fill(line);
  await shell.press('Enter');
  await expect(prompts).toHaveCount(before + 1);
}

/** Runs kernel events while they make progress, as the selftests' waits do. */
export async function settle(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: 'run to settled' });
  if (await button.isEnabled()) await button.click();
}

/** The Kernel log's message texts, in order. */
export async function kernelLog(page: Page): Promise<string[]> {
  return page.getByRole('log', { name: 'Kernel log' }).locator('.text').allInnerTexts();
}
