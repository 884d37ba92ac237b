/**
 * samples/livepatch/livepatch-shadow-mod.c: the buggy module of the shadow
 * variable demo. Every second alloc_work_func() allocates a dummy, and
 * dummy_alloc() also allocates an int it forgets (the leak); every three
 * seconds cleanup_work_func() frees the dummies that expired (twelve seconds
 * after their allocation). dummy_alloc(), dummy_free() and dummy_check() are
 * noinline and called through ftrace: what the fixes patch.
 */
import type { ModuleApi } from './api';
import type { ModuleSpec } from './types';
import { secsToJiffies, timeAfter } from '../world/jiffies';
import { SHADOW_MOD_SAMPLE as W } from '../words';
import { ALLOC_PERIOD, CLEANUP_PERIOD, expiresLine, newDummy } from './shadow-sample';

/** dummy_list, newest first (list_add() adds at the head) */
function dummyList(m: ModuleApi): number[] {
  return ((m.data.dummy_list as number[] | undefined) ??= []);
}

function alloc_work_func(m: ModuleApi): void {
  const d = m.call('dummy_alloc');
  if (!d) return;
  dummyList(m).unshift(d);
  m.schedule_delayed_work('alloc_work_func', secsToJiffies(ALLOC_PERIOD), alloc_work_func);
}

function cleanup_work_func(m: ModuleApi): void {
  const j = m.jiffies();
  m.say(W.cleanup, { jiffies: j });
  const list = dummyList(m);
  // list_for_each_entry_safe(): each expired dummy is kicked out and freed
  for (const d of [...list]) {
    if (m.call('dummy_check', d, j)) {
      list.splice(list.indexOf(d), 1);
      m.call('dummy_free', d);
    }
  }
  m.schedule_delayed_work('cleanup_work_func', secsToJiffies(CLEANUP_PERIOD), cleanup_work_func);
}

export const livepatch_shadow_mod: ModuleSpec = {
  name: 'livepatch_shadow_mod',
  file: 'samples/livepatch/livepatch-shadow-mod.ko',
  description: 'Buggy module for shadow variable demo',
  source: 'samples/livepatch/livepatch-shadow-mod.c (mainline, with secs_to_jiffies())',
  // added by "livepatch: introduce shadow variable API" (439e7271dc2b, 4.13); the code is mainline's
  since: '4.13',
  size: 16384,
  livepatch: false,
  functions: {
    dummy_alloc: (m) => {
      const d = newDummy(m);
      m.kzalloc(); // Oops, forgot to save leak!
      expiresLine(m, W.alloc, d);
      return d;
    },
    dummy_free: (m, { args: [d = 0] }) => {
      m.say(W.free, { d: m.p(d), expired: m.peek(d) });
      m.kfree(d);
    },
    dummy_check: (m, { args: [d = 0, j = 0] }) => (timeAfter(j, m.peek(d)) ? 1 : 0),
    alloc_work_func: () => undefined,
    cleanup_work_func: () => undefined,
  },
  init: (m) => {
    m.schedule_delayed_work('alloc_work_func', secsToJiffies(ALLOC_PERIOD), alloc_work_func);
    m.schedule_delayed_work('cleanup_work_func', secsToJiffies(CLEANUP_PERIOD), cleanup_work_func);
    return 0;
  },
  exit: (m) => {
    // Wait for any dummies at work
    m.cancel_delayed_work_sync('alloc_work_func');
    m.cancel_delayed_work_sync('cleanup_work_func');
    // Cleanup residual dummies
    const list = dummyList(m);
    for (const d of [...list]) {
      list.splice(list.indexOf(d), 1);
      m.call('dummy_free', d);
    }
  },
};
