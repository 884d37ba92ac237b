import { describe, it, expect } from 'vitest';
import {
  parse,
  ShellSyntaxError,
  type AndOr,
  type CommandList,
  type Redirect,
  type CommandNode,
  type GroupCommand,
  type SimpleCommand,
  type Word,
  type WordPart,
} from './parse';

// ---- AST builders that keep the expectations short ------------------------

const lit = (text: string, quoted = false): WordPart => ({ kind: 'literal', text, quoted });
const param = (name: string, quoted = false): WordPart => ({ kind: 'param', name, quoted });
const len = (name: string, quoted = false): WordPart => ({ kind: 'length', name, quoted });
const sub = (list: CommandList, quoted = false): WordPart => ({ kind: 'command', list, quoted });
/** A word; with no parts given it is one unquoted literal equal to raw. */
const w = (raw: string, ...parts: WordPart[]): Word => ({ parts: parts.length ? parts : [lit(raw)], raw });
const toWord = (x: string | Word): Word => (typeof x === 'string' ? w(x) : x);

const cmd = (
  words: (string | Word)[],
  redirects: Redirect[] = [],
  assignments: SimpleCommand['assignments'] = [],
): SimpleCommand => ({ assignments, words: words.map(toWord), redirects });
const group = (subshell: boolean, body: CommandList, redirects: Redirect[] = []): GroupCommand => ({ subshell, body, redirects });
const item = (commands: CommandNode[], background = false, rest: AndOr['rest'] = []): AndOr => ({
  first: { commands },
  rest,
  background,
});
const list = (...items: AndOr[]): CommandList => ({ items });
/** The common case: one simple command, in the foreground. */
const one = (...args: Parameters<typeof cmd>): CommandList => list(item([cmd(...args)]));
const to = (target: string | Word | number, op: Redirect['op'] = '>', fd = op === '<' ? 0 : 1): Redirect => ({
  fd,
  op,
  target: typeof target === 'number' ? target : toWord(target),
});

const errorOf = (input: string): string => {
  try {
    parse(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ShellSyntaxError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(input)} to fail`);
};

// ---- cases -------------------------------------------------------------------

const cases: [string, string, CommandList][] = [
  ['empty input', '', list()],
  ['whitespace only', '  \t \n\n ', list()],
  ['comment only', '# nothing here', list()],
  ['trailing comment', 'echo a # b c', one(['echo', 'a'])],
  ['# inside a word is literal', 'echo a#b', one(['echo', 'a#b'])],
  ['comment ends at newline', 'echo a # x\necho b', list(item([cmd(['echo', 'a'])]), item([cmd(['echo', 'b'])]))],
  ['plain words', 'insmod test_modules/test_klp_syscall.ko klp_pids=1,2,3',
    one(['insmod', 'test_modules/test_klp_syscall.ko', 'klp_pids=1,2,3'])],

  // redirections
  ['> to a sysfs file', 'echo 0 > /sys/kernel/livepatch/p/enabled',
    one(['echo', '0'], [to('/sys/kernel/livepatch/p/enabled')])],
  ['> without spaces', 'echo hi >/dev/kmsg', one(['echo', 'hi'], [to('/dev/kmsg')])],
  ['>>', 'echo x >> log', one(['echo', 'x'], [to('log', '>>')])],
  ['<', 'cat < in', one(['cat'], [to('in', '<')])],
  ['2>', 'ls 2>/dev/null', one(['ls'], [to('/dev/null', '>', 2)])],
  ['2>&1', 'make 2>&1', one(['make'], [to(1, '>&', 2)])],
  ['>&2', 'echo err >&2', one(['echo', 'err'], [to(2, '>&', 1)])],
  ['>& file means &>', 'cmd >& out', one(['cmd'], [to('out', '&>')])],
  ['&>', 'cmd &> out', one(['cmd'], [to('out', '&>')])],
  ['&> without space', 'cmd &>out', one(['cmd'], [to('out', '&>')])],
  ['>| is >', 'echo a >| f', one(['echo', 'a'], [to('f')])],
  ['fd must touch the operator', 'echo 2 > f', one(['echo', '2'], [to('f')])],
  ['letters before > are a word', 'echo a2>f', one(['echo', 'a2'], [to('f')])],
  ['redirect target after >& is not an fd prefix', 'cmd 2>&1>f', one(['cmd'], [to(1, '>&', 2), to('f')])],
  ['quoted redirect target', 'echo x > "my file"', one(['echo', 'x'], [to(w('"my file"', lit('my file', true)))])],
  ['redirect target with expansion', 'echo x > $F', one(['echo', 'x'], [to(w('$F', param('F')))])],
  ['redirect before the command', '>f echo', one(['echo'], [to('f')])],
  ['several redirects', 'cmd <in >out 2>>err', one(['cmd'], [to('in', '<'), to('out'), to('err', '>>', 2)])],
  ['>&- keeps the word', 'cmd >&-', one(['cmd'], [to('-', '>&')])],
  ['2>&word keeps the word', 'cmd 2>&$FD', one(['cmd'], [to(w('$FD', param('FD')), '>&', 2)])],

  // lists and pipelines
  ['pipeline', 'dmesg | grep livepatch | tail -n 3',
    list(item([cmd(['dmesg']), cmd(['grep', 'livepatch']), cmd(['tail', '-n', '3'])]))],
  ['pipe without spaces', 'a|b', list(item([cmd(['a']), cmd(['b'])]))],
  ['&& with quotes and redirect',
    "grep -qx 'test_klp_livepatch: this has been live patched' /proc/cmdline && echo 'livepatch: ok' > /dev/kmsg",
    list(item([cmd(['grep', '-qx',
      w("'test_klp_livepatch: this has been live patched'", lit('test_klp_livepatch: this has been live patched', true)),
      '/proc/cmdline'])], false, [
      { op: '&&', pipeline: { commands: [cmd(['echo', w("'livepatch: ok'", lit('livepatch: ok', true))], [to('/dev/kmsg')])] } },
    ]))],
  ['and-or is left-associative', 'a && b || c',
    list(item([cmd(['a'])], false, [
      { op: '&&', pipeline: { commands: [cmd(['b'])] } },
      { op: '||', pipeline: { commands: [cmd(['c'])] } },
    ]))],
  ['&& binds pipelines', 'a | b && c',
    list(item([cmd(['a']), cmd(['b'])], false, [{ op: '&&', pipeline: { commands: [cmd(['c'])] } }]))],
  ['; separates', 'a ; b', list(item([cmd(['a'])]), item([cmd(['b'])]))],
  ['trailing ;', 'a;', list(item([cmd(['a'])]))],
  ['newline separates', 'a\nb\n', list(item([cmd(['a'])]), item([cmd(['b'])]))],
  ['background', './test_klp-call_getpid &', list(item([cmd(['./test_klp-call_getpid'])], true))],
  ['background then more', 'a & b', list(item([cmd(['a'])], true), item([cmd(['b'])]))],
  ['background applies to the and-or list', 'a && b &',
    list(item([cmd(['a'])], true, [{ op: '&&', pipeline: { commands: [cmd(['b'])] } }]))],
  ['line break after && and |', 'a &&\n\n b |\n c',
    list(item([cmd(['a'])], false, [{ op: '&&', pipeline: { commands: [cmd(['b']), cmd(['c'])] } }]))],

  // quoting
  ['backslash-escaped space', 'echo a\\ b', one(['echo', w('a\\ b', lit('a'), lit(' ', true), lit('b'))])],
  ['concatenated parts', `a"b"'c'$X`, one([w(`a"b"'c'$X`, lit('a'), lit('bc', true), param('X'))])],
  ['empty quotes are an argument', `echo "" ''`, one(['echo', w('""', lit('', true)), w("''", lit('', true))])],
  ['single quotes are literal', `echo '$X \\ "'`, one(['echo', w(`'$X \\ "'`, lit('$X \\ "', true))])],
  ['double-quote escapes', 'echo "\\" \\\\ \\$ \\` \\n"', one(['echo', w('"\\" \\\\ \\$ \\` \\n"', lit('" \\ $ ` \\n', true))])],
  ['metacharacters inside quotes', `echo "a | b; c > d" 'e && f'`,
    one(['echo', w('"a | b; c > d"', lit('a | b; c > d', true)), w("'e && f'", lit('e && f', true))])],
  ['line continuation', 'echo a\\\nb \\\n c', one(['echo', w('a\\\nb', lit('ab')), 'c'])],
  ['trailing backslash is literal', 'echo \\', one(['echo', w('\\', lit('\\', true))])],
  ['braces are literal text', 'echo {a,b} }', one(['echo', '{a,b}', '}'])],
  ['$"..." is "..."', 'echo $"a b"', one(['echo', w('$"a b"', lit('a b', true))])],
  ['reserved words are plain words after the command word', 'echo if { fi', one(['echo', 'if', '{', 'fi'])],
  ['quoted reserved word is a command name', '"if" x', one([w('"if"', lit('if', true)), 'x'])],

  // parameters
  ['$VAR and ${VAR}', 'echo $HOME ${USER}x', one(['echo', w('$HOME', param('HOME')), w('${USER}x', param('USER'), lit('x'))])],
  ['special parameters', 'echo $? $$ $! $1 ${10}',
    one(['echo', w('$?', param('?')), w('$$', param('$')), w('$!', param('!')), w('$1', param('1')), w('${10}', param('10'))])],
  ['${#NAME} is a length; ${#} is the parameter #', 'echo ${#X} "${#1}" ${#}',
    one(['echo', w('${#X}', len('X')), w('"${#1}"', len('1', true)), w('${#}', param('#'))])],
  ['${##}, ${#@}, ${#-} are lengths of special parameters', 'echo ${##}${#@}${#-}',
    one(['echo', w('${##}${#@}${#-}', len('#'), len('@'), len('-'))])],
  ['quoted parameters', 'echo "x=$X ${Y}!"',
    one(['echo', w('"x=$X ${Y}!"', lit('x=', true), param('X', true), lit(' ', true), param('Y', true), lit('!', true))])],
  ['lone $ is literal', 'echo $ "$" a$', one(['echo', w('$', lit('$')), w('"$"', lit('$', true)), w('a$', lit('a$'))])],

  // command substitution
  ['$() in double quotes',
    'echo "test_klp_syscall: Remaining not livepatched processes: $(cat /sys/kernel/test_klp_syscall/npids)" > /dev/kmsg',
    one(['echo', w('"test_klp_syscall: Remaining not livepatched processes: $(cat /sys/kernel/test_klp_syscall/npids)"',
      lit('test_klp_syscall: Remaining not livepatched processes: ', true),
      sub(one(['cat', '/sys/kernel/test_klp_syscall/npids']), true))], [to('/dev/kmsg')])],
  ['unquoted $()', 'echo $(uname -r)', one(['echo', w('$(uname -r)', sub(one(['uname', '-r'])))])],
  ['empty $()', 'echo $()', one(['echo', w('$()', sub(list()))])],
  ['$() containing quotes and parens', `echo $(echo ")" ')(' "$(echo x)")y`,
    one(['echo', w(`$(echo ")" ')(' "$(echo x)")y`,
      sub(one(['echo', w('")"', lit(')', true)), w("')('", lit(')(', true)), w('"$(echo x)"', sub(one(['echo', 'x']), true))])),
      lit('y'))])],
  ['$() containing a pipeline and list', 'x$(a | b; c)',
    one([w('x$(a | b; c)', lit('x'), sub(list(item([cmd(['a']), cmd(['b'])]), item([cmd(['c'])]))))])],
  ['comment inside $() ends at newline', 'echo $(a # )\n)', one(['echo', w('$(a # )\n)', sub(one(['a'])))])],

  // assignments
  ['assignments before a command', 'X=1 Y="a b" cmd',
    one(['cmd'], [], [{ name: 'X', value: w('1') }, { name: 'Y', value: w('"a b"', lit('a b', true)) }])],
  ['standalone assignment', 'X=', one([], [], [{ name: 'X', value: { parts: [], raw: '' } }])],
  ['assignment with expansion', 'P=$(pidof x):$Y',
    one([], [], [{ name: 'P', value: w('$(pidof x):$Y', sub(one(['pidof', 'x'])), lit(':'), param('Y')) }])],
  ['NAME=value after the command word is a word', 'cmd X=1', one(['cmd', 'X=1'])],
  ['assignment after a redirect', '>f X=1 cmd', one(['cmd'], [to('f')], [{ name: 'X', value: w('1') }])],
  ['escaped = is not an assignment', 'X\\=1', one([w('X\\=1', lit('X'), lit('=', true), lit('1'))])],
  ['invalid name is not an assignment', '1X=2', one(['1X=2'])],

  // groups
  ['a group', '{ a; b; }', list(item([group(false, list(item([cmd(['a'])]), item([cmd(['b'])])))]))],
  ['a subshell needs no blanks or last separator', '(a;b)', list(item([group(true, list(item([cmd(['a'])]), item([cmd(['b'])])))]))],
  ['a group run in the background, in an and-or list', 'a && { b & } &',
    list(item([cmd(['a'])], true, [{ op: '&&', pipeline: { commands: [group(false, list(item([cmd(['b'])], true)))] } }]))],
  ['groups nest; after a group } needs no ;', '{ { a; } }', list(item([group(false, list(item([group(false, list(item([cmd(['a'])])))])))]))],
  ['subshells nest', '( (a) )', list(item([group(true, list(item([group(true, list(item([cmd(['a'])])))])))]))],
  ['redirections after a group, and a group in a pipeline', '{ a; } > f 2>&1 | (b)',
    list(item([group(false, list(item([cmd(['a'])])), [to('f'), to(1, '>&', 2)]), group(true, list(item([cmd(['b'])])))]))],
  ['newlines separate inside a group', '{\na\n}', list(item([group(false, list(item([cmd(['a'])])))]))],
  ['a quoted brace is a word', "'{' a }", one([w("'{'", lit('{', true)), 'a', '}'])],
];

describe('parse', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    expect(parse(input)).toEqual(expected);
  });

  it('returns plain serialisable objects', () => {
    const ast = parse('A=1 echo "$(ls -l | wc -l)" 2>&1 >> out && b &');
    expect(JSON.parse(JSON.stringify(ast))).toEqual(ast);
  });
});

const errors: [string, string][] = [
  ['| a', "bash: syntax error near unexpected token `|'"],
  ['a | | b', "bash: syntax error near unexpected token `|'"],
  ['&& a', "bash: syntax error near unexpected token `&&'"],
  ['a && && b', "bash: syntax error near unexpected token `&&'"],
  ['a || || b', "bash: syntax error near unexpected token `||'"],
  [';', "bash: syntax error near unexpected token `;'"],
  ['a ; ; b', "bash: syntax error near unexpected token `;'"],
  ['a ;; b', "bash: syntax error near unexpected token `;;'"],
  ['&', "bash: syntax error near unexpected token `&'"],
  ['a & ;', "bash: syntax error near unexpected token `;'"],
  ['a )', "bash: syntax error near unexpected token `)'"],
  ['echo a (b)', "bash: syntax error near unexpected token `('"],
  ['a |', 'bash: syntax error: unexpected end of file'],
  ['a &&', 'bash: syntax error: unexpected end of file'],
  ['a ||\n', 'bash: syntax error: unexpected end of file'],
  ["echo 'abc", "bash: unexpected EOF while looking for matching `''"],
  ['echo "abc', 'bash: unexpected EOF while looking for matching `"\''],
  ['echo "a\\"', 'bash: unexpected EOF while looking for matching `"\''],
  ['echo ${X', "bash: unexpected EOF while looking for matching `}'"],
  ['echo ${a b}', 'bash: ${a b}: bad substitution'],
  ['echo ${#X:-a}', 'bash: ${#X:-a}: bad substitution'],
  ['echo ${#a b}', 'bash: ${#a b}: bad substitution'],
  ['echo $(ls', 'bash: syntax error: unexpected end of file'],
  ['echo "$(ls', 'bash: syntax error: unexpected end of file'],
  ['echo "$(ls"', 'bash: unexpected EOF while looking for matching `"\''],
  ['echo $(echo $(ls)', 'bash: syntax error: unexpected end of file'],
  ['echo $(|)', "bash: syntax error near unexpected token `|'"],
  ['echo >', "bash: syntax error near unexpected token `newline'"],
  ['echo > # comment', "bash: syntax error near unexpected token `newline'"],
  ['echo >\necho', "bash: syntax error near unexpected token `newline'"],
  ['echo 2>', "bash: syntax error near unexpected token `newline'"],
  ['echo > | x', "bash: syntax error near unexpected token `|'"],
  ['echo > > x', "bash: syntax error near unexpected token `>'"],
  ['echo 2>&', "bash: syntax error near unexpected token `newline'"],
  ['{ }', "bash: syntax error near unexpected token `}'"],
  ['( )', "bash: syntax error near unexpected token `)'"],
  ['{ a; } b', "bash: syntax error near unexpected token `b'"],
  ['(a) b', "bash: syntax error near unexpected token `b'"],
  ['{ a }', 'bash: syntax error: unexpected end of file'],
  ['(a', 'bash: syntax error: unexpected end of file'],
  ['{ a; ) }', "bash: syntax error near unexpected token `)'"],
  ['( a; } )', "bash: syntax error near unexpected token `}'"],
  ['}', "bash: syntax error near unexpected token `}'"],
  ['((a))', "bash: `((' is not supported by this shell"],
  [`${'{ '.repeat(65)}a;${' }'.repeat(65)}`, 'bash: groups nested too deeply'],
  ['if true; then a; fi', "bash: `if' is not supported by this shell"],
  ['a; fi', "bash: syntax error near unexpected token `fi'"],
  ["echo $'a'", "bash: `$'' is not supported by this shell"],
  ['echo `ls`', "bash: `\`' is not supported by this shell"],
  ['cat <<EOF', "bash: `<<' is not supported by this shell"],
  ['echo $((1+2))', "bash: `$((' is not supported by this shell"],
  [`${'$('.repeat(65)}${')'.repeat(65)}`, 'bash: command substitution nested too deeply'],
];

describe('parse errors', () => {
  it.each(errors)('%j', (input, message) => {
    expect(errorOf(input)).toBe(message);
  });

  it('allows 64 levels of $() nesting', () => {
    expect(() => parse(`echo ${'"$('.repeat(64)}x${')"'.repeat(64)}`)).not.toThrow();
  });
});

describe('robustness', () => {
  // Deterministic PRNG so a failure can be reproduced from the printed input.
  let seed = 0x9e3779b9;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const alphabet = ['a', 'b', ' ', "'", '"', '$', '(', ')', '|', '&', ';', '>', '<', '\\', '#', '{', '}', '\n'];

  it('either parses or throws ShellSyntaxError on random input', () => {
    for (let i = 0; i < 5000; i++) {
      let input = '';
      const len = rand(40);
      for (let j = 0; j < len; j++) input += alphabet[rand(alphabet.length)];
      try {
        parse(input);
      } catch (e) {
        if (!(e instanceof ShellSyntaxError) || !e.message.startsWith('bash: ') || e.message.includes('internal')) {
          throw new Error(`unexpected failure for ${JSON.stringify(input)}: ${String(e)}`);
        }
      }
    }
  });

  it('survives binary garbage', () => {
    for (let i = 0; i < 500; i++) {
      let input = '';
      for (let j = rand(64); j > 0; j--) input += String.fromCharCode(rand(0x10000));
      try {
        parse(input);
      } catch (e) {
        expect(e).toBeInstanceOf(ShellSyntaxError);
      }
    }
  });

  it.each([
    ['many commands', 'echo "a $X" | grep -v b > /dev/null && true;\n'],
    ['one long pipeline', 'cat | '],
    ['one long and-or chain', 'true && '],
    ['many substitutions', 'x$(echo $Y)'],
    ['many escapes', 'a\\ '],
  ])('parses 100 KB of %s', (_name, unit) => {
    // Speed is measured by `npm run bench`; here only that it completes and is whole.
    const input = unit.repeat(Math.ceil(100_000 / unit.length)).trimEnd().replace(/(\|| &&)$/, '') + ' end';
    const list = parse(input);
    expect(list.items.length).toBeGreaterThan(0);
  });

  it('rejects 100 KB of unbalanced input', () => {
    for (const input of ['"'.repeat(100_001), '$('.repeat(50_000), "'" + 'a'.repeat(100_000), '${'.repeat(50_000)]) {
      expect(() => parse(input)).toThrow(ShellSyntaxError);
    }
  });
});
