import { describe, expect, it } from 'vitest';
import { ViewCache } from './view-cache';
import type { KernelView } from '../kernel/view/types';

const view = (tasks: number) => ({ tasks: Array.from({ length: tasks }, () => ({})) }) as unknown as KernelView;

describe('ViewCache', () => {
  it('keeps views within its budget of task rows, dropping the least recently used first', () => {
    const c = new ViewCache(300);
    for (let n = 0; n < 5; n++) c.set(n, view(100), n);
    expect(c.size).toBe(3);
    expect(c.get(0)).toBeNull();
    expect(c.get(4)).not.toBeNull();
    c.get(2); // used again: 3 is now the oldest apart from the current pair
    c.set(5, view(100), 5);
    expect(c.get(2)).not.toBeNull();
    expect(c.get(3)).toBeNull();
  });

  it('never drops the current step or the one before it, whatever the budget', () => {
    const c = new ViewCache(10);
    c.set(7, view(100), 8);
    c.set(8, view(100), 8);
    expect(c.get(7)).not.toBeNull();
    expect(c.get(8)).not.toBeNull();
  });

  it('drops the future when the user acts in the past', () => {
    const c = new ViewCache(1000);
    for (let n = 0; n < 4; n++) c.set(n, view(1), n);
    c.dropAfter(1);
    expect([0, 1, 2, 3].map((n) => c.get(n) !== null)).toEqual([true, true, false, false]);
  });
});
