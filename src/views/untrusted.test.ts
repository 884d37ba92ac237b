import { describe, expect, it } from 'vitest';
import { showBidi } from './untrusted';
import { caption } from '../app/captions';

describe('text a user typed, shown', () => {
  it('names bidi controls instead of letting them reorder the text', () => {
    expect(showBidi('insmod test_modules/\u202eoko.txt')).toBe('insmod test_modules/<U+202E>oko.txt');
    expect(showBidi('a\u2066b\u2069c\u200f')).toBe('a<U+2066>b<U+2069>c<U+200F>');
    expect(showBidi('plain ünïcode — text')).toBe('plain ünïcode — text');
  });

  it('a caption quoting a typed line has no bidi control left', () => {
    const line = 'insmod test_modules/\u202eoko.txt';
    const c = caption({ input: { kind: 'command', line }, event: null, term: [{ kind: 'err', text: `insmod: ERROR: could not load module test_modules/\u202eoko.txt: No such file or directory` }], log: [], time: 0 });
    expect(c.text).toContain('<U+202E>oko.txt');
    expect(c.text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });
});
