/**
 * Where the page's engine runs: in a Web Worker (../session/worker.ts), or,
 * where a worker cannot start (a page opened from file://, a browser that
 * refuses it), in the page itself, with the same Session and messages.
 * `stop()` ends a request that takes too long: the worker is terminated and
 * a fresh one started; the page then reopens what it showed before.
 */
import type { Progress, Reply, Request } from '../session/protocol';
import type { Played } from '../stories/api51/model';
import { spawnWorker } from './spawn-worker';

export interface EngineHost {
  /** `pane` 1: a second session beside the page's own (the same situation on another release) */
  request(req: Request, pane?: 1): Promise<Reply>;
  /** The "Before and after 5.1" story played on its two kernels (a 4.19 and a 5.10), beside the session. */
  story(): Promise<Played>;
  /** Ends the work under way; pending requests reject with Stopped. Returns false if it cannot (in the page). */
  stop(): boolean;
  onProgress: ((p: Progress) => void) | null;
}

export class Stopped extends Error {
  constructor() {
    super('stopped');
  }
}

/** A request (to a pane), or (null) the story's play. */
type Pending = { req: Request | null; pane?: 1; resolve: (r: unknown) => void; reject: (e: Error) => void };

class WorkerHost implements EngineHost {
  onProgress: ((p: Progress) => void) | null = null;
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** has this worker ever answered? If it fails before that, it could not start. */
  private answered = false;

  constructor(private readonly fallback: () => EngineHost) {
    this.worker = this.spawn();
  }

  request(req: Request, pane?: 1): Promise<Reply> {
    return this.send(req, pane);
  }

  story(): Promise<Played> {
    return this.send(null);
  }

  private send<T>(req: Request | null, pane?: 1): Promise<T> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { req, pane, resolve: resolve as (r: unknown) => void, reject });
      this.worker.postMessage(req ? { id, req, pane } : { id, story: 'api51' });
    });
  }

  stop(): boolean {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Stopped());
    this.pending.clear();
    this.worker = this.spawn();
    return true;
  }

  private spawn(): Worker {
    const w = spawnWorker();
    w.onmessage = (e: MessageEvent<{ id?: number; reply?: Reply; played?: Played; progress?: Progress }>) => {
      const { id, reply, played, progress } = e.data;
      if (progress) return this.onProgress?.(progress);
      this.answered = true;
      const p = this.pending.get(id!);
      this.pending.delete(id!);
      p?.resolve(reply ?? played);
    };
    w.onerror = (e) => {
      e.preventDefault();
      if (this.answered) {
        // The engine died (out of memory, say): what waited on it fails, and a fresh engine takes the next request.
        for (const p of this.pending.values()) p.reject(new Error(`the engine stopped: ${e.message}`));
        this.pending.clear();
        this.worker.terminate();
        this.worker = this.spawn();
        return;
      }
      // The worker could not start: the same requests, in order, go to an engine in the page.
      const host = this.fallback();
      host.onProgress = this.onProgress;
      this.request = (req, pane) => host.request(req, pane);
      this.story = () => host.story();
      this.stop = () => host.stop();
      const waiting = [...this.pending.values()];
      this.pending.clear();
      w.terminate();
      for (const p of waiting) (p.req ? host.request(p.req, p.pane) : host.story()).then(p.resolve, p.reject);
    };
    return w;
  }
}

/** The engine in the page's own thread: what tests in Node use, and the fallback. */
export class LocalHost implements EngineHost {
  onProgress: ((p: Progress) => void) | null = null;
  private readonly sessions: Promise<import('../session/session').Session>[] = [];

  async request(req: Request, pane: 0 | 1 = 0): Promise<Reply> {
    this.sessions[pane] ??= import('../session/session').then((m) => new m.Session((p) => this.onProgress?.(p)));
    return (await this.sessions[pane]).handle(req);
  }

  story(): Promise<Played> {
    return import('../stories/api51/engine').then((m) => m.playBoth());
  }

  stop(): boolean {
    return false;
  }
}

/** A worker where the browser has them, else the page's own thread. */
export function startHost(): EngineHost {
  if (typeof Worker === 'undefined') return new LocalHost();
  try {
    return new WorkerHost(() => new LocalHost());
  } catch {
    return new LocalHost();
  }
}
