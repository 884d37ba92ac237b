/**
 * The app is hosted anywhere (issue 10): dist/ served from any sub-path (a
 * page at https://host/klpscope/ must load its code from /klpscope/assets/,
 * not from /assets/; the test serves the built files under /klpscope/ only),
 * and `npm run build:single` is one file that works opened from file://.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from './fixtures';
import { directives, recordViolations } from './violations';

const DIST = join(process.cwd(), 'dist');
const TYPES: Record<string, string> = { js: 'text/javascript', css: 'text/css', html: 'text/html', txt: 'text/plain', svg: 'image/svg+xml' };

test('the built app works served under a sub-path', async ({ page }) => {
  const outside: string[] = [];
  await page.route('http://sub.test/**', async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (!path.startsWith('/klpscope/')) {
      outside.push(path);
      return route.fulfill({ status: 404, body: 'not here' });
    }
    const rel = normalize(path.slice('/klpscope/'.length) || 'index.html');
    const body = await readFile(join(DIST, rel)).catch(() => null);
    if (!body) return route.fulfill({ status: 404, body: 'missing' });
    return route.fulfill({ status: 200, body, contentType: TYPES[rel.split('.').pop()!] ?? 'application/octet-stream' });
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto('http://sub.test/klpscope/#/s/stalled-transition/3');
  await expect(page.locator('#caption')).toContainText('A stalled transition · step 3 of');
  // lazily loaded code comes from the sub-path too (the statecharts are the last chunk to arrive)
  await expect(page.getByText('Loading…')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByRole('region', { name: 'Statecharts' }).locator('svg').first()).toBeAttached();
  expect(outside).toEqual([]);
  expect(errors).toEqual([]);
});

test('npm run build:single writes one file that works from file://, its code allowed by hash only', async ({ page }) => {
  test.slow();
  const out = mkdtempSync(join(tmpdir(), 'klpscope-single-'));
  try {
    execFileSync('npm', ['run', '--silent', 'build:single', '--', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'pipe' });
    expect(readdirSync(out)).toEqual(['klpscope.html']);
    const file = pathToFileURL(join(out, 'klpscope.html')).href;

    const requests: string[] = [];
    page.on('request', (r) => void requests.push(r.url()));
    const violations = await recordViolations(page);
    await page.goto(`${file}#/s/first-livepatch/1`);
    await expect(page.locator('#caption')).toContainText('First livepatch · step 1 of');

    // Its policy: the inline script and styles by hash, nothing from anywhere, not even its own folder.
    const csp = directives((await page.locator('meta[http-equiv="Content-Security-Policy" i]').getAttribute('content')) ?? '');
    expect(csp.get('script-src')).toEqual([expect.stringMatching(/^'sha256-[A-Za-z0-9+/]{43}='$/)]);
    expect(csp.get('style-src')).toEqual([expect.stringMatching(/^'sha256-[A-Za-z0-9+/]{43}='$/)]);
    expect(csp.get('default-src')).toEqual(["'none'"]);

    // A step plays: the engine and the scenario, lazy chunks in the served build, are in the file.
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.locator('#caption')).toContainText('First livepatch · step 2 of');
    await expect(page.getByRole('log', { name: 'Kernel log' })).toContainText("livepatch: enabling patch 'test_klp_livepatch'");
    // The views below the fold and the help, lazy too.
    await page.getByRole('region', { name: 'Statecharts' }).locator('svg').first().scrollIntoViewIfNeeded();
    await expect(page.getByText('Loading…')).toHaveCount(0);
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Help' })).toBeVisible();

    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    expect(violations).toEqual([]);
    // The engine's worker starts from a blob: the page made from its own script: no file, no network.
    expect(requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && u !== `${file}#/s/first-livepatch/1` && u !== file)).toEqual([]);
    expect(requests.filter((u) => u.startsWith('blob:'))).toHaveLength(1);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
