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
    expect(sent.tasks.kind).toBe('change');
    if (sent.tasks.kind !== 'change') return;
    // a few tasks switch or move; the 500 sleepers do not
    expect(sent.tasks.length).toBe(v.tasks.length);
    expect(sent.tasks.at.length).toBeLessThan(50);
    const got = decodeView(sent, last);
    expect(got).toStrictEqual(v);
    const unchanged = got.tasks.filter((x, i) => x === last.tasks[i]).length;
    expect(unchanged + sent.tasks.at.length).toBe(v.tasks.length);
  });

  it('is whole when most tasks changed, when the page has no view, and for a shorter list', () => {
    const t = new Timeline(DEFAULT_SETUP, (k) => new Shell(k));
    const v = t.view();
    expect(encodeView(v, null).tasks.kind).toBe('whole');
    expect(decodeView(structuredClone(encodeView(v, null)), null)).toStrictEqual(v);
    const changedAll = { ...v, tasks: v.tasks.map((x) => ({ ...x, cpu: x.cpu + 1 })) };
    expect(encodeView(changedAll, v).tasks.kind).toBe('whole');
    expect(decodeView(encodeView(changedAll, v), v)).toStrictEqual(changedAll);
    const shorter = { ...v, tasks: v.tasks.slice(0, -3) };
    const sent = encodeView(shorter, v);
    expect(sent.tasks.kind === 'change' && sent.tasks.at).toEqual([]);
    expect(decodeView(sent, v)).toStrictEqual(shorter);
    expect(() => decodeView(sent, null)).toThrow(/does not have/);
  });

  it('sends tasks as columns that give back every field, a task sleeping for good included, and share stacks', () => {
    const t = new Timeline({ ...DEFAULT_SETUP, config: { extraTasks: 200 } }, (k) => new Shell(k));
    t.command('insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
    const v = t.view();
    // a task with every field that is rarely set, set
    const odd = { ...v.tasks[3]!, sleepsForever: 'wait_for_completion', oldCode: 'cmdline_proc_show', blocker: 'sleeping' as const, blockedBy: 'f' };
    const view = { ...v, tasks: [...v.tasks.slice(0, 3), odd, ...v.tasks.slice(4)] };
    const sent = structuredClone(encodeView(view, null));
    if (sent.tasks.kind !== 'whole') throw new Error('not whole');
    expect(sent.tasks.cols.words.stack.values.length).toBeLessThan(view.tasks.length / 5);
    const got = decodeView(sent, null);
    expect(got).toStrictEqual(view);
    const same = view.tasks.findIndex((x, i) => i > 4 && x.stack.join() === view.tasks[4]!.stack.join());
    expect(got.tasks[same]!.stack).toBe(got.tasks[4]!.stack);
  });
});
