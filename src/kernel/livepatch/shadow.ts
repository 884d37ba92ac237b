/**
 * Shadow variables (kernel/livepatch/shadow.c): data attached to an existing
 * kernel object, found by <obj, id>. Their lifetime is independent of any
 * patch: nothing frees them when a patch goes away.
 */
import type { ShadowCtor, ShadowDtor } from '../catalog/api';
import { LIVEPATCH_SHADOW as W, type Args, type Word } from '../words';

/** How the table prints (say() bound to the kernel): its messages come from the catalogue. */
export type ShadowSay = <A extends string>(w: Word<A>, args: Args<A>) => void;

export interface ShadowVar {
  obj: number;
  id: number;
  /** the address of its data */
  data: number;
  size: number;
  /** who allocated it, for the views */
  owner: string;
}

export class ShadowTable {
  readonly vars: ShadowVar[] = [];

  /** klp_shadow_get() */
  get(obj: number, id: number): number {
    return this.find(obj, id)?.data ?? 0;
  }

  /**
   * __klp_shadow_get_or_alloc(): returns the existing data (or NULL with a
   * WARN when `warnOnExist`, i.e. klp_shadow_alloc()), else allocates, runs
   * the constructor, and only then makes it visible.
   */
  getOrAlloc(
    obj: number,
    id: number,
    size: number,
    ctor: ShadowCtor | null,
    ctorData: number,
    warnOnExist: boolean,
    alloc: () => number,
    say: ShadowSay,
    owner: string,
  ): number {
    const existing = this.find(obj, id);
    if (existing) {
      if (warnOnExist) {
        say(W.duplicate, { obj: hex(obj), id });
        return 0;
      }
      return existing.data;
    }
    const data = alloc();
    if (ctor) {
      const err = ctor(obj, data, ctorData);
      if (err) {
        say(W.ctorFailed, { obj: hex(obj), id, err });
        return 0;
      }
    }
    this.vars.push({ obj, id, data, size, owner });
    return data;
  }

  /** klp_shadow_free() */
  free(obj: number, id: number, dtor: ShadowDtor | null): void {
    const v = this.find(obj, id);
    if (!v) return;
    if (dtor) dtor(v.obj, v.data);
    this.vars.splice(this.vars.indexOf(v), 1);
  }

  /**
   * klp_shadow_free_all(): walks klp_shadow_hash bucket by bucket
   * (hash_for_each()), each bucket newest first (hash_add_rcu() adds at the
   * head), so the destructors run in the hash's order, not the allocations'.
   */
  freeAll(id: number, dtor: ShadowDtor | null): void {
    const order = this.vars
      .map((v, i) => ({ v, i, b: bucket(v.obj) }))
      .filter((x) => x.v.id === id)
      .sort((a, b) => a.b - b.b || b.i - a.i);
    for (const { v } of order) {
      if (dtor) dtor(v.obj, v.data);
      this.vars.splice(this.vars.indexOf(v), 1);
    }
  }

  private find(obj: number, id: number): ShadowVar | undefined {
    return this.vars.find((v) => v.obj === obj && v.id === id);
  }
}

/** GOLDEN_RATIO_64 (include/linux/hash.h) */
const GOLDEN_RATIO_64 = 0x61c8864680b583ebn;
/** KLP_SHADOW_HASH_BITS: DEFINE_HASHTABLE(klp_shadow_hash, 12) */
const HASH_BITS = 12n;

/** hash_min(obj, 12): hash_64(), the bucket an object's shadow variables hang in */
function bucket(obj: number): number {
  return Number(((BigInt(obj) * GOLDEN_RATIO_64) & 0xffffffffffffffffn) >> (64n - HASH_BITS));
}

function hex(n: number): string {
  return n.toString(16).padStart(16, '0');
}
