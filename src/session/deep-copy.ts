/**
 * A structural copy of an object graph: every object reachable is copied
 * once (shared references stay shared, cycles stay cycles), with its
 * prototype, so a copied class instance keeps its methods. What is not
 * copied:
 *  - functions: the engine keeps no closures in its state (an event is a
 *    module-level function and its arguments, world/events.ts), so a
 *    function is code, the same for every copy;
 *  - XState snapshots: immutable (a transition makes a new one) and their
 *    contexts hold only names and numbers;
 *  - frozen objects, and whatever `shared` lists (the module catalogue):
 *    data no one writes.
 * Anything else it cannot copy faithfully (a WeakMap, a Promise, a typed
 * array) is an error: state there would silently stay behind.
 */
import { isMachineSnapshot } from 'xstate';

export class UncopyableState extends Error {}

export function deepCopy<T>(root: T, shared: WeakSet<object> = new WeakSet()): T {
  const copies = new Map<object, unknown>();

  const copy = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const done = copies.get(v);
    if (done !== undefined) return done;
    if (shared.has(v) || Object.isFrozen(v) || isMachineSnapshot(v)) return v;
    if (Array.isArray(v)) {
      const out: unknown[] = new Array(v.length);
      copies.set(v, out);
      for (let i = 0; i < v.length; i++) out[i] = copy(v[i]);
      return out;
    }
    if (v instanceof Map) {
      const out = new Map();
      copies.set(v, out);
      for (const [key, value] of v) out.set(copy(key), copy(value));
      return out;
    }
    if (v instanceof Set) {
      const out = new Set();
      copies.set(v, out);
      for (const x of v) out.add(copy(x));
      return out;
    }
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto !== Object.prototype && proto !== null && Object.prototype.toString.call(v) !== '[object Object]')
      throw new UncopyableState(`cannot copy a ${Object.prototype.toString.call(v)} (${proto.constructor?.name ?? '?'})`);
    const out = Object.create(proto) as Record<string, unknown>;
    copies.set(v, out);
    for (const key of Object.keys(v)) out[key] = copy((v as Record<string, unknown>)[key]);
    return out;
  };

  return copy(root) as T;
}

/** Every object reachable from `roots` (functions' own properties aside), for `shared`. */
export function reachable(roots: readonly unknown[], into: WeakSet<object> = new WeakSet()): WeakSet<object> {
  const stack = [...roots];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || into.has(v)) continue;
    into.add(v);
    if (v instanceof Map) for (const [key, value] of v) stack.push(key, value);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    else for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
  }
  return into;
}
