import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
for (const theme of ['light', 'dark']) {
  const ctx = await b.newContext({ viewport: { width: 1280, height: 720 } });
  await ctx.addInitScript(() => localStorage.setItem('klpscope:intro-seen', '1'));
  const p = await ctx.newPage();
  await p.goto(`http://127.0.0.1:4180/#/x/extraTasks=500;$insmod%20test_modules/test_klp_callbacks_busy.ko%20block_transition=Y;@settle;$insmod%20test_modules/test_klp_callbacks_demo.ko;step=3;theme=${theme}`);
  await p.getByRole('slider', { name: 'Timeline' }).waitFor();
  await p.locator('input[aria-label="Timeline"][aria-valuetext^="step 3 of"]').waitFor();
  const shell = p.getByRole('textbox', { name: 'Shell' });
  await shell.fill('sleep 1d'); await shell.press('Enter');
  await p.getByText(/clock is at/).waitFor();
  await p.waitForTimeout(800);
  await p.screenshot({ path: `/tmp/busy-${theme}.png` });
  await ctx.close();
}
await b.close();
