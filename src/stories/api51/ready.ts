/**
 * The story's two kernels, played once per page: the page's engine host (its
 * session worker, or the page itself where no worker starts) plays them when
 * the story opens, and every step reads that one answer.
 */
import type { EngineHost } from '../../app/engine-host';
import { usePlayed } from './model';

let host: Pick<EngineHost, 'story'> | null = null;
let playing: Promise<void> | null = null;

/** Called as the story opens: who plays it, and the play starts. */
export function prepare(h: Pick<EngineHost, 'story'>): void {
  host = h;
  void played().catch(() => {});
}

export function played(): Promise<void> {
  playing ??= (host ? host.story() : import('./engine').then((m) => m.playBoth())).then(usePlayed);
  // A failure is said once; the next opening tries again.
  playing.catch(() => (playing = null));
  return playing;
}
