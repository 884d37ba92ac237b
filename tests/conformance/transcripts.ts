/**
 * Where the kernel selftest transcripts are: ../shared/conformance when this
 * checkout sits next to it, else the vendored copy.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shared = process.env.KLP_CONFORMANCE_DIR ?? resolve(root, '../shared/conformance');
export const TRANSCRIPT_DIR = existsSync(shared) ? shared : join(root, 'tests/conformance/transcripts');

export function transcriptFiles(): string[] {
  return readdirSync(TRANSCRIPT_DIR)
    .filter((f) => f.endsWith('.transcript'))
    .sort()
    .map((f) => join(TRANSCRIPT_DIR, f));
}

export function readTranscript(file: string): string {
  return readFileSync(file, 'utf8');
}

/** The transcripts of one older release (`v6.1`, …), as that release's selftests wrote them. */
export function versionFiles(release: string): string[] {
  const dir = join(TRANSCRIPT_DIR, 'versions', release);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.transcript'))
        .sort()
        .map((f) => join(dir, f))
    : [];
}
