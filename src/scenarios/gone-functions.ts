import type { Release } from '../kernel/release/releases';

/**
 * Functions mainline no longer defines, with the last release that did: the
 * register + enable API, removed by "livepatch: Simplify API by removing
 * registration step" (5.1). A step on an older kernel may name them.
 */
export const GONE_FUNCTIONS: Readonly<Record<string, { file: string; last: Release }>> = {
  klp_register_patch: { file: 'kernel/livepatch/core.c', last: '5.0' },
  klp_unregister_patch: { file: 'kernel/livepatch/core.c', last: '5.0' },
};
