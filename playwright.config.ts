import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium: Playwright cannot download its own browser here.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// E2E_PORT: another port for the preview server, so two checkouts can test at once.
const PORT = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: './tests/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // The longest tests (typing a whole transcript) take up to ~16 s on a loaded 2-core machine:
  // twice Playwright's default leaves room for a slower CI host without hiding a hang.
  timeout: 60_000,
  reporter: [['list']],
  outputDir: 'test-results',
  // Screenshot baselines (baselines.spec.ts): one PNG per picture, named by the test, small tolerance.
  snapshotPathTemplate: '{testDir}/baselines/{arg}{ext}',
  // The engine answers from a worker: the first boot of a situation can take several seconds on a
  // loaded 2-core machine, so a check waits up to 10 s (twice the default) before it fails.
  expect: { timeout: 10_000, toHaveScreenshot: { maxDiffPixelRatio: 0.005, animations: 'disabled', caret: 'hide', scale: 'css' } },
  // A trace records the page at every action and doubles what a test costs on this machine: off unless
  // asked for (E2E_TRACE=1 npm run test:e2e keeps one for each failing test, to open with `npx playwright show-trace`).
  use: { baseURL: `http://127.0.0.1:${PORT}`, trace: process.env.E2E_TRACE ? 'retain-on-failure' : 'off' },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: CHROMIUM,
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
        },
      },
    },
  ],
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
  },
});
