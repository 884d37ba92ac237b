import { describe, expect, it } from 'vitest';
import { CATALOG } from '../kernel/catalog';
import { catalogEntries, insmodLine } from './modules';

describe('Modules view data', () => {
  const entries = catalogEntries(CATALOG);

  it('lists every catalogue module with its parameters and defaults', () => {
    expect(entries.map((e) => e.name)).toContain('livepatch_sample');
    const busy = entries.find((e) => e.name === 'test_klp_callbacks_busy')!;
    expect(busy.params).toEqual([{ name: 'block_transition', type: 'bool', mode: 0o644, default: 'N' }]);
  });

  it('builds the insmod line a user would type', () => {
    const ar = entries.find((e) => e.name === 'test_klp_atomic_replace')!;
    expect(insmodLine(ar, {})).toBe('insmod test_modules/test_klp_atomic_replace.ko');
    expect(insmodLine(ar, { replace: '1' })).toBe('insmod test_modules/test_klp_atomic_replace.ko replace=1');
  });
});
