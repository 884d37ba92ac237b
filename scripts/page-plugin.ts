/**
 * The Vite plugin that writes the page's policy (scripts/csp.ts) into it:
 * the dev server's looser one, the build's strict <meta> and a `_headers`
 * file for static hosts; with `--mode single`, one self-contained HTML file
 * (scripts/single-file.ts) whose policy lists its inline code by hash.
 */
import type { Plugin } from 'vite';
import { headersFile, policy, type Delivery } from './csp.js';
import { inlineBundle } from './single-file.js';

/** The single-file build's page, named for what it is when passed around on its own. */
export const SINGLE_FILE = 'klpscope.html';

function meta(content: string): string {
  return `<meta http-equiv="Content-Security-Policy" content="${content}" />`;
}

export function pagePolicy(options: { single: boolean }): Plugin {
  let serving = false;
  return {
    name: 'klpscope-page-policy',
    enforce: 'post',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    transformIndexHtml: {
      order: 'post',
      // Right after the charset, before anything it governs: a policy covers only the elements after it.
      handler(html) {
        const charset = '<meta charset="UTF-8" />';
        if (!html.includes(charset)) throw new Error(`index.html: no ${charset} to put the policy after`);
        return html.replace(charset, `${charset}\n    ${meta(policy({ kind: serving ? 'dev' : 'meta' }))}`);
      },
    },
    generateBundle: {
      // After Vite's own: they write index.html and fill in the chunks' import markers.
      order: 'post',
      handler(_, bundle) {
        if (!options.single) {
          this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile() });
          return;
        }
        const page = bundle['index.html'];
        if (page?.type !== 'asset') throw new Error('single file: the build wrote no index.html');
        const read = (file: string) => {
          const f = bundle[file];
          return f?.type === 'chunk' ? f.code : typeof f?.source === 'string' ? f.source : undefined;
        };
        const single = inlineBundle(String(page.source), read);
        const strict: Delivery = { kind: 'single', scripts: single.scripts, styles: single.styles };
        const html = single.html.replace(meta(policy({ kind: 'meta' })), meta(policy(strict)));
        if (html === single.html) throw new Error('single file: the page has no policy to replace');
        for (const file of [...single.inlined, 'index.html']) delete bundle[file];
        const left = Object.keys(bundle);
        if (left.length) throw new Error(`single file: ${left.join(', ')} would be separate files`);
        this.emitFile({ type: 'asset', fileName: SINGLE_FILE, source: html });
      },
    },
  };
}
