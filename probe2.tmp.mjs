import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
for (let i = 0; i < 8; i++) {
  const ctx = await b.newContext();
  await ctx.addInitScript(() => localStorage.setItem('klpscope:intro-seen', '1'));
  const p = await ctx.newPage();
  const cdp = await ctx.newCDPSession(p); await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(process.env.RATE ?? 1) });
  p.on('pageerror', e => console.log('pageerror:', e.message));
  p.on('console', m => console.log('console:', m.text()));
  await p.goto(process.argv[2]);
  await p.waitForTimeout(2500);
  console.log(i, p.url(), (await p.locator('#caption').innerText().catch(()=>'-')).slice(0,60).replace(/\n/g,' '));
  await ctx.close();
}
await b.close();
