/**
 * Parameter expansion as bash 5.2 does it, checked on Debian 12
 * (../shared/realkernel/ask.sh; lengths in characters with LC_ALL=C.UTF-8,
 * the simulated shell's locale: in the C locale bash counts bytes).
 */
import { describe, expect, it } from 'vitest';
import { bootKernel } from '../boot';
import { Shell } from './shell';

const shell = () => new Shell(bootKernel());

describe('${#NAME}: the length of a parameter', () => {
  it('counts characters, not bytes: héllo is 5 (6 bytes)', () => {
    const sh = shell();
    expect(sh.run('X=héllo; echo ${#X}').stdout).toBe('5\n');
    expect(sh.run('X=日本😀; echo ${#X} "${#X}"').stdout).toBe('3 3\n');
    expect(sh.run('echo ${#HOME}').stdout).toBe(`${'/root'.length}\n`);
  });

  it('an unset variable and an unset positional parameter have length 0', () => {
    const sh = shell();
    expect(sh.run('echo ${#UNSET} ${#1} ${#10}').stdout).toBe('0 0 0\n');
  });

  it('${#} is $#, the number of positional parameters: 0 here, and so are ${#@} and ${#*}', () => {
    const sh = shell();
    expect(sh.run('echo ${#} $# ${#@} ${#*}').stdout).toBe('0 0 0 0\n');
    // ${##} is the length of $#, one digit
    expect(sh.run('echo ${##}').stdout).toBe('1\n');
  });

  it('of a special parameter, the length of its value: ${#?} after a status of 0 or 1 is 1', () => {
    const sh = shell();
    expect(sh.run('true; echo ${#?}; false; echo ${#?}').stdout).toBe('1\n1\n');
    expect(sh.run('echo ${#$}').stdout).toBe(`${String(sh.task.pid).length}\n`);
  });

  it('other operators after the name stay a bad substitution; nothing after it on the line runs', () => {
    const sh = shell();
    expect(sh.run('echo ${#X:-a}; echo after')).toMatchObject({ stdout: '', stderr: 'bash: ${#X:-a}: bad substitution\n' });
  });
});

describe('$0 and $-', () => {
  it('name the shell and its options as an interactive bash on a terminal does', () => {
    const sh = shell();
    expect(sh.run('echo "$0" "$-" ${0} ${-}').stdout).toBe('bash himBHs bash himBHs\n');
    expect(sh.run('echo ${#0} ${#-}').stdout).toBe('4 6\n');
  });
});
