/**
 * The few things the page remembers between visits (the intro was seen,
 * settle after each command), in localStorage. Storage may be missing or
 * refused (a sandboxed frame, a private window): then nothing is kept.
 */
const PREFIX = 'klpscope:';

export const stored = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(PREFIX + key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string): void {
    try {
      localStorage.setItem(PREFIX + key, value);
    } catch {
      // not kept: the page works the same for this visit
    }
  },
};
