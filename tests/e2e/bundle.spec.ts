/**
 * The initial JS+CSS budget, on the built dist/: a size is deterministic, so
 * it may fail the build. Figures: npm run bench.
 */
import { expect, test } from './fixtures';
import { bundleFigures } from '../../bench/bundle';

test('initial JS+CSS stays within 80 KB gzip, and the statecharts load lazily', () => {
  const b = bundleFigures();
  expect(b, 'dist/ must be built before the e2e tests').not.toBeNull();
  // the entry and its stylesheet are found in index.html, however it spells their URLs
  expect(b!.initialFiles.length).toBeGreaterThanOrEqual(2);
  expect(b!.initialGzip).toBeLessThanOrEqual(80 * 1024);
  expect(b!.lazy.some((l) => l.file.startsWith('Statechart'))).toBe(true);
  expect(b!.lazy.some((l) => l.file.startsWith('TaskCanvas'))).toBe(true);
});
