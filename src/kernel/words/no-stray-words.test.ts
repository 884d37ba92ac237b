/**
 * One catalogue of the kernel's words: no file under src/ (but the catalogue
 * and the tests) prints or formats a kernel message from a string of its
 * own. Scenario claims (`log:` / `noLog:`) may stay literal: they are
 * expectations, like a transcript.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_SOURCES } from '.';
import { fragments, markupStrays, strays, svelteScripts } from './stray';

const SRC = fileURLToPath(new URL('../../', import.meta.url));
const WORDS = fileURLToPath(new URL('./', import.meta.url));
const FRAGMENTS = fragments(ALL_SOURCES.flatMap((g) => Object.values(g)));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return path + '/' === WORDS ? [] : sources(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the words catalogue is the only place kernel messages are written', () => {
  it('finds what it looks for: a writer with a string, a record made by hand, a message in a string', () => {
    const bad = [
      "k.log.writeKmsg('SKIP: oops');",
      "k.log.printk(4, text, {});",
      "const caption = `livepatch: '${p}': starting patching transition`;",
      '<p>Disabling lock debugging due to kernel taint</p>',
    ];
    expect(strays(bad[0]!, FRAGMENTS).map((s) => s.why)).toEqual(['writeKmsg() with a string: take the message from the catalogue']);
    expect(strays(bad[1]!, FRAGMENTS)).toHaveLength(1);
    expect(strays(bad[2]!, FRAGMENTS)[0]!.why).toContain('starting');
    expect(markupStrays(bad[3]!, FRAGMENTS)).toHaveLength(1);
    // …and not in comments, nor in a scenario claim
    expect(strays('// klp_enable_patch(): "enabling patch \'%s\'" is pr_notice', FRAGMENTS)).toEqual([]);
    expect(strays("{ log: `livepatch: '${P}': starting patching transition` }", FRAGMENTS, { claimsMayBeLiteral: true })).toEqual([]);
  });

  it('has no stray kernel message anywhere under src/', () => {
    const found: string[] = [];
    for (const path of sources(SRC)) {
      const text = readFileSync(path, 'utf8');
      const file = relative(SRC, path);
      const opts = { claimsMayBeLiteral: file.startsWith('scenarios/') };
      const hits = path.endsWith('.svelte')
        ? [...strays(svelteScripts(text), FRAGMENTS, opts), ...markupStrays(text, FRAGMENTS)]
        : strays(text, FRAGMENTS, opts);
      for (const h of hits) found.push(`src/${file}:${h.line}: ${h.why}`);
    }
    expect(found).toEqual([]);
  });
});
