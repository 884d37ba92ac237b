import { describe, expect, it } from 'vitest';
import { decodeView, encodeView } from './protocol';
import { Timeline, DEFAULT_SETUP } from './timeline';
import { Shell } from '../kernel/shell/shell';

describe('a view sent as a change to the last one', () => {
  it('carries only the tasks that changed, and is the whole view again at the page', () => {
    const t = new Timeline({ ...DEFAULT_SETUP, config: { extraTasks: 500 } }, (k) => new Shell(k));
    t.command('insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
    t.command('insmod test_modules/test_klp_callbacks_demo.ko');
    const last = structuredClone(t.view());
    t.settle(); // every task that can switches; the kworker in busymod_work_func cannot
    const v = t.view();
    const sent = structuredClone(encodeView(v, last));
    expect(Array.isArray(sent.tasks)).toBe(false);
    if (Array.isArray(sent.tasks)) return;
    // a few tasks switch or move; the 500 sleepers do not
    expect(sent.tasks.length).toBe(v.tasks.length);
    const got = decodeView(sent, last);
    expect(got).toEqual(v);
    const unchanged = got.tasks.filter((x, i) => x === last.tasks[i]).length;
    expect(unchanged + sent.tasks.set.length).toBe(v.tasks.length);
  });

  it('is whole when most tasks changed, when the page has no view, and for a shorter list', () => {
    const t = new Timeline(DEFAULT_SETUP, (k) => new Shell(k));
    const v = t.view();
    expect(encodeView(v, null)).toBe(v);
    const changedAll = { ...v, tasks: v.tasks.map((x) => ({ ...x, cpu: x.cpu + 1 })) };
    expect(encodeView(changedAll, v)).toBe(changedAll);
    const shorter = { ...v, tasks: v.tasks.slice(0, -3) };
    const sent = encodeView(shorter, v);
    expect(Array.isArray(sent.tasks) ? null : sent.tasks.set).toEqual([]);
    expect(decodeView(sent, v)).toEqual(shorter);
    expect(() => decodeView(sent, null)).toThrow(/does not have/);
  });
});
