/**
 * The page's Content-Security-Policy and security headers, in one place for
 * the dev server, the build's <meta>, `vite preview`'s headers, static hosts'
 * `_headers` file and the single-file build (whose inline code is allowed by
 * hash only). Only this origin's own files run: no inline script, no eval,
 * nothing remote (tests/e2e/security.spec.ts).
 */

/** Where the policy is delivered, which decides what it may and must say. */
export type Delivery =
  /** `npm run dev`: Vite injects CSS as <style> elements and updates them, so inline styles are allowed. */
  | { kind: 'dev' }
  /** the built page's <meta>: `frame-ancestors` is ignored (and warned about) in a <meta>, so it is left out */
  | { kind: 'meta' }
  /** an HTTP header (vite preview, static hosts): the only place `frame-ancestors` works */
  | { kind: 'header' }
  /** one HTML file opened from anywhere, file:// included: its inline script and styles by hash, nothing else */
  | { kind: 'single'; scripts: string[]; styles: string[] };

/**
 * Who may put the page in a frame: anyone. Embed mode (`?embed`, src/app/layouts/Embed.svelte)
 * is made for iframes in other people's slides and blog posts, and the mode is in the address's
 * hash, which a server never sees, so the header cannot allow framing for embed mode only.
 * Nothing here can be clickjacked: no account, no server state, nothing sent anywhere.
 * `*` matches http(s) pages only; `file:` adds slides opened from a local file.
 */
const FRAME_ANCESTORS = ['*', 'file:'];

export function policy(d: Delivery): string {
  const self = d.kind === 'single' ? [] : ["'self'"];
  const directives: [string, string[]][] = [
    ['default-src', d.kind === 'single' ? ["'none'"] : ["'self'"]],
    ['script-src', d.kind === 'single' ? d.scripts.map(hashSource) : self],
    ['style-src', d.kind === 'dev' ? [...self, "'unsafe-inline'"] : d.kind === 'single' ? d.styles.map(hashSource) : self],
    ['img-src', [...self, 'data:']],
    ['font-src', d.kind === 'single' ? ["'none'"] : self],
    // The dev server's websocket is on this host; the built app fetches nothing but its own code.
    ['connect-src', d.kind === 'single' ? ["'none'"] : self],
    // The engine's worker: its own file, or in the single-file build a blob: made from the page.
    ['worker-src', d.kind === 'single' ? ['blob:'] : self],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  if (d.kind === 'header') directives.push(['frame-ancestors', FRAME_ANCESTORS]);
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

function hashSource(sha256Base64: string): string {
  return `'sha256-${sha256Base64}'`;
}

/**
 * The headers a server sends with the built files. No X-Frame-Options: it cannot allow
 * every origin, and frame-ancestors supersedes it in every browser that has CSP 2.
 */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': policy({ kind: 'header' }),
    'X-Content-Type-Options': 'nosniff',
    // The app's outbound links (kernel sources) need not say which step a reader was on.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), payment=()',
  };
}

/** Netlify's and Cloudflare Pages' `_headers` file: the same headers on every path. */
export function headersFile(): string {
  const lines = Object.entries(securityHeaders()).map(([k, v]) => `  ${k}: ${v}`);
  return [
    '# Written by the build from scripts/csp.ts: edit that file, not this one.',
    '/*',
    ...lines,
    '',
  ].join('\n');
}
