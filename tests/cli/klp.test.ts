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
const klp = (...args: string[]) => klpWith('', ...args);
const klpWith = (input: string, ...args: string[]) =>
  spawnSync(process.execPath, [resolve(root, 'node_modules/tsx/dist/cli.mjs'), resolve(root, 'src/cli/klp.ts'), ...args], {
    encoding: 'utf8',
    cwd: root,
    input,
  });

/** What `klp sh` printed, without its prompts. */
const shOutput = (stdout: string) => stdout.split(/root@klpscope:[^#]*# /).join('');

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

  it("check runs a transcript with its release's harness, or the one --kernel names", () => {
    const body = '# title: t\n% insmod test_modules/test_klp_livepatch.ko\n# exec: set_ftrace_enabled 0\n' + [
      "livepatch: enabling patch 'test_klp_livepatch'",
      "livepatch: 'test_klp_livepatch': initializing patching transition",
      "livepatch: 'test_klp_livepatch': starting patching transition",
      "livepatch: 'test_klp_livepatch': completing patching transition",
      "livepatch: 'test_klp_livepatch': patching complete",
      'livepatch: sysctl: setting key "kernel.ftrace_enabled": Device or resource busy',
    ].join('\n');
    const old = transcript(`# kernel: v6.1 (test)\n${body}`);
    expect(klp('check', old).stdout).toBe('1 passed, 0 failed\n');
    expect(klp('check', '--kernel', '6.4', old).stdout).toMatch(/^FAIL .*\n0 passed, 1 failed\n$/);
    expect(klp('check', '--kernel', '5.10', transcript(body)).stdout).toBe('1 passed, 0 failed\n');
    const bad = klp('check', '--kernel', 'latest', old);
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('klp: --kernel: latest: not a release like 6.1')]);
  });

  it('runs the documentation era: a 4.19 transcript on the register + enable API, and a 4.19 shell', () => {
    const body = [
      '# kernel: v4.19 (test)',
      '% insmod samples/livepatch/livepatch-callbacks-mod.ko',
      'livepatch_callbacks_mod: livepatch_callbacks_mod_init',
      '% rmmod samples/livepatch/livepatch-callbacks-mod.ko',
      'livepatch_callbacks_mod: livepatch_callbacks_mod_exit',
      '',
    ].join('\n');
    expect(klp('check', transcript(body)).stdout).toBe('1 passed, 0 failed\n');
    const sh = shOutput(klpWith('uname -r\ninsmod samples/livepatch/livepatch-sample.ko\necho 0 > /sys/kernel/livepatch/livepatch_sample/enabled\nls /sys/kernel/livepatch\n', 'sh', '--kernel', '4.19').stdout);
    expect(sh.endsWith('4.19.0\nlivepatch_sample\n')).toBe(true);
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

describe('klp sh', () => {
  const LP = '/sys/kernel/livepatch/test_klp_livepatch';

  it('exit N ends klp sh with status N, after bash\'s "exit"', () => {
    const r = klpWith('exit 7\necho never\n', 'sh');
    expect(r.status).toBe(7);
    expect(r.stderr).toContain('exit\n');
    expect(r.stdout).not.toContain('never');
  });

  it('settles after every line by default: a transition is over before the next prompt', () => {
    const r = klpWith(`insmod test_modules/test_klp_livepatch.ko\ncat ${LP}/transition\n`, 'sh');
    expect(r.status).toBe(0);
    expect(shOutput(r.stdout)).toContain('\n0\n');
  });

  it('--no-settle leaves a transition in flight, and .step, .settle, .advance and .pending move it on', () => {
    const lines = [
      'insmod test_modules/test_klp_livepatch.ko',
      `cat ${LP}/transition`,
      '.pending',
      '.settle',
      `cat ${LP}/transition`,
      `echo 0 > ${LP}/enabled`,
      `cat ${LP}/enabled ${LP}/transition`,
      '.step',
      '.advance 2',
      'ls /sys/kernel/livepatch',
      '.step',
      '.step x',
      '.nonsense',
    ];
    const out = shOutput(klpWith(lines.join('\n') + '\n', 'sh', '--no-settle').stdout);
    const after = (marker: string) => out.slice(out.indexOf(marker));
    // Patching: the first try leaves the idle tasks of CPUs 1-3, the retry waits a second.
    expect(out).toMatch(/^klpscope: .*\n1\n/);
    expect(out).toContain('1.000000 klp-retry klp_transition_work_fn\n');
    expect(after('1.000000 klp-retry')).toMatch(/\* 1\.000000 klp_transition_work_fn\n\[    1\.000000\] livepatch: 'test_klp_livepatch': patching complete\n0\n/);
    // Unpatching, in flight: enabled 0, transition 1, until the words move it on.
    expect(out).toContain('patching complete\n0\n0\n1\n* ');
    expect(out).toContain("livepatch: 'test_klp_livepatch': unpatching complete\n");
    expect(out).toContain('klp_free_patch_work_fn: test_klp_livepatch\n');
    expect(out).toMatch(/\* now 3\.0000\d\d\n\* nothing is queued\n/);
    expect(out).toContain('klp sh: .step: x: not a positive number of events\n');
    expect(out).toContain('klp sh: .nonsense: unknown word (.step, .settle, .advance, .pending, .help)\n');
  });

  it("a background job's output shows when a pacing word lets its sleep end; Done after the next line", () => {
    const r = klpWith('{ sleep 2; echo from-the-job; } &\n.advance 3\ntrue\n', 'sh', '--no-settle');
    const out = shOutput(r.stdout);
    expect(out).toMatch(/\* 2\.000000 hrtimer_wakeup: sleep:\d+\n\* now 3\.000000\nfrom-the-job\n$/);
    expect(r.stderr).toMatch(/^\[1\] \d+\n\[1\]\+  Done {20}\{ sleep 2; echo from-the-job; \}\n$/);
  });

  it('a line past its work budget stops, is undone, and .finish runs it to its end', () => {
    const lines = [
      'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y',
      'insmod test_modules/test_klp_callbacks_demo.ko',
      'sleep 3600', // an hour of retries against a task that never switches
      '.pending',
      '.finish',
      '.pending',
    ];
    const r = klpWith(lines.join('\n') + '\n', 'sh', '--budget', '5000000');
    expect(r.status).toBe(0);
    const secs = Number(r.stderr.match(/klp sh: stopped after (\d+) simulated seconds: .* Nothing it did is kept; \.finish runs it to its end\./)?.[1]);
    expect(secs).toBeGreaterThan(0);
    expect(secs).toBeLessThan(3600);
    // Undone: the retry is still due a second after boot; after .finish, an hour later.
    const retries = [...shOutput(r.stdout).matchAll(/^(\d+)\.\d+ klp-retry klp_transition_work_fn/gm)].map((m) => Number(m[1]));
    expect(retries).toEqual([1, 3601]);
    expect(klp('sh', '--budget', 'lots').status).toBe(2);
  });

  it('klp sh --help names the option and the words', () => {
    const r = klp('sh', '--help');
    expect(r.status).toBe(0);
    for (const w of ['--no-settle', '.step [N]', '.settle', '.advance SECONDS', '.pending']) expect(r.stdout).toContain(w);
    expect(klp('sh', '--bogus').status).toBe(2);
  });
});
