/**
 * The selftests as older releases wrote them (../shared/conformance/versions)
 * replay byte for byte with that release's harness, read from each
 * transcript's `# kernel:` line. v4.19's (the documentation era's worked
 * examples, on the register + enable API and its sample modules) wait for
 * the kernel-version dial (issue 12).
 */
import { describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import { parseTranscript } from '../../src/kernel/selftest/transcript';
import { compare, replay, PID_LIST } from '../../src/kernel/selftest/replay';
import { readTranscript, versionFiles } from './transcripts';

for (const release of ['v5.10', 'v6.1', 'v6.4', 'v6.12']) {
  describe(`the ${release} selftests`, () => {
    const files = versionFiles(release);
    it('are there', () => expect(files.length).toBeGreaterThan(5));
    for (const file of files) {
      it(basename(file), () => {
        const t = parseTranscript(readTranscript(file));
        expect(t.kernel).toBe(release.slice(1));
        const r = replay(t);
        expect(r.failures).toEqual([]);
        expect(r.output).toEqual(t.expected.map((l) => l.replaceAll(PID_LIST, r.pidList)));
        expect(compare(t, r)).toBeNull();
      });
    }
  });
}

describe("a release's harness", () => {
  // A refused write of kernel.ftrace_enabled while a patch is loaded, without --fail.
  const text = ['# title: refused', '% insmod test_modules/test_klp_livepatch.ko', '# exec: set_ftrace_enabled 0', ''].join('\n');
  const output = (kernel?: string) => replay(parseTranscript(kernel ? `# kernel: ${kernel} (test)\n${text}` : text)).output;
  const REFUSED = 'livepatch: sysctl: setting key "kernel.ftrace_enabled": Device or resource busy';

  it("before --fail (5.10, 6.1) logs sysctl's refusal; since (6.4, mainline) a refused write without it logs nothing", () => {
    expect(output('v6.1')).toContain(REFUSED);
    expect(output('v5.10')).toContain(REFUSED);
    expect(output()).not.toContain(REFUSED);
    expect(output('v6.4')).toEqual(output());
  });
});
