/**
 * The built app runs under a strict Content-Security-Policy (no inline
 * script or style, no eval, nothing remote) without a single violation, and
 * it never asks for anything outside its own origin: every scenario, talk
 * and embed modes, and the shell, all stay on the page's origin. The server
 * sends the same policy as a header, with frame-ancestors: the embed mode
 * may be framed by any page.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openBlank, settle, type } from './helpers';
import { SCENARIOS } from '../../src/scenarios/index';
import { directives, recordViolations } from './violations';

/** The page's CSP, directive → sources. */
async function policy(page: Page): Promise<{ text: string; directives: Map<string, string[]> }> {
  const metas = page.locator('meta[http-equiv="Content-Security-Policy" i]');
  await expect(metas).toHaveCount(1);
  const text = (await metas.getAttribute('content')) ?? '';
  return { text, directives: directives(text) };
}

test('the page declares a strict policy: scripts and styles only from its origin, no eval, nothing remote', async ({ page }) => {
  await page.goto('/');
  const { text, directives } = await policy(page);
  expect(text).not.toContain("'unsafe-eval'");
  expect(text).not.toContain("'wasm-unsafe-eval'");
  // The dev server's inline styles stay in the dev server.
  expect(text).not.toContain("'unsafe-inline'");
  expect(directives.get('style-src')).toEqual(["'self'"]);
  // Scripts: this origin's files only, nothing else, and no fallback to a looser default-src.
  expect(directives.get('script-src')).toEqual(["'self'"]);
  expect(directives.get('default-src')).toEqual(["'self'"]);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(directives.get('base-uri')).toEqual(["'none'"]);
  // No directive names another origin, a wildcard or a whole scheme (data: only for images).
  for (const [name, sources] of directives) {
    for (const source of sources) {
      const allowed = ["'self'", "'none'", ...(name === 'img-src' ? ['data:'] : [])];
      expect(allowed, `${name} ${source}`).toContain(source);
    }
  }
});

test('the server sends the policy as a header, with frame-ancestors, and the other security headers', async ({ page, request }) => {
  await page.goto('/');
  const meta = (await policy(page)).text;
  const headers = (await request.get('/')).headers();
  // The header is the page's policy plus what only a header can say.
  expect(headers['content-security-policy']).toBe(`${meta}; frame-ancestors * file:`);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  // It must not forbid what frame-ancestors allows.
  expect(headers['x-frame-options']).toBeUndefined();
  // The code is served with them too.
  const script = await page.locator('script[src]').first().getAttribute('src');
  expect((await request.get(`/${script}`)).headers()['x-content-type-options']).toBe('nosniff');
});

test('another site can frame the embed mode under the header policy', async ({ page, baseURL }) => {
  // The blog is a real server on another port (another origin): Chromium refuses a frame on a
  // local address in a page that Playwright makes up (page.route).
  const blog = createServer((_, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<!doctype html><title>A blog post</title><iframe title="klpscope" width="800" height="450" src="${baseURL}/#/s/first-livepatch/2?embed"></iframe>`);
  });
  await new Promise<void>((listening) => blog.listen(0, '127.0.0.1', listening));
  try {
    const { port } = blog.address() as AddressInfo;
    await page.goto(`http://localhost:${port}/`);
    const figure = page.frameLocator('iframe[title="klpscope"]');
    await expect(figure.getByRole('slider', { name: 'Timeline' })).toHaveValue('2');
    await expect(figure.locator('#caption')).toContainText('step 2 of');
  } finally {
    blog.close();
  }
});

test('the browser enforces the policy: eval, an injected inline script and inline styles are refused, and reported', async ({ page, browserErrors }) => {
  // Allowed: this test injects an inline script and styles on purpose, to see the policy refuse them.
  // (Chromium logs the refused inline script and styles; the refused eval only throws, which is caught.)
  browserErrors.allow(/^console\.error: Executing inline script violates the following Content Security Policy directive/);
  browserErrors.allow(/^console\.error: Applying inline style violates the following Content Security Policy directive/);
  const violations = await recordViolations(page);
  await page.goto('/#/s/first-livepatch/1');
  await expect(page.locator('#caption')).toContainText('step 1 of');
  const ran = await page.evaluate(async () => {
    // In a task of the page's own: code that Playwright evaluates directly may eval.
    const evaluated = await new Promise<boolean>((resolve) =>
      setTimeout(() => {
        try {
          resolve((0, eval)('true') === true);
        } catch {
          resolve(false); // EvalError: refused by script-src
        }
      }),
    );
    const s = document.createElement('script');
    s.textContent = 'window.__klpInline = true';
    document.body.append(s);
    // A style attribute set as markup would set it (Svelte's style:prop directives use the CSSOM, which is allowed).
    const caption = document.getElementById('caption')!;
    caption.setAttribute('style', 'color: rgb(255, 0, 0)');
    const style = document.createElement('style');
    style.textContent = '#caption { outline: 3px solid rgb(255, 0, 0) }';
    document.head.append(style);
    const seen = getComputedStyle(caption);
    return {
      evaluated,
      inline: (window as unknown as { __klpInline?: boolean }).__klpInline === true,
      styled: seen.color === 'rgb(255, 0, 0)' || seen.outlineColor === 'rgb(255, 0, 0)',
    };
  });
  expect(ran).toEqual({ evaluated: false, inline: false, styled: false });
  // Each is reported once by the header's policy and once by the <meta>'s, in the same words.
  await expect.poll(() => violations.length).toBe(8);
  expect(new Set(violations).size).toBe(4);
  expect(violations.join('\n')).toMatch(/^script-src blocked eval/m);
  expect(violations.join('\n')).toMatch(/^script-src-elem blocked inline/m);
  expect(violations.join('\n')).toMatch(/^style-src-attr blocked inline/m);
  expect(violations.join('\n')).toMatch(/^style-src-elem blocked inline/m);
});

const UNDER_POLICY: Record<string, { link: string; shows: (page: Page) => Promise<void> }> = {
  'a timeline scenario mid-transition': {
    link: '#/s/stalled-transition/3',
    shows: (page) => expect(page.getByRole('region', { name: 'Task migration' })).toBeVisible(),
  },
  "the workqueue story ('free-work')": {
    link: '#/s/free-work/10',
    shows: (page) => expect(page.locator('main.story .wq svg[role="img"]')).toBeVisible(),
  },
  "the 5.1 story ('api51')": {
    link: '#/s/api51/4',
    shows: (page) => expect(page.locator('main.story .api51')).toBeVisible(),
  },
  'talk mode': {
    link: '#/s/stalled-transition/5?talk',
    shows: (page) => expect(page.getByRole('region', { name: 'Last command' })).toBeVisible(),
  },
  'the statecharts, loaded lazily below the fold': {
    link: '#/s/disable-and-remove/4',
    shows: async (page) => {
      // The loaded view's region (its placeholder has the same name and no chart).
      const chart = page.getByRole('region', { name: 'Statecharts' }).locator('svg').first();
      await chart.scrollIntoViewIfNeeded();
      await expect(chart).toBeVisible();
    },
  },
};

for (const [what, { link, shows }] of Object.entries(UNDER_POLICY)) {
  test(`under the policy, ${what} opens with no violation and no console error`, async ({ page, browserErrors }) => {
    const violations = await recordViolations(page);
    await page.goto(`/${link}`);
    await expect(page.locator('#caption')).toContainText('step');
    await shows(page);
    await expect(page.getByText('Loading…')).toHaveCount(0);
    // The help dialog is a lazy chunk too.
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Help' })).toBeVisible();
    // A round trip to the page: any violation report sent before it has arrived.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    expect(violations).toEqual([]);
    expect(browserErrors.all).toEqual([]);
  });
}

/** The modes a link can open in, each an option that the links after it keep (so workbench comes first). */
const MODES = { workbench: '', talk: '?talk', embed: '?embed' } as const;

for (const [mode, option] of Object.entries(MODES)) {
  test(`in ${mode} mode, every scenario's first and last steps draw with no violation`, async ({ page, browserErrors }) => {
    test.slow();
    const violations = await recordViolations(page);
    const caption = page.locator('#caption');
    for (const s of SCENARIOS) {
      await page.goto(`/#/s/${s.id}/1${option}`);
      await expect(caption).toContainText(/step 1 of \d+/);
      const last = Number((await caption.innerText()).match(/step 1 of (\d+)/)![1]);
      await expect(page.getByText('Loading…')).toHaveCount(0);
      await page.goto(`/#/s/${s.id}/${last}${option}`);
      await expect(caption).toContainText(`step ${last} of ${last}`);
      // The views below the fold load when scrolled to.
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await expect(page.getByText('Loading…')).toHaveCount(0);
    }
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    expect(violations).toEqual([]);
    expect(browserErrors.all).toEqual([]);
  });
}

test('no request leaves the page’s origin: every scenario, talk and embed modes, and the shell', async ({ page, baseURL }) => {
  test.slow();
  const origin = new URL(baseURL!).origin;
  const urls: string[] = [];
  page.on('request', (r) => void urls.push(r.url()));

  await page.goto('/');
  await expect(page.locator('#caption')).toContainText('step 0 of');
  for (const s of SCENARIOS) {
    await page.goto(`/#/s/${s.id}/1`);
    await expect(page.locator('#caption')).toContainText(`${s.title} · step 1 of`);
    await expect(page.getByText('Loading…')).toHaveCount(0);
  }
  // The shell, the buttons, the keys, play, the theme and the help.
  await openBlank(page);
  await type(page, 'help');
  await type(page, 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
  await type(page, 'insmod test_modules/test_klp_livepatch.ko');
  await settle(page);
  await type(page, 'cat /sys/kernel/livepatch/test_klp_livepatch/transition');
  await type(page, 'echo 1 > /sys/kernel/livepatch/test_klp_livepatch/force');
  await settle(page);
  await page.getByRole('button', { name: 'Step back' }).click();
  await page.getByRole('button', { name: 'Play' }).click();
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
  await page.getByRole('button', { name: 'Keys (?)' }).click();
  await expect(page.getByRole('dialog', { name: 'Help' })).toBeVisible();
  await page.getByRole('region', { name: 'Statecharts' }).locator('svg').first().scrollIntoViewIfNeeded();
  await expect(page.getByText('Loading…')).toHaveCount(0);
  await page.keyboard.press('Escape');

  // Last: a link keeps the view options it does not mention, so talk and embed come after the rest.
  await page.goto('/#/s/atomic-replace/3?talk');
  await expect(page.getByRole('region', { name: 'Last command' })).toBeVisible();
  await page.goto('/#/s/atomic-replace/3?embed');
  await expect(page.getByRole('slider', { name: 'Timeline' })).toHaveValue('3');

  expect(urls.length).toBeGreaterThan(10);
  const outside = urls.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
  expect(outside).toEqual([]);
});
