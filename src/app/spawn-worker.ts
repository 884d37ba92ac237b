/**
 * Starts the session's worker from its own file (the ordinary build). The
 * single-file build (vite --mode single) replaces this module with
 * spawn-worker.single.ts, whose worker is inside the page.
 */
export const spawnWorker = (): Worker => new Worker(new URL('../session/worker.ts', import.meta.url), { type: 'module', name: 'klpscope engine' });
