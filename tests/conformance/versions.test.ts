/**
 * The selftests as older releases wrote them (../shared/conformance/versions)
 * replay byte for byte with that release's harness, read from each
 * transcript's `# kernel:` line, on that release's kernel profile. v4.19's
 * are the documentation era's worked examples (the register + enable API and
 * its sample modules); `documented/` holds the examples of the same document
 * that the oracle left out, transcribed by us the same way.
 */
import { describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import { parseTranscript } from '../../src/kernel/selftest/transcript';
import { compare, replay, PID_LIST } from '../../src/kernel/selftest/replay';
import { readTranscript, versionFiles } from './transcripts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOCUMENTED = fileURLToPath(new URL('./documented/v4.19/', import.meta.url));
const documented = readdirSync(DOCUMENTED).filter((f) => f.endsWith('.transcript')).map((f) => join(DOCUMENTED, f));

for (const release of ['v4.19', 'v5.10', 'v6.1', 'v6.4', 'v6.12']) {
  describe(`the ${release} selftests`, () => {
    const files = release === 'v4.19' ? [...versionFiles(release), ...documented] : versionFiles(release);
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

describe('the documentation era (4.15–5.0)', () => {
  const text = (kernel: string) =>
    [`# kernel: ${kernel} (test)`, '% insmod samples/livepatch/livepatch-callbacks-demo.ko pre_patch_ret=-19', ''].join('\n');

  it("shows the typed command, the kernel's lines, then insmod's own error; the document's wording of the cancel line", () => {
    const r = replay(parseTranscript(text('v4.19')));
    expect(r.output[0]).toBe('% insmod samples/livepatch/livepatch-callbacks-demo.ko pre_patch_ret=-19');
    expect(r.output).toContain("livepatch: 'livepatch_callbacks_demo': canceling transition, going to unpatch");
    expect(r.output.at(-1)).toBe('insmod: ERROR: could not insert module samples/livepatch/livepatch-callbacks-demo.ko: No such device');
    // the kernel itself printed its tree's words (klp_cancel_transition() of 4.19.71)
    expect(r.kernel.log.records.map((x) => x.text)).toContain("livepatch: 'livepatch_callbacks_demo': canceling patching transition, going to unpatch");
    // and its first livepatch module's taint notice, which the document does not show
    expect(r.kernel.log.records.some((x) => x.text.includes('tainting kernel with TAINT_LIVEPATCH'))).toBe(true);
    expect(r.output.some((l) => l.includes('tainting'))).toBe(false);
  });

  it('on a 5.10 kernel the same sample (its 5.1 API) logs the kernel tree\'s words, under the selftests\' harness', () => {
    const r = replay(parseTranscript(text('v5.10').replace('samples/', '/usr/src/linux/samples/')));
    expect(r.output).toContain("livepatch: 'livepatch_callbacks_demo': canceling patching transition, going to unpatch");
    expect(r.output.some((l) => l.startsWith('% '))).toBe(true);
  });
});
