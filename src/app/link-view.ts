/**
 * The small part of links the page needs at once: the view options every
 * link may carry, and the link of a narrated scenario at a step (a built-in
 * one by its name, a user's own by its file, compressed). The rest
 * (explorations, decoding untrusted links) is in links.ts, loaded on demand.
 */
import type { Release } from '../kernel/release/releases';

export interface ViewOptions {
  /** steps per second while playing, 0.25…32 (absent: the app's default) */
  speed?: number;
  /** absent: follow the system */
  theme?: 'light' | 'dark';
  /** presentation mode */
  talk: boolean;
  /** embedded in another page */
  embed: boolean;
  /** the same situation on another release, side by side (Compare.svelte) */
  compare?: Release;
}

export const SPEED_LIMITS = [0.25, 32] as const;

export const clampSpeed = (n: number) => Math.min(SPEED_LIMITS[1], Math.max(SPEED_LIMITS[0], n));

export function viewItems(o: Partial<ViewOptions>): string[] {
  const out: string[] = [];
  if (o.speed !== undefined && Number.isFinite(o.speed)) out.push(`speed=${clampSpeed(o.speed)}`);
  if (o.theme) out.push(`theme=${o.theme}`);
  if (o.talk) out.push('talk');
  if (o.embed) out.push('embed');
  if (o.compare) out.push(`compare=${o.compare}`);
  return out;
}

/** The hash for a narrated scenario at a step. */
export function scenarioHash(id: string, step: number, options: Partial<ViewOptions> = {}): string {
  const q = viewItems(options);
  return `#/s/${id}/${step}${q.length ? `?${q.join('&')}` : ''}`;
}

/** The hash for a user's own scenario at a step: `shared` is its file, compressed (links.ts, encodeAuthored). */
export function authoredHash(shared: string, step: number, options: Partial<ViewOptions> = {}): string {
  const q = viewItems(options);
  return `#/u/${shared}/${step}${q.length ? `?${q.join('&')}` : ''}`;
}

/** The hash of a scenario at a step, whichever it is. */
export function storyHash(s: { id: string; shared?: string }, step: number, options: Partial<ViewOptions> = {}): string {
  return s.shared ? authoredHash(s.shared, step, options) : scenarioHash(s.id, step, options);
}
