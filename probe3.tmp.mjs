import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
for (let i = 0; i < 4; i++) {
  const ctx = await b.newContext();
  await ctx.addInitScript(() => localStorage.setItem('klpscope:intro-seen', '1'));
  const p = await ctx.newPage();
  const t0 = Date.now();
  await p.goto(process.argv[2]);
  await p.locator('#caption').filter({ hasText: process.env.WANT ?? 'step 3 of' }).waitFor({ timeout: 60000 });
  console.log(i, Date.now() - t0, 'ms');
  await ctx.close();
}
await b.close();
