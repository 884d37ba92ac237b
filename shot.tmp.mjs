import { chromium } from 'playwright-core';
// usage: node shot.mjs out.png WxH url [fullPage]
const [out, size, url, full] = process.argv.slice(2);
const [w, h] = size.split('x').map(Number);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const c = await b.newContext({ viewport: { width: w, height: h } });
const p = await c.newPage();
p.on('pageerror', e => console.error('pageerror', e.message));
await p.goto('http://127.0.0.1:4173/' + url);
await p.waitForLoadState('networkidle');
await p.waitForTimeout(800);
await p.screenshot({ path: out, fullPage: !!full });
console.log(out, await p.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]));
await b.close();
