/** Words on a picture that must fit a place. */

/**
 * Shortens a name in the middle, keeping both ends: kernel names differ at
 * their ends (test_klp_callbacks_demo vs test_klp_callbacks_demo2), so
 * cutting the end would make two of them look alike.
 */
export function middle(name: string, max: number): string {
  if (name.length <= max) return name;
  if (max <= 1) return '…'.slice(0, max);
  const tail = Math.floor((max - 1) / 2);
  const head = max - 1 - tail;
  return `${name.slice(0, head)}…${name.slice(name.length - tail)}`;
}

/**
 * A whole count as English writes it (12,345). Not Intl: the page's first
 * use of Intl (or toLocaleString) loads ICU's data, over 100 ms on the
 * page's thread.
 */
export function count(n: number): string {
  const digits = String(Math.trunc(Math.abs(n)));
  return (n < 0 ? '-' : '') + digits.replace(/\B(?=(\d{3})+$)/g, ',');
}
