/**
 * test_klp_shadow_vars: exercises the shadow variable API from its init and
 * prints every call. Pointers print as PTR<n>, numbered in order of first
 * appearance (ptr_id()), PTR0 being NULL, so the output is reproducible.
 */
import type { ModuleApi, ShadowCtor, ShadowDtor } from './api';
import type { ModuleSpec } from './types';
import { EINVAL, ENOMEM } from '../world/errno';
import { TEST_KLP_SHADOW_VARS as W } from '../words';

const NUM_OBJS = 3;
const SV_ID1 = 0x1234;
const SV_ID2 = 0x1235;
const PTR_SIZE = 8;

function init(m: ModuleApi): number {
  const ids = new Map<number, number>();
  const ptr_id = (p: number): number => {
    if (!ids.has(p)) ids.set(p, ids.size);
    return ids.get(p)!;
  };
  const shadowCtorAddr = m.address('text');
  const shadowDtorAddr = m.address('text');

  // shadow_ctor(): remember simple pointer data
  const shadow_ctor: ShadowCtor = (_obj, sv, ctorData) => {
    if (!ctorData) return -EINVAL;
    m.poke(sv, m.peek(ctorData));
    m.say(W.ctor, { sv: ptr_id(sv), var: ptr_id(m.peek(ctorData)) });
    return 0;
  };
  const shadow_dtor: ShadowDtor = (obj, sv) => m.say(W.dtor, { obj: ptr_id(obj), sv: ptr_id(sv) });
  const fnAddr = (f: ShadowCtor | ShadowDtor | null) =>
    f === shadow_ctor ? shadowCtorAddr : f === shadow_dtor ? shadowDtorAddr : 0;

  const shadow_get = (obj: number, id: number) => {
    const sv = m.shadow.get(obj, id);
    m.say(W.get, { obj: ptr_id(obj), id, sv: ptr_id(sv) });
    return sv;
  };
  const allocLine = (w: typeof W.alloc | typeof W.getOrAlloc, obj: number, id: number, ctor: ShadowCtor, var_: number, sv: number) =>
    m.say(w, {
      obj: ptr_id(obj),
      id,
      size: PTR_SIZE,
      gfp_flags: 'GFP_KERNEL',
      ctor: ptr_id(fnAddr(ctor)),
      ctor_data: ptr_id(m.peek(var_)),
      sv: ptr_id(sv),
    });
  const shadow_alloc = (obj: number, id: number, ctor: ShadowCtor, var_: number) => {
    const sv = m.shadow.alloc(obj, id, PTR_SIZE, ctor, var_);
    allocLine(W.alloc, obj, id, ctor, var_, sv);
    return sv;
  };
  const shadow_get_or_alloc = (obj: number, id: number, ctor: ShadowCtor, var_: number) => {
    const sv = m.shadow.getOrAlloc(obj, id, PTR_SIZE, ctor, var_);
    allocLine(W.getOrAlloc, obj, id, ctor, var_, sv);
    return sv;
  };
  const shadow_free = (obj: number, id: number, dtor: ShadowDtor) => {
    m.shadow.free(obj, id, dtor);
    m.say(W.free, { obj: ptr_id(obj), id, dtor: ptr_id(fnAddr(dtor)) });
  };
  const shadow_free_all = (id: number, dtor: ShadowDtor | null) => {
    m.shadow.freeAll(id, dtor);
    m.say(W.freeAll, { id, dtor: ptr_id(fnAddr(dtor)) });
  };
  const expected = (sv: number) => m.say(W.expected, { sv: ptr_id(sv), var: ptr_id(m.peek(sv)) });

  // Locals on init's stack: the objects, their char/int fields, and pointers to those.
  const stack = (n: number) => Array.from({ length: n }, () => m.address('stack'));
  const objs = stack(NUM_OBJS);
  const nfields1 = stack(NUM_OBJS);
  const pnfields1 = stack(NUM_OBJS);
  const pndup = stack(NUM_OBJS);
  const nfields2 = stack(NUM_OBJS);
  const pnfields2 = stack(NUM_OBJS);
  const sv1: number[] = [];
  const sv2: number[] = [];
  const fail = (ret: number) => {
    shadow_free_all(SV_ID1, null);
    shadow_free_all(SV_ID2, null);
    return ret;
  };

  ptr_id(0);
  // With an empty shadow variable hash table, expect not to find any matches.
  if (!shadow_get(objs[0]!, SV_ID1)) m.say(W.expectedNull);

  // pass 1: init & alloc a char+int pair of svars for each objs
  for (let i = 0; i < NUM_OBJS; i++) {
    m.poke(pnfields1[i]!, nfields1[i]!);
    ptr_id(m.peek(pnfields1[i]!));
    sv1[i] =
      i % 2
        ? shadow_alloc(objs[i]!, SV_ID1, shadow_ctor, pnfields1[i]!)
        : shadow_get_or_alloc(objs[i]!, SV_ID1, shadow_ctor, pnfields1[i]!);
    if (!sv1[i]) return fail(-ENOMEM);
    m.poke(pnfields2[i]!, nfields2[i]!);
    ptr_id(m.peek(pnfields2[i]!));
    sv2[i] = shadow_alloc(objs[i]!, SV_ID2, shadow_ctor, pnfields2[i]!);
    if (!sv2[i]) return fail(-ENOMEM);
  }
  // pass 2: verify we find allocated svars and where they point to
  for (let i = 0; i < NUM_OBJS; i++) {
    let sv = shadow_get(objs[i]!, SV_ID1);
    if (!sv) return fail(-EINVAL);
    if (sv === sv1[i] && m.peek(sv1[i]!) === m.peek(pnfields1[i]!)) expected(sv1[i]!);
    sv = shadow_get(objs[i]!, SV_ID2);
    if (!sv) return fail(-EINVAL);
    if (sv === sv2[i] && m.peek(sv2[i]!) === m.peek(pnfields2[i]!)) expected(sv2[i]!);
  }
  // pass 3: verify that 'get_or_alloc' returns already allocated svars
  for (let i = 0; i < NUM_OBJS; i++) {
    m.poke(pndup[i]!, nfields1[i]!);
    ptr_id(m.peek(pndup[i]!));
    const sv = shadow_get_or_alloc(objs[i]!, SV_ID1, shadow_ctor, pndup[i]!);
    if (!sv) return fail(-EINVAL);
    if (sv === sv1[i] && m.peek(sv1[i]!) === m.peek(pnfields1[i]!)) expected(sv1[i]!);
  }
  // pass 4: free <objs[*], SV_ID1> pairs of svars, verify removal
  for (let i = 0; i < NUM_OBJS; i++) {
    shadow_free(objs[i]!, SV_ID1, shadow_dtor);
    if (!shadow_get(objs[i]!, SV_ID1)) m.say(W.expectedNull);
  }
  // pass 5: check we still find <objs[*], SV_ID2> svar pairs
  for (let i = 0; i < NUM_OBJS; i++) {
    const sv = shadow_get(objs[i]!, SV_ID2);
    if (!sv) return fail(-EINVAL);
    if (sv === sv2[i] && m.peek(sv2[i]!) === m.peek(pnfields2[i]!)) expected(sv2[i]!);
  }
  // pass 6: free all the <objs[*], SV_ID2> svar pairs too.
  shadow_free_all(SV_ID2, null);
  for (let i = 0; i < NUM_OBJS; i++) {
    if (!shadow_get(objs[i]!, SV_ID2)) m.say(W.expectedNull);
  }
  return 0;
}

export const test_klp_shadow_vars: ModuleSpec = {
  name: 'test_klp_shadow_vars',
  file: 'test_modules/test_klp_shadow_vars.ko',
  description: 'Livepatch test: shadow variables',
  source: 'tools/testing/selftests/livepatch/test_modules/test_klp_shadow_vars.c, torvalds/linux@91908587bc0e',
  size: 12288,
  livepatch: false,
  init,
  exit: () => {},
};
