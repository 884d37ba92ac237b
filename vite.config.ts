/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { securityHeaders } from './scripts/csp.js';
import { pagePolicy } from './scripts/page-plugin.js';

export default defineConfig(({ mode }) => {
  // `npm run build:single` (vite build --mode single): one HTML file with everything inside it.
  const single = mode === 'single';
  return {
    plugins: [svelte(), pagePolicy({ single })],
    // The engine's worker is an ES module; in one HTML file it is inlined (app/spawn-worker.single.ts).
    worker: { format: 'es' },
    resolve: single ? { alias: [{ find: /^(?:\.{1,2}\/)+(?:app\/)?spawn-worker$/, replacement: fileURLToPath(new URL('./src/app/spawn-worker.single.ts', import.meta.url)) }] } : {},
    // Relative asset URLs: dist/ works under any sub-path (e.g. /klpscope/ on GitHub Pages), not only at /.
    base: './',
    build: single
      ? {
          outDir: 'dist-single',
          // Lazy chunks go into the one script; assets become data: URLs.
          rolldownOptions: { output: { codeSplitting: false } },
          assetsInlineLimit: Number.MAX_SAFE_INTEGER,
          cssCodeSplit: false,
          copyPublicDir: false,
        }
      : {},
    // The built files with the headers a host should send (scripts/csp.ts), frame-ancestors included.
    preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: securityHeaders() },
    test: {
      include: ['src/**/*.test.ts', 'tests/**/*.test.ts', 'scripts/**/*.test.ts'],
      exclude: ['tests/e2e/**', 'node_modules/**'],
      environment: 'node',
      testTimeout: 60_000,
    },
  };
});
