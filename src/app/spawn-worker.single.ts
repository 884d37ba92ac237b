/**
 * The single-file build's worker: bundled into the page as a blob: URL, as
 * there is no other file to load it from (the policy allows worker-src blob:).
 */
import EngineWorker from '../session/worker.ts?worker&inline';

export const spawnWorker = (): Worker => new EngineWorker({ name: 'klpscope engine' });
