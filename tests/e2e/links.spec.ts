/**
 * Links are untrusted input. A hostile, broken or oversized link opens the
 * first scenario (or keeps what the user had) with a clear message, and runs
 * nothing: a canary that any injected script would set stays unset, and no
 * dialog opens. Hostile links and commands do not break the layout either:
 * nothing gets wider than the window, and the header, the playback bar and
 * the message stay on screen, a few lines tall. A good exploration link
 * reproduces its situation exactly.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import LZString from 'lz-string';
import { openBlank, settle, type, views } from './helpers';


/** Anything injected would call one of these; none may ever be called. */
async function armCanary(page: Page): Promise<string[]> {
  const fired: string[] = [];
  page.on('dialog', (d) => {
    fired.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.exposeFunction('__klpCanary', (what: string) => fired.push(what));
  return fired;
}

const PAYLOAD = `<img src=x onerror="__klpCanary('img')"><script>__klpCanary('script')</script>`;
/** A good shared scenario (docs/scenario-format.md), which the hostile ones change. */
const SHARED = {
  format: 'klpscope-scenario/1',
  id: 'shared',
  title: 'Shared',
  summary: 'A patch.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: `A fresh machine. ${PAYLOAD}`,
  introFocus: { views: ['tasks'] },
  steps: [{ do: { command: 'insmod test_modules/test_klp_livepatch.ko' }, caption: PAYLOAD, focus: { views: ['patches'] } }],
};
const HOSTILE: Record<string, string> = {
  'script in a scenario name': `#/s/${encodeURIComponent(PAYLOAD)}/0`,
  'event handler in a command': `#/x/${encodeURIComponent(`$insmod ${PAYLOAD}`)};step=1`,
  'javascript: as a scenario': '#/s/javascript:__klpCanary(1)/0',
  'a 100 KB link': `#/x/${'$echo%20' + 'A'.repeat(100_000)}`,
  'broken percent-encoding': '#/x/$insmod%E0%A4%A;step=1',
  'binary garbage': `#/z/${'\u0000\u0001\uffff\ud800'.repeat(50)}`,
  'a truncated compressed link': `#/z/${LZString.compressToEncodedURIComponent('cpus=2;$insmod test_modules/test_klp_livepatch.ko;step=1').slice(0, 20)}`,
  'an unknown setting': '#/s/first-livepatch/2?evil=<b>',
  'a step that is not a number': '#/s/first-livepatch/1e999',
  // A speaker's own scenario is text, read through the scenario format's checks.
  'a shared scenario whose title reorders itself': `#/u/${LZString.compressToEncodedURIComponent(JSON.stringify({ ...SHARED, title: 'evil \u202efdp.exe' }))}/0`,
  'a shared scenario with a field that is markup': `#/u/${LZString.compressToEncodedURIComponent(JSON.stringify({ ...SHARED, html: PAYLOAD }))}/0`,
  'a shared scenario whose set-up asks for a huge machine': `#/u/${LZString.compressToEncodedURIComponent(JSON.stringify({ ...SHARED, setup: { ...SHARED.setup, config: { extraTasks: 1e9 } } }))}/0`,
};

for (const [what, hash] of Object.entries(HOSTILE)) {
  test(`a link with ${what} opens the first scenario with a message and runs nothing`, async ({ page }) => {
    const fired = await armCanary(page);
    await page.goto(`/${hash}`);
    await expect(page.getByRole('alert')).toContainText('That link could not be opened');
    await expect(page.locator('#caption')).toContainText('First livepatch');
    await expect(page.locator('img[src="x"], script:not([src]):not([type])')).toHaveCount(0);
    // The page stays usable: a step forward works.
    await page.getByRole('button', { name: 'Step forward' }).click();
    await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue('1');
    expect(fired).toEqual([]);
  });
}

test('a bad link followed later keeps what the user had', async ({ page }) => {
  const fired = await armCanary(page);
  await openBlank(page);
  await type(page, 'insmod test_modules/test_klp_livepatch.ko');
  await settle(page);
  const before = await views(page);
  const url = page.url();
  await page.evaluate((h) => (location.hash = h), `#/s/${PAYLOAD}/0`);
  await expect(page.getByRole('alert')).toBeVisible();
  expect(await views(page)).toEqual(before);
  expect(page.url()).toBe(url);
  expect(fired).toEqual([]);
});

test('hostile text typed into the Shell is shown as text, never run', async ({ page }) => {
  const fired = await armCanary(page);
  await openBlank(page);
  await type(page, PAYLOAD);
  await type(page, `insmod ${PAYLOAD}`);
  await expect(page.getByRole('log', { name: 'Shell output' })).toContainText('syntax error near unexpected token');
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(fired).toEqual([]);
});

/** Nothing is wider than the window; header, playback bar and `message` are on screen, and the message is a few lines tall. */
async function layoutHolds(page: Page, message: Locator, maxHeight = 200): Promise<void> {
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
  // The workbench's header, or talk mode's whole stage.
  const frame = page.getByRole('banner').or(page.getByRole('region', { name: 'Talk-mode stage' }));
  await expect(frame).toBeInViewport({ ratio: 1 });
  await expect(page.getByRole('group', { name: 'Playback' })).toBeInViewport();
  await expect(message).toBeInViewport();
  expect((await message.boundingBox())!.height).toBeLessThan(maxHeight);
}

/** Whether a click at the middle of `target` would reach it (no sticky header over it). */
const uncovered = (target: Locator) =>
  target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return hit !== null && (hit === el || el.contains(hit));
  });

for (const what of ['a 100 KB link', 'script in a scenario name', 'event handler in a command', 'binary garbage']) {
  test(`a link with ${what} leaves the layout whole`, async ({ page }) => {
    await page.goto(`/${HOSTILE[what]!}`);
    await layoutHolds(page, page.getByRole('alert'));
  });
}

const LONG = 'A'.repeat(5000);
const COMMANDS: Record<string, { line: string; says: string }> = {
  'a 5,000-character command': { line: LONG, says: `bash: ${LONG.slice(0, 40)}` },
  'a command with an <img onerror>': { line: `echo <img src=x onerror="__klpCanary('img')">`, says: 'syntax error near unexpected token' },
};

const MODES = {
  '': { open: openBlank, type, maxHeight: 200 },
  ', in talk mode': {
    open: async (page: Page) => {
      await page.goto('/#/s/first-livepatch/0?talk');
      await expect(page.locator('#caption')).toContainText('step 0 of');
    },
    // Talk mode shows the last command, not the whole shell.
    type: async (page: Page, line: string) => {
      await page.getByRole('textbox', { name: 'Shell' }).fill(line);
      await page.getByRole('textbox', { name: 'Shell' }).press('Enter');
      await expect(page.getByRole('region', { name: 'Last command' })).toContainText(line.slice(0, 40));
    },
    // Talk mode's type is twice the size: a few lines are taller.
    maxHeight: 300,
  },
};

for (const [mode, { open, type: typeIn, maxHeight }] of Object.entries(MODES)) {
  for (const [what, { line, says }] of Object.entries(COMMANDS)) {
    test(`${what} typed in the Shell${mode} leaves the layout whole, its error a few lines tall`, async ({ page }) => {
      const fired = await armCanary(page);
      await open(page);
      await typeIn(page, line);
      // The caption says what went wrong, quoting the shell.
      const caption = page.locator('#caption');
      await expect(caption).toContainText(says);
      await layoutHolds(page, caption, maxHeight);
      const shell = page.getByRole('textbox', { name: 'Shell' });
      await shell.scrollIntoViewIfNeeded();
      expect(await uncovered(shell)).toBe(true);
      expect(fired).toEqual([]);
    });
  }
}

test('an exploration link reproduces the same views in a new page', async ({ browser }) => {
  const a = await browser.newPage();
  await openBlank(a);
  await type(a, 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
  await type(a, 'insmod test_modules/test_klp_callbacks_demo.ko');
  await a.getByRole('button', { name: 'Step forward' }).click();
  await a.getByRole('button', { name: 'Step forward' }).click();
  // The engine answers each click in turn: wait for the second step and its link.
  await expect(a.getByRole('slider', { name: 'Timeline' })).toHaveValue('4');
  await expect(a).toHaveURL(/#\/x\/.*step=4|#\/z\//);
  const link = new URL(a.url()).hash;
  const want = await views(a);

  const b = await browser.newPage();
  await b.goto(`/${link}`);
  await expect(b.getByRole('slider', { name: 'Timeline' })).toHaveValue(await a.getByRole('slider', { name: 'Timeline' }).inputValue());
  await expect.poll(() => views(b)).toEqual(want);
  expect(new URL(b.url()).hash).toBe(link);
});

test('a situation no link could reopen gets no link; the address keeps the last one that could', async ({ page }) => {
  await openBlank(page);
  await type(page, 'cat /proc/cmdline');
  await expect(page).toHaveURL(/#\/x\/.*step=1/);
  const url = page.url();
  await type(page, `echo ${'x'.repeat(2100)}`); // longer than a command in a link may be
  await expect(page.getByRole('button', { name: /^Copy link: This situation cannot be shared/ })).toBeDisabled();
  expect(page.url()).toBe(url);
  // A link carries the steps after this one too; acting here drops them, and the link comes back.
  await page.getByRole('button', { name: 'Step back' }).click();
  // The step back is the engine's answer: until it shows, the terminal still shows the long line, and
  // lsmod's lines (numbered as that line's were) would not look new to type().
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue('1');
  await type(page, 'lsmod');
  await expect(page.getByRole('button', { name: 'Copy link to this step' })).toBeEnabled();
  await expect(page).toHaveURL(/#\/x\/.*lsmod;step=2/);
});

test('Back and Forward keep a step no link could hold: its history entry holds the situation', async ({ page }) => {
  await openBlank(page);
  await type(page, 'cat /proc/cmdline');
  await expect(page).toHaveURL(/#\/x\/.*step=1/);
  const long = `echo ${'y'.repeat(2100)}`;
  await type(page, long);
  await expect(page.getByRole('button', { name: /^Copy link: This situation cannot be shared/ })).toBeDisabled();
  // What the long line printed: the newest row of the terminal at step 2, absent at step 1.
  const out = page.getByRole('log', { name: 'Shell output' });
  await page.goBack();
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue('1');
  await expect(page.getByRole('button', { name: 'Copy link to this step' })).toBeEnabled();
  await expect(out).not.toContainText('y'.repeat(50));
  await page.goForward();
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue('2');
  await expect(out).toContainText('y'.repeat(50));
  await expect(page.getByRole('button', { name: /^Copy link: This situation cannot be shared/ })).toBeDisabled();
  // A reload keeps it too: the browser keeps the entry's state.
  await page.reload();
  await page.goBack();
  await page.goForward();
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue('2');
  await expect(out).toContainText('y'.repeat(50));
});

test('a short link that asks for a day of a stalled transition is refused, not run', async ({ page }) => {
  const cmds = ['insmod%20test_modules/test_klp_callbacks_busy.ko%20block_transition=Y', '@settle', 'insmod%20test_modules/test_klp_callbacks_demo.ko'];
  await page.goto(`/#/x/$${cmds[0]};${cmds[1]};$${cmds[2]};@advance=86400;step=4`);
  // The refusal comes when the replay reaches the link's budget: about two seconds of simulation, more on a loaded machine.
  await expect(page.getByRole('alert')).toContainText('the simulation would run longer than a link may ask for', { timeout: 20_000 });
  await expect(page.locator('#caption')).toContainText('First livepatch');
});
