import { describe, expect, it } from 'vitest';
import { CATALOG } from '../kernel/catalog';
import { catalogEntries, insmodLine, removedModules } from './modules';
import type { KernelView } from '../kernel/view/types';

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

describe('removed modules', () => {
  it('are the ones the step before had and this one has not', () => {
    const mod = (name: string) => ({ name, state: 'live', refcnt: 0, livepatch: true, params: [], patch: null, pinnedForever: false });
    const at = (...names: string[]) => ({ modules: names.map(mod) }) as unknown as KernelView;
    expect(removedModules(at('a'), at('a', 'b', 'c'))).toEqual(['b', 'c']);
    expect(removedModules(at('a', 'b'), at('a'))).toEqual([]);
    expect(removedModules(at('a'), null)).toEqual([]);
  });
});

describe('the catalogue a release builds', () => {
  it('4.19: the samples only, loaded from the tree the shell starts in; mainline: the samples by their full path', async () => {
    const { catalogOf } = await import('../kernel/catalog');
    const { kernelProfile } = await import('../kernel/release/profile');
    const old = catalogEntries(catalogOf(kernelProfile('4.19')));
    expect(old.some((e) => e.file.startsWith('test_modules/'))).toBe(false);
    expect(old.find((e) => e.name === 'livepatch_callbacks_demo')?.file).toBe('samples/livepatch/livepatch-callbacks-demo.ko');
    const now = catalogEntries(catalogOf(kernelProfile()), '/usr/src/linux');
    expect(now.find((e) => e.name === 'livepatch_sample')?.file).toBe('/usr/src/linux/samples/livepatch/livepatch-sample.ko');
    expect(now.find((e) => e.name === 'test_klp_livepatch')?.file).toBe('test_modules/test_klp_livepatch.ko');
  });
});
