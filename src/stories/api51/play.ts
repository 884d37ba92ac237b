/**
 * Plays the story on its two kernels off the page's thread: a worker of its
 * own (the session's worker script, which knows the story) boots a 4.19 and
 * a 5.10, types the commands, answers once and is let go. Where no worker
 * starts (a page opened from file://), the page plays it itself.
 */
import { spawnWorker } from '../../app/spawn-worker';
import type { Played } from './model';

const inThePage = (): Promise<Played> => import('./engine').then((m) => m.playBoth());

export function playInWorker(): Promise<Played> {
  if (typeof Worker === 'undefined') return inThePage();
  return new Promise((resolve, reject) => {
    let w: Worker;
    try {
      w = spawnWorker();
    } catch {
      return void inThePage().then(resolve, reject);
    }
    w.onmessage = (e: MessageEvent<{ played?: Played }>) => {
      if (!e.data.played) return;
      w.terminate();
      resolve(e.data.played);
    };
    w.onerror = (e) => {
      e.preventDefault();
      w.terminate();
      inThePage().then(resolve, reject);
    };
    w.postMessage({ id: 0, story: 'api51' });
  });
}
