/**
 * The e2e tests' `test` and `expect`: every test fails if any page it opened
 * (the `page` fixture's, or one made with browser.newPage()) logged a console
 * error, threw an uncaught exception or left a promise rejection unhandled.
 * A test that provokes an error on purpose says so with
 * `browserErrors.allow(/pattern/)`, with a comment saying why.
 */
import { test as base, expect, type BrowserContext, type ConsoleMessage, type WebError } from '@playwright/test';

export { expect };

export interface BrowserErrors {
  /** Errors whose text matches `pattern` are expected by this test and do not fail it. */
  allow(pattern: RegExp): void;
  /** The errors recorded so far, allowed or not. */
  readonly all: readonly string[];
}

/** Where a console message came from: the page and, if known, the script line. */
function origin(msg: ConsoleMessage): string {
  const page = msg.page()?.url() ?? '(no page)';
  const { url, lineNumber } = msg.location();
  return url ? `${page} at ${url}:${lineNumber}` : page;
}

export const test = base.extend<{ browserErrors: BrowserErrors }>({
  // A first visit opens on the intro; the tests are not first visits unless they make their own context.
  context: async ({ context }, use) => {
    await context.addInitScript(() => {
      try {
        localStorage.setItem('klpscope:intro-seen', '1');
      } catch {
        // about:blank and other opaque origins have no storage
      }
    });
    await use(context);
  },
  browserErrors: [
    async ({ browser }, use) => {
      const errors: string[] = [];
      const allowed: RegExp[] = [];
      const watched = new Set<BrowserContext>();
      const watch = (context: BrowserContext) => {
        if (watched.has(context)) return;
        watched.add(context);
        context.on('console', (msg: ConsoleMessage) => {
          if (msg.type() === 'error') errors.push(`console.error: ${msg.text()} (${origin(msg)})`);
        });
        // Uncaught exceptions and, in Chromium, unhandled promise rejections ("Uncaught (in promise)").
        context.on('weberror', (e: WebError) => {
          const err = e.error();
          errors.push(`uncaught: ${err.stack ?? err.message} (${e.page()?.url() ?? '(no page)'})`);
        });
      };
      // Every context the test creates: the `context` fixture's and each browser.newPage()'s.
      browser.on('context', watch);
      await use({
        allow: (pattern) => void allowed.push(pattern),
        get all() {
          return errors;
        },
      });
      browser.off('context', watch);
      const unexpected = errors.filter((e) => !allowed.some((p) => p.test(e)));
      // A page the test made with browser.newPage() is not closed by Playwright: it would live on in this
      // worker's browser, its engine still running, beside every later test (the `page` fixture's context
      // is closed by then; closing it again does nothing).
      await Promise.all([...watched].map((c) => c.close().catch(() => undefined)));
      if (unexpected.length > 0) {
        throw new Error(`The browser reported ${unexpected.length} error(s):\n${unexpected.map((e) => `  - ${e}`).join('\n')}`);
      }
    },
    { auto: true },
  ],
});
