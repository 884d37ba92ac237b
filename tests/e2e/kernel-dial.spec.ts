/**
 * The kernel-version dial: the same engine at another release, chosen in the
 * header and carried by the link. At 4.19 the register + enable API shows:
 * a disabled patch stays registered, its directory too, and enables again.
 */
import { expect, test } from './fixtures';
import { AxeBuilder } from '@axe-core/playwright';
import { kernelLog, openBlank, settle, type } from './helpers';

test('choosing 4.19 puts it in the link, in uname -r and in the boot banner; the old API behaves as 4.19 did', async ({ page }) => {
  await openBlank(page);
  await page.getByRole('combobox', { name: 'Kernel release' }).selectOption('4.19');
  await expect(page).toHaveURL(/kernel=4\.19/);
  await expect(page.getByRole('textbox', { name: 'Shell' })).toBeVisible();
  await type(page, 'uname -r');
  await expect(page.getByRole('log', { name: 'Shell output' })).toContainText('4.19.0');
  expect((await kernelLog(page))[0]).toContain('Linux version 4.19.0');

  await type(page, 'insmod samples/livepatch/livepatch-callbacks-demo.ko');
  await settle(page);
  await type(page, 'echo 0 > /sys/kernel/livepatch/livepatch_callbacks_demo/enabled');
  await settle(page);
  const stack = page.getByRole('region', { name: 'Patch stack' });
  await expect(stack).toContainText('registered, disabled');
  await expect(stack).not.toContainText('stack_order');
  // The card offers what 4.19 allows: enabling it again, a shell command like every button.
  await stack.getByRole('button', { name: 'Enable livepatch_callbacks_demo' }).click();
  await settle(page);
  await expect(page.getByRole('log', { name: 'Shell output' })).toContainText('echo 1 > /sys/kernel/livepatch/livepatch_callbacks_demo/enabled');
  await expect(stack).toContainText('enabled 1');

  // What changes at this release, with the commits.
  await page.getByRole('button', { name: 'What changes at Linux 4.19, against mainline' }).click();
  const changes = page.getByRole('dialog', { name: /What changes at Linux 4.19/ });
  await expect(changes).toContainText('klp_register_patch()');
  await expect(changes.getByRole('link', { name: '958ef1e39d24' }).first()).toBeVisible();
  for (const theme of ['light', 'dark'] as const) {
    if ((await page.locator('html').getAttribute('data-theme')) !== theme) await page.getByRole('button', { name: `Switch to ${theme} theme` }).click();
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), theme).toEqual([]);
  }

  // The link reopens the same situation on the same release.
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await expect(page.getByRole('region', { name: 'Patch stack' })).toContainText('enabled 1');
  await expect(page.getByRole('combobox', { name: 'Kernel release' })).toHaveValue('4.19');
});

test('a link naming a kernel the dial does not offer is refused in words', async ({ page }) => {
  await page.goto('/#/x/kernel=3.10');
  await expect(page.getByRole('alert')).toContainText("The kernel '3.10' is not one klpscope simulates");
});
