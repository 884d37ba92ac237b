/**
 * The session's Web Worker: all engine work happens here, off the page's
 * thread, so no link, key or typed line can freeze the page. Requests are
 * handled one at a time, in order (each runs to its end before the next message); progress is posted while one works.
 */
/// <reference lib="webworker" />
import { Session } from './session';
import type { Request } from './protocol';
import { playBoth } from '../stories/api51/engine';

const post = (m: unknown): void => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);
const session = new Session((progress) => post({ progress }));

/** a second session, beside the page's own: the same situation on another release (app/Compare.svelte) */
let beside: Session | null = null;

self.onmessage = (e: MessageEvent<{ id: number; req: Request; pane?: 1 } | { id: number; story: 'api51' }>) => {
  // A story played on engines of its own (stories/api51/play.ts starts a worker for it): its answer, and nothing else.
  if ('story' in e.data) return post({ id: e.data.id, played: playBoth() });
  const { id, req, pane } = e.data;
  const reply = (pane ? (beside ??= new Session(() => {})) : session).handle(req);
  try {
    post({ id, reply });
  } catch (e) {
    // A reply that cannot be copied to the page is a bug; the page hears of it rather than waiting for ever.
    post({ id, reply: { ok: false, error: `the session's reply could not be sent (${e instanceof Error ? e.message : String(e)})`, limit: false } });
  }
};
