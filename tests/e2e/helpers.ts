/** What the end-to-end tests do on the page, the way a user does it. */
import { expect, type Locator, type Page } from '@playwright/test';

/** A fresh machine with the selftests' set-up and no step yet. */
export async function openBlank(page: Page): Promise<void> {
  await page.goto('/#/blank');
  // The Shell shows once the engine's worker has booted the machine: on a loaded machine
  // that can take several seconds.
  await expect(page.getByRole('textbox', { name: 'Shell' })).toBeVisible({ timeout: 20_000 });
  await page.waitForLoadState('networkidle');
}

/**
 * Types a command into the Shell, presses Enter, and waits until the shell has run it:
 * lines newer than every line before show (the Shell draws only the lines in view,
 * numbered from the session's first in data-line, and keeps the newest in view; a
 * command's prompt line and its output arrive together).
 */
export async function type(page: Page, line: string, timeout = 15_000): Promise<void> {
  const out = page.getByRole('log', { name: 'Shell output' });
  const newest = () =>
    out.evaluate((box) => {
      const rows = box.querySelectorAll<HTMLElement>('[data-line]');
      return rows.length ? Number(rows[rows.length - 1]!.dataset.line) : -1;
    });
  const before = await newest();
  const shell = page.getByRole('textbox', { name: 'Shell' });
  await shell.fill(line);
  await shell.press('Enter');
  // The engine runs in a worker and answers when the command has run: give a loaded machine time.
  await expect.poll(newest, { timeout }).toBeGreaterThan(before);
}

/**
 * Every line of a log that draws only the lines in view (src/views/Scrollback.svelte),
 * read as a reader scrolls it from top to bottom: for each line, the inner text of each
 * of `parts` (selectors inside the line), joined by a space.
 */
export async function readLog(log: Locator, parts: string[]): Promise<string[]> {
  return log.evaluate(async (box, sels) => {
    const lines = new Map<number, string>();
    // A scroll event comes before the next frame's callbacks, and the log draws in the microtask after it.
    const drawn = () => new Promise((r) => requestAnimationFrame(r));
    box.scrollTop = 0;
    for (;;) {
      await drawn();
      for (const row of box.querySelectorAll<HTMLElement>('[data-line]')) {
        lines.set(Number(row.dataset.line), sels.map((s) => row.querySelector<HTMLElement>(s)?.innerText ?? '').join(' '));
      }
      if (box.scrollTop + box.clientHeight >= box.scrollHeight - 1) break;
      // The log draws a view's worth above and below the view: two views on, nothing is skipped.
      box.scrollTop += Math.max(1, 2 * box.clientHeight);
    }
    return [...lines].sort(([a], [b]) => a - b).map(([, text]) => text);
  }, parts);
}

/** Runs kernel events while they make progress, as the selftests' waits do. */
export async function settle(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: 'run to settled' });
  if (!(await button.isEnabled())) return;
  await button.click();
  // The engine answers from its worker: settled once the button has nothing left to do.
  await expect(button).toBeDisabled({ timeout: 15_000 });
}

/** The Kernel log's message texts, in order. */
export async function kernelLog(page: Page): Promise<string[]> {
  return readLog(page.getByRole('log', { name: 'Kernel log' }), ['.text']);
}
