/** The distributions whose kernel config klpscope has read (kconfig.ts), and the release each runs: plain data for links. */
import type { Release } from './releases';

export const DISTRIBUTION_RELEASE = { 'debian-12': '6.1' } as const satisfies Record<string, Release>;
export type DistributionId = keyof typeof DISTRIBUTION_RELEASE;
export const DISTRIBUTION_NAME: Record<DistributionId, string> = { 'debian-12': 'Debian 12' };
