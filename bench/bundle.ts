/**
 * Bundle sizes of the built app (dist/): the JS and CSS the page loads
 * initially (its entry script, stylesheets and modulepreloads), and each
 * lazy chunk, gzip -9.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleFigures {
  initialGzip: number;
  initialFiles: string[];
  lazy: { file: string; gzip: number }[];
}

const gz = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length;

export function bundleFigures(dist = 'dist'): BundleFigures | null {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return null;
  const html = readFileSync(index, 'utf8');
  const initialFiles = [...html.matchAll(/(?:src|href)="(?:\.?\/)?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const initial = new Set(initialFiles);
  const assets = readdirSync(join(dist, 'assets')).filter((f) => /\.(js|css)$/.test(f));
  return {
    initialGzip: initialFiles.reduce((sum, f) => sum + gz(join(dist, f)), 0),
    initialFiles,
    lazy: assets
      .filter((f) => !initial.has(`assets/${f}`))
      .map((f) => ({ file: f, gzip: gz(join(dist, 'assets', f)) }))
      .sort((a, b) => b.gzip - a.gzip),
  };
}
