import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const ctx = await b.newContext();
await ctx.addInitScript(() => { localStorage.setItem('klpscope:intro-seen', '1'); addEventListener('popstate', () => console.log('popstate', location.hash)); addEventListener('hashchange', () => console.log('hashchange', location.hash)); });
const p = await ctx.newPage();
p.on('console', m => console.log('console:', m.text().slice(0, 150)));
await p.goto(process.argv[2]);
for (let i = 0; i < 5; i++) { await p.waitForTimeout(400); console.log(i, (await p.getByRole('alert').allInnerTexts()).join('|').slice(0,200)); }
await b.close();
