/**
 * For an effect: `fn` once `ready` resolves, unless the effect has run again
 * or gone by then (return what this returns).
 */
export function unlessGone(ready: Promise<unknown>, fn: () => void): () => void {
  let live = true;
  void ready.then(() => {
    if (live) fn();
  });
  return () => {
    live = false;
  };
}
