/** What the end-to-end tests do on the page, the way a user does it. */
import { expect, type Locator, type Page } from '@playwright/test';

/** A fresh machine with the selftests' set-up and no step yet. */
export async function openBlank(page: Page): Promise<void> {
  await page.goto('/#/blank');
  // The workbench, and so the Shell, is drawn from the engine's first view of the link's
  // machine: once it shows, a typed line runs on that machine. On a loaded machine the
  // worker's boot can take several seconds.
  await expect(page.getByRole('textbox', { name: 'Shell' })).toBeVisible({ timeout: 20_000 });
}

/**
 * Types a command into the Shell, presses Enter, and waits until the shell has run it:
 * lines newer than every line before show (the Shell draws only the lines in view,
 * numbered from the session's first in data-line, and keeps the newest in view; a
 * command's prompt line and its output arrive together).
 */
export async function type(page: Page, line: string, timeout = 15_000): Promise<void> {
  const out = await page.getByRole('log', { name: 'Shell output' }).elementHandle();
  const before = await out!.evaluate(newestLine);
  const shell = page.getByRole('textbox', { name: 'Shell' });
  await shell.fill(line);
  await shell.press('Enter');
  // The engine runs in a worker and answers when the command has run: give a loaded machine time.
  // Checked every frame in the page: expect.poll's back-off (100, 250, 500 ms…) would idle through most of a short command.
  await page.waitForFunction(
    ([box, n]) => {
      const rows = box.querySelectorAll<HTMLElement>('[data-line]');
      return rows.length > 0 && Number(rows[rows.length - 1]!.dataset.line) > n;
    },
    [out!, before] as const,
    { polling: 'raf', timeout },
  );
}

/** The number of the newest line a log draws (its rows are numbered from the session's first in data-line), -1 when none. */
function newestLine(box: Element): number {
  const rows = box.querySelectorAll<HTMLElement>('[data-line]');
  return rows.length ? Number(rows[rows.length - 1]!.dataset.line) : -1;
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
  const handle = await button.elementHandle();
  await button.click();
  // The engine answers from its worker: settled once the button has nothing left to do (checked every frame, as in type()).
  await page.waitForFunction((b) => (b as HTMLButtonElement).disabled, handle!, { polling: 'raf', timeout: 15_000 });
}

/** The Kernel log's message texts, in order. */
export async function kernelLog(page: Page): Promise<string[]> {
  return readLog(page.getByRole('log', { name: 'Kernel log' }), ['.text']);
}

/** The kernel views whose text says the state (the first screen's and below the fold). */
export const REGIONS = ['Patch stack', 'Task migration', 'Free queue', 'Kernel state'];

/**
 * The text of every view region: what a user sees of the state, once every
 * view shows the page's step (views below the fold and a picture's second
 * view follow a turn later, busy meanwhile).
 */
export async function views(page: Page): Promise<string[]> {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  return Promise.all(REGIONS.map((name) => page.getByRole('region', { name }).innerText()));
}
