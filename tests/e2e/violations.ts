/** The Content-Security-Policy violations a page reports, for the tests of its policy. */
import type { Page } from '@playwright/test';

/** Every CSP violation the page reports, from the first script on, across navigations. */
export async function recordViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction('__klpCspViolation', (v: string) => void seen.push(v));
  await page.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) => {
        const report = (window as unknown as { __klpCspViolation: (v: string) => void }).__klpCspViolation;
        void report(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}: ${e.sample}`);
      },
      true,
    );
  });
  return seen;
}

/** A page's CSP <meta>, directive → sources. */
export function directives(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of text.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}
