/**
 * The CLI contract of ../shared/conformance/README.md: replay prints the
 * logged commands and the filtered log, reports a failing check on stderr
 * with a non-zero status; check ends with "N passed, M failed".
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { transcriptFiles } from '../conformance/transcripts';

const root = resolve(__dirname, '../..');
const klp = (...args: string[]) =>
  spawnSync(process.execPath, [resolve(root, 'node_modules/tsx/dist/cli.mjs'), resolve(root, 'src/cli/klp.ts'), ...args], {
    encoding: 'utf8',
    cwd: root,
  });

function transcript(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'klp-'));
  const file = join(dir, 't.transcript');
  writeFileSync(file, body);
  return file;
}

describe('klp', () => {
  it('replay prints the % lines and the filtered kernel log, and exits 0', () => {
    const file = transcript('# title: t\n% insmod test_modules/test_klp_callbacks_mod.ko\n');
    const r = klp('replay', file);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('% insmod test_modules/test_klp_callbacks_mod.ko\ntest_klp_callbacks_mod: test_klp_callbacks_mod_init\n');
  });

  it('replay says which check failed, on stderr, and exits non-zero', () => {
    const file = transcript('% insmod test_modules/test_klp_livepatch.ko\n# assert: /proc/cmdline = something else\n');
    const r = klp('replay', file);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('line 2: assert: /proc/cmdline = something else');
  });

  it('check compares and counts', () => {
    const good = transcriptFiles().slice(0, 2);
    const bad = transcript('% insmod test_modules/test_klp_callbacks_mod.ko\nsomething the kernel never says\n');
    const r = klp('check', ...good, bad);
    expect(r.stdout).toContain(`FAIL ${bad}: output line 2: expected "something the kernel never says"`);
    expect(r.stdout.trim().split('\n').pop()).toBe('2 passed, 1 failed');
    expect(r.status).toBe(1);
  });
});
