/** The story's two kernels, played once per page (a worker's answer kept for every later step). */
import { usePlayed } from './model';
import { playInWorker } from './play';

let playing: Promise<void> | null = null;

export function played(): Promise<void> {
  playing ??= playInWorker().then(usePlayed);
  // A failure is said once; the next opening tries again.
  playing.catch(() => (playing = null));
  return playing;
}
