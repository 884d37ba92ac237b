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

test('the "Before and after 5.1" story is two engines, 4.19 and 5.10, played in the page\'s engine worker', async ({ page }) => {
  const workers: string[] = [];
  const scripts: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  page.on('request', (r) => scripts.push(r.url()));
  await page.goto('/#/s/api51/3');
  const table = page.getByRole('table', { name: /Step 3 of 7: echo 1 > .*, on both kernels/ });
  await expect(table).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Linux 4.19 (before 5.1)' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Linux 5.10 (since 5.1)' })).toBeVisible();
  // what each kernel did with the same echo 1: 4.19 enables the registered patch again, 5.10 refuses
  const shell = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Command/ }) });
  await expect(shell.getByRole('cell').nth(0)).toContainText('succeeds');
  await expect(shell.getByRole('cell').nth(1)).toContainText('write error: Invalid argument');
  // the functions that ran are the engine's function graph
  const calls = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Functions called/ }) });
  await expect(calls.getByRole('cell').nth(0)).toContainText('try_module_get()');
  // played by the session's one worker: the page loads no engine code of its own
  expect(workers).toHaveLength(1);
  expect(scripts.filter((u) => /\/assets\/(engine|fork|session)-[^/]*\.js$/.test(u))).toEqual([]);
  // the header's dial sets the page's kernel, which a story does not use: it says so instead
  await expect(page.getByText('Kernels: 4.19 and 5.10, the story’s own')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Kernel release' })).toHaveCount(0);
});

test("6.1 (Debian 12) runs 6.1 with Debian's kernel config: its link says so, rmmod -f works, What changes? names the config", async ({ page }) => {
  await openBlank(page);
  await page.getByRole('combobox', { name: 'Kernel release' }).selectOption('debian-12');
  await expect(page).toHaveURL(/distro=debian-12/);
  await expect(page.getByRole('textbox', { name: 'Shell' })).toBeVisible();
  await type(page, 'uname -r');
  await expect(page.getByRole('log', { name: 'Shell output' })).toContainText('6.1.0');
  await type(page, 'insmod test_modules/test_klp_livepatch.ko');
  await settle(page);
  await type(page, 'rmmod -f test_klp_livepatch');
  await settle(page);
  await type(page, 'cat /proc/sys/kernel/tainted');
  // R (TAINT_FORCED_RMMOD, 8) on top of O, E and K: the forced removal went through
  await expect(page.getByRole('log', { name: 'Shell output' })).toContainText('45064');
  await page.getByRole('button', { name: 'What changes at Linux 6.1 (Debian 12), against mainline' }).click();
  const changes = page.getByRole('dialog', { name: /What changes at Linux 6.1 \(Debian 12\)/ });
  await expect(changes).toContainText('CONFIG_MODULE_FORCE_UNLOAD=y');
  await expect(changes).toContainText("Debian 12's config");
  // what the sources did not settle is said, not guessed
  await expect(changes.getByRole('heading', { name: 'Not settled by the sources read' })).toBeVisible();
  await expect(changes).toContainText('test_klp_syscall.ko');
});

test('side by side: the same scenario replayed on another release, in a second session of the same worker', async ({ page }) => {
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto('/#/s/first-livepatch/2?compare=5.10');
  const panel = page.getByRole('complementary', { name: 'Side by side: Linux 5.10' });
  await expect(panel).toBeVisible();
  // 5.10 has the selftests' modules: the same insmod patches, in transition like the page's
  await expect(panel.getByRole('region', { name: 'Patches' })).toContainText('test_klp_livepatch: enabled, in transition');
  await expect(panel.getByRole('region', { name: 'Livepatch modules' })).toContainText('test_klp_livepatch refcnt 1');
  // 4.19's tree has no test_modules: the same command fails there, and the panel shows it
  await panel.getByRole('combobox', { name: 'Kernel release side by side' }).selectOption('4.19');
  await expect(page).toHaveURL(/compare=4\.19/);
  await expect(page.getByRole('complementary', { name: 'Side by side: Linux 4.19' }).getByRole('region', { name: 'Shell, so far' })).toContainText(
    'insmod: ERROR: could not load module test_modules/test_klp_livepatch.ko: No such file or directory',
  );
  await expect(page.getByRole('complementary', { name: 'Side by side: Linux 4.19' }).getByRole('region', { name: 'Patches' })).toContainText('≠');
  // a step later, the panel follows
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.getByRole('complementary', { name: /Side by side/ })).toContainText('up to step 3');
  // (a step among the same commands moves the second session, which sends its steps and views as changes)
  await expect(page.getByRole('complementary', { name: /Side by side/ }).getByRole('region', { name: 'Shell, so far' })).toContainText('No such file or directory');
  await page.getByRole('button', { name: 'Step back' }).click();
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(page.getByRole('complementary', { name: /Side by side/ })).toContainText('up to step 1');
  await expect(page.getByRole('complementary', { name: /Side by side/ }).getByRole('region', { name: 'Shell, so far' })).toContainText('# cat /proc/cmdline');
  // closing it takes it out of the link
  await page.getByRole('button', { name: 'Close the side-by-side panel' }).click();
  await expect(page.getByRole('complementary', { name: /Side by side/ })).toHaveCount(0);
  await expect(page).not.toHaveURL(/compare=/);
  expect(workers).toHaveLength(1);
});
