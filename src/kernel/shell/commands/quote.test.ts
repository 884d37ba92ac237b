/**
 * quotef() as Debian 12's coreutils 9.1 names files in its errors
 * (`wc -- NAME` in C.UTF-8: "wc: NAME: No such file or directory").
 */
import { describe, expect, it } from 'vitest';
import { quotef } from './quote';

describe('quotef', () => {
  it.each([
    // what a shell reads as it is stays bare
    ['a,b%+@-_.', 'a,b%+@-_.'],
    ['a#', 'a#'],
    ['x~', 'x~'],
    ['a{', 'a{'],
    ['a}', 'a}'],
    ['a]b', 'a]b'],
    ['-x', '-x'],
    ['é', 'é'],
    // shell syntax, `:`, a leading # or ~, a lone brace: single quotes
    ['a b', "'a b'"],
    ['a:b', "'a:b'"],
    ['a$b', "'a$b'"],
    ['a=b', "'a=b'"],
    ['a*b', "'a*b'"],
    ['a!b', "'a!b'"],
    ['a^b', "'a^b'"],
    ['a?b', "'a?b'"],
    ['a&b', "'a&b'"],
    ['a|b', "'a|b'"],
    ['a;b', "'a;b'"],
    ['a<b', "'a<b'"],
    ['a(b', "'a(b'"],
    ['a`b', "'a`b'"],
    ['a"b', "'a\"b'"],
    ['a\\b', "'a\\b'"],
    ['a b"c', "'a b\"c'"],
    ['#a', "'#a'"],
    ['~x', "'~x'"],
    ['{', "'{'"],
    ['}', "'}'"],
    ['[', "'['"],
    ['"', "'\"'"],
    ['', "''"],
    // a single quote alone: double quotes; with what double quotes would change: '\''
    ["it's", '"it\'s"'],
    ["a b'c", '"a b\'c"'],
    ["'", '"\'"'],
    ["a'$b", "'a'\\''$b'"],
    ["a'!b", "'a'\\''!b'"],
    // unprintable characters: $'...' between the quoted pieces
    ['a\nb', "'a'$'\\n''b'"],
    ['a\tb', "'a'$'\\t''b'"],
    ["a'\nb", "'a'\\'''$'\\n''b'"],
    ['\x7f', "''$'\\177'"],
  ])('%j is %s', (name, quoted) => {
    expect(quotef(name)).toBe(quoted);
  });
});
