/**
 * wc against Debian 12's GNU coreutils 9.1 on its 6.1 kernel
 * (../shared/realkernel/ask.sh, with /tmp/x holding "a b\nccc\n"); the
 * character counts with LC_ALL=C.UTF-8, the simulated shell's locale.
 */
import { describe, expect, it } from 'vitest';
import { bootKernel } from '../../boot';
import { settle } from '../../settle';
import { lookup } from '../../fs/vfs';
import { Shell } from '../shell';

function machine() {
  const k = bootKernel();
  const sh = new Shell(k);
  const run = (line: string) => {
    const r = sh.run(line);
    settle(k);
    return r;
  };
  run("echo -e 'a b\\nccc' > /tmp/x");
  const read = (path: string) => {
    const n = lookup(k, path);
    const v = n?.kind === 'file' ? n.read?.() : undefined;
    if (typeof v !== 'string') throw new Error(`cannot read ${path}`);
    return v;
  };
  return { k, run, read };
}

/** lines, words and bytes of a text, counted apart from wc's own loop (ASCII text) */
const counted = (text: string) => [(text.match(/\n/g) ?? []).length, text.split(/\s+/).filter(Boolean).length, Buffer.byteLength(text)];

describe('wc: the counts and their order', () => {
  it('prints lines, words and bytes by default; -l -w -c -m -L select, always in that order', () => {
    const m = machine();
    expect(m.run('wc /tmp/x').stdout).toBe('2 3 8 /tmp/x\n');
    expect(m.run('wc -l /tmp/x').stdout).toBe('2 /tmp/x\n');
    expect(m.run('wc -L /tmp/x').stdout).toBe('3 /tmp/x\n');
    expect(m.run('echo aaaa | wc -lc').stdout).toBe('      1       5\n');
    expect(m.run('echo aaaa | wc -cl').stdout).toBe('      1       5\n');
    expect(m.run('echo aaaa | wc -L -w').stdout).toBe('      1       4\n');
    // é is 2 bytes, 1 character, 1 column wide
    expect(m.run('echo é | wc -c -m').stdout).toBe('      2       3\n');
    expect(m.run('echo é | wc -m -c -L -w -l').stdout).toBe('      1       1       2       3       1\n');
  });

  it('takes the long names, a unique prefix of them, and options after the files (getopt_long)', () => {
    const m = machine();
    expect(m.run('wc --lines --words --bytes --chars --max-line-length /tmp/x').stdout).toBe('2 3 8 8 3 /tmp/x\n');
    expect(m.run('wc --lin /tmp/x').stdout).toBe('2 /tmp/x\n');
    expect(m.run('wc --l /tmp/x').stdout).toBe('2 /tmp/x\n');
    expect(m.run('wc /tmp/x -l').stdout).toBe('2 /tmp/x\n');
    expect(m.run('wc -- -l; echo $?')).toMatchObject({ stdout: '1\n', stderr: 'wc: -l: No such file or directory\n' });
  });

  it('counts words as runs of printable characters, a tab as up to 8 columns, wide and combining characters by their width', () => {
    const m = machine();
    expect(m.run("echo -e 'a\\tb' | wc -L").stdout).toBe('9\n');
    // "a", U+3000 IDEOGRAPHIC SPACE (a space 2 columns wide), "b"
    expect(m.run("echo 'a\u3000b' | wc -w -L -m").stdout).toBe('      2       4       4\n');
    expect(m.run("echo 'a\u00a0b' | wc -w").stdout).toBe('2\n');
    expect(m.run('echo 日本 | wc -L -m -c').stdout).toBe('      3       7       4\n');
    // e and a combining acute accent: two characters, one column
    expect(m.run("echo 'e\u0301' | wc -L -m -c").stdout).toBe('      3       4       1\n');
    expect(m.run("echo -n abc | wc").stdout).toBe('      0       1       3\n');
  });
});

describe('wc: inputs and their names', () => {
  it('reads standard input with no operand or for -, which a second - finds at its end; several inputs get a total', () => {
    const m = machine();
    expect(m.run('echo aaaa | wc').stdout).toBe('      1       1       5\n');
    expect(m.run('echo aaaa | wc -c').stdout).toBe('5\n');
    expect(m.run('echo aaaa | wc -c -').stdout).toBe('5 -\n');
    expect(m.run('echo aaaa | wc /tmp/x -').stdout).toBe('      2       3       8 /tmp/x\n      1       1       5 -\n      3       4      13 total\n');
    expect(m.run('echo hi | wc - -').stdout).toBe('      1       1       3 -\n      0       0       0 -\n      1       1       3 total\n');
  });

  it('a missing file is an error, status 1, and the others are still counted and totalled', () => {
    const m = machine();
    expect(m.run('wc /nonexistent; echo $?')).toMatchObject({ stdout: '1\n', stderr: 'wc: /nonexistent: No such file or directory\n' });
    expect(m.run('wc /nonexistent /tmp/x')).toMatchObject({
      stdout: '2 3 8 /tmp/x\n2 3 8 total\n',
      stderr: 'wc: /nonexistent: No such file or directory\n',
      status: 1,
    });
    expect(m.run("wc '' /tmp/x")).toMatchObject({ stdout: '2 3 8 /tmp/x\n2 3 8 total\n', stderr: 'wc: invalid zero-length file name\n', status: 1 });
    // a name the shell would not read as it is comes quoted, as quotef() does
    expect(m.run("wc /tmp/x 'a b'").stderr).toBe("wc: 'a b': No such file or directory\n");
  });

  it('a directory opens but does not read: the error, then its zero counts', () => {
    const m = machine();
    expect(m.run('wc /sys/kernel/livepatch')).toMatchObject({
      stdout: '      0       0       0 /sys/kernel/livepatch\n',
      stderr: 'wc: /sys/kernel/livepatch: Is a directory\n',
      status: 1,
    });
    expect(m.run('wc -c /tmp').stdout).toBe('0 /tmp\n');
  });
});

describe('wc: the column width (compute_number_width)', () => {
  it('one count of one input is not padded; else the digits of the regular files\' total size', () => {
    const m = machine();
    expect(m.run('wc /tmp/x /tmp/x').stdout).toBe(' 2  3  8 /tmp/x\n 2  3  8 /tmp/x\n 4  6 16 total\n');
    expect(m.run('wc -l /tmp/x /tmp/x').stdout).toBe(' 2 /tmp/x\n 2 /tmp/x\n 4 total\n');
  });

  it('procfs and debugfs files are 0 bytes long to stat(): no padding, however much they hold', () => {
    const m = machine();
    const version = counted(m.read('/proc/version'));
    const control = counted(m.read('/sys/kernel/debug/dynamic_debug/control'));
    expect(m.run('wc /proc/version').stdout).toBe(`${version.join(' ')} /proc/version\n`);
    expect(m.run('wc /tmp/x /sys/kernel/debug/dynamic_debug/control').stdout).toBe(
      `2 3 8 /tmp/x\n${control.join(' ')} /sys/kernel/debug/dynamic_debug/control\n${[2 + control[0]!, 3 + control[1]!, 8 + control[2]!].join(' ')} total\n`,
    );
  });

  it('sysfs attributes are PAGE_SIZE long to stat(): two of them make four digits', () => {
    const m = machine();
    m.run('insmod test_modules/test_klp_livepatch.ko');
    const enabled = '/sys/kernel/livepatch/test_klp_livepatch/enabled';
    expect(m.run(`wc ${enabled} ${enabled}`).stdout).toBe(`   1    1    2 ${enabled}\n   1    1    2 ${enabled}\n   2    2    4 total\n`);
    expect(m.run(`wc ${enabled}`).stdout).toBe(`   1    1    2 ${enabled}\n`);
    // 4096 + 8 bytes: still four digits
    expect(m.run('wc /sys/module/test_klp_livepatch/refcnt /tmp/x').stdout).toBe(
      '   1    1    2 /sys/module/test_klp_livepatch/refcnt\n   2    3    8 /tmp/x\n   3    4   10 total\n',
    );
  });

  it('a pipe, a device or a directory among the inputs makes it 7; a file given with < is sized as a file', () => {
    const m = machine();
    expect(m.run('wc /dev/null /tmp/x').stdout).toBe('      0       0       0 /dev/null\n      2       3       8 /tmp/x\n      2       3       8 total\n');
    expect(m.run('wc /tmp /tmp/x').stdout).toBe('      0       0       0 /tmp\n      2       3       8 /tmp/x\n      2       3       8 total\n');
    expect(m.run('wc < /tmp/x').stdout).toBe('2 3 8\n');
    expect(m.run('wc - < /tmp/x').stdout).toBe('2 3 8 -\n');
    expect(m.run('cat /tmp/x | wc').stdout).toBe('      2       3       8\n');
  });
});

describe("wc: bad options in getopt's words, status 1, nothing counted", () => {
  it.each([
    ['wc -x', "wc: invalid option -- 'x'"],
    ['wc -lxz /tmp/x', "wc: invalid option -- 'x'"],
    ['wc --foo', "wc: unrecognized option '--foo'"],
    ['wc --t /tmp/x', "wc: unrecognized option '--t'"],
    ['wc --lines=3 /tmp/x', "wc: option '--lines' doesn't allow an argument"],
    ['wc --files0-from', "wc: option '--files0-from' requires an argument"],
  ])('%s', (line, message) => {
    const m = machine();
    expect(m.run(line)).toEqual({ stdout: '', stderr: `${message}\nTry 'wc --help' for more information.\n`, status: 1 });
  });

  it('--help and --version print and succeed, before any file is read', () => {
    const m = machine();
    const help = m.run('wc --help /nonexistent');
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout.split('\n')[0]).toBe('Usage: wc [OPTION]... [FILE]...');
    expect(m.run('wc --version').stdout.split('\n')[0]).toBe('wc (GNU coreutils) 9.1');
  });
});

describe('wc charges what it reads to the work budget', () => {
  it('a file named twice costs its bytes twice', () => {
    const m = machine();
    m.run(`echo ${'word '.repeat(2000)} > /tmp/big`);
    const work = (line: string) => {
      const before = m.k.work;
      m.run(line);
      return m.k.work - before;
    };
    const once = work('wc /tmp/big');
    const twice = work('wc /tmp/big /tmp/big');
    expect(twice - once).toBeGreaterThanOrEqual(10_000);
  });
});
