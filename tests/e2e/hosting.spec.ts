/**
 * dist/ can be served from any sub-path (issue 10): a page at
 * https://host/klpscope/ must load its code from /klpscope/assets/, not
 * from /assets/. The test serves the built files under /klpscope/ only.
 */
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { expect, test } from './fixtures';

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
