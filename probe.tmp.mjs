import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const p = await b.newPage();
p.on('console', m => console.log('console:', m.text()));
p.on('pageerror', e => console.log('pageerror:', e.message));
await p.goto(process.argv[2]);
for (let i = 0; i < 6; i++) { await p.waitForTimeout(1000); console.log(i, (await p.getByRole('alert').allInnerTexts()).join('|').slice(0,200)); }
await b.close();
