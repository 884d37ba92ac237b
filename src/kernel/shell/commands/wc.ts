/**
 * wc as GNU coreutils 9.1 has it (src/wc.c), in a UTF-8 locale: -l -w -m -c
 * -L and their long names, printed always in that order; lines, words and
 * bytes when none is asked; a `total` line for several files; `-` for
 * standard input. Checked with Debian 12's wc on its 6.1 kernel
 * (../shared/realkernel/ask.sh), and with LC_ALL=C.UTF-8 for characters.
 */
import type { Command, CommandContext } from '../types';
import { strError } from '../../world/errno';
import { countedLookup } from '../lookup';
import { statNode } from '../../fs/stat';
import { WORK_PER_BYTE_READ } from '../limits';
import { openPath, readOpened } from './text';
import { charWidth, isPrint, isWordSeparator } from './utf8-classes';
import { quotef } from './quote';

interface Counts {
  lines: number;
  words: number;
  chars: number;
  bytes: number;
  maxLineLength: number;
}

/** The counts in the order wc prints them, whatever order the options came in. */
const COLUMNS = ['lines', 'words', 'chars', 'bytes', 'maxLineLength'] as const;
type Column = (typeof COLUMNS)[number];

const SHORT: Readonly<Record<string, Column>> = { l: 'lines', w: 'words', m: 'chars', c: 'bytes', L: 'maxLineLength' };

/** getopt_long's table (each name has its own first letter, so no prefix is ambiguous). */
const LONG: Readonly<Record<string, Column | 'help' | 'version' | 'debug' | 'files0-from'>> = {
  bytes: 'bytes',
  chars: 'chars',
  lines: 'lines',
  words: 'words',
  'max-line-length': 'maxLineLength',
  debug: 'debug',
  'files0-from': 'files0-from',
  help: 'help',
  version: 'version',
};

const TRY = "Try 'wc --help' for more information.\n";

const HELP = `Usage: wc [OPTION]... [FILE]...
  or:  wc [OPTION]... --files0-from=F
Print newline, word, and byte counts for each FILE, and a total line if
more than one FILE is specified.  A word is a non-zero-length sequence of
printable characters delimited by white space.

With no FILE, or when FILE is -, read standard input.

The options below may be used to select which counts are printed, always in
the following order: newline, word, character, byte, maximum line length.
  -c, --bytes            print the byte counts
  -m, --chars            print the character counts
  -l, --lines            print the newline counts
      --files0-from=F    read input from the files specified by
                           NUL-terminated names in file F;
                           If F is - then read names from standard input
  -L, --max-line-length  print the maximum display width
  -w, --words            print the word counts
      --help        display this help and exit
      --version     output version information and exit

GNU coreutils online help: <https://www.gnu.org/software/coreutils/>
Report any translation bugs to <https://translationproject.org/team/>
Full documentation <https://www.gnu.org/software/coreutils/wc>
or available locally via: info '(coreutils) wc invocation'
`;

const VERSION = `wc (GNU coreutils) 9.1
Copyright (C) 2022 Free Software Foundation, Inc.
License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.
This is free software: you are free to change and redistribute it.
There is NO WARRANTY, to the extent permitted by law.

Written by Paul Rubin and David MacKenzie.
`;

/** What the options asked for, or what wc prints and exits with. */
type Parsed = { selected: Set<Column>; operands: string[] } | { exit: number; out: string; err: string };

/** getopt_long(argc, argv, "clLmw", longopts): options anywhere before `--`, short ones clustered. */
function parseOptions(args: string[]): Parsed {
  const selected = new Set<Column>();
  const operands: string[] = [];
  const fail = (msg: string): Parsed => ({ exit: 1, out: '', err: `wc: ${msg}\n${TRY}` });
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const given = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const name = given === '' ? undefined : Object.keys(LONG).find((n) => n.startsWith(given));
      if (!name) return fail(`unrecognized option '${a}'`);
      const opt = LONG[name]!;
      if (opt === 'files0-from') {
        if (eq < 0 && i + 1 >= args.length) return fail(`option '--${name}' requires an argument`);
        // the names would be NUL-separated, and nothing here writes a NUL
        return { exit: 1, out: '', err: 'klp: wc --files0-from: reading the names from a file is not simulated; name the files as operands.\n' };
      }
      if (eq >= 0) return fail(`option '--${name}' doesn't allow an argument`);
      if (opt === 'help') return { exit: 0, out: HELP, err: '' };
      if (opt === 'version') return { exit: 0, out: VERSION, err: '' };
      // --debug only says whether wc counts lines with AVX2, a fact of the host's CPU
      if (opt !== 'debug') selected.add(opt);
      continue;
    }
    if (a.length < 2 || !a.startsWith('-')) {
      operands.push(a);
      continue;
    }
    for (const c of a.slice(1)) {
      const col = Object.hasOwn(SHORT, c) ? SHORT[c] : undefined;
      if (!col) return fail(`invalid option -- '${c}'`);
      selected.add(col);
    }
  }
  if (selected.size === 0) for (const c of ['lines', 'words', 'bytes'] as const) selected.add(c);
  return { selected, operands };
}

/**
 * wc()'s multibyte loop: a word is a run of printable characters between
 * separators; -L is the widest line, tabs to the next multiple of 8, \r and
 * \f ending a line as \n does.
 */
function count(text: string): Counts {
  let lines = 0;
  let words = 0;
  let chars = 0;
  let bytes = 0;
  let maxLineLength = 0;
  let linepos = 0;
  let inWord = false;
  const separator = () => {
    if (inWord) words++;
    inWord = false;
  };
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    chars++;
    if (cp < 0x80) {
      bytes++;
      switch (cp) {
        case 0x0a: // \n
          lines++;
        // falls through
        case 0x0d: // \r
        case 0x0c: // \f
          if (linepos > maxLineLength) maxLineLength = linepos;
          linepos = 0;
          separator();
          break;
        case 0x09: // \t
          linepos += 8 - (linepos % 8);
          separator();
          break;
        case 0x20:
          linepos++;
          separator();
          break;
        case 0x0b: // \v
          separator();
          break;
        default:
          // the other controls are neither printable nor separators: they leave a word as it is
          if (cp > 0x20 && cp < 0x7f) {
            linepos++;
            inWord = true;
          }
      }
      continue;
    }
    if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      cp = text.codePointAt(i)!;
      i++;
    } else if ((cp & 0xf800) === 0xd800) cp = 0xfffd; // a lone surrogate: U+FFFD's bytes, as TextEncoder writes it
    bytes += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (!isPrint(cp)) continue;
    linepos += charWidth(cp);
    if (isWordSeparator(cp)) separator();
    else inWord = true;
  }
  if (linepos > maxLineLength) maxLineLength = linepos;
  if (inWord) words++;
  return { lines, words, chars, bytes, maxLineLength };
}

/** An input as wc names it: a file operand, `-`, or (null) standard input with no operand. */
type Input = string | null;

const isStdin = (input: Input) => input === null || input === '-';

/**
 * compute_number_width(): one count of one input needs no padding (it is
 * not even stat()ed); otherwise the digits of the regular inputs' total
 * st_size, and at least 7 when an input is no regular file (a pipe, the
 * terminal, a device, a directory). An input stat() cannot find adds nothing.
 */
function numberWidth(ctx: CommandContext, inputs: Input[], columns: number): number {
  if (inputs.length === 1 && columns === 1) return 1;
  let minimum = 1;
  let regularTotal = 0;
  for (const input of inputs) {
    // stat("") fails (ENOENT)
    if (input === '') continue;
    const path = isStdin(input) ? ctx.stdinFile : input;
    const node = path === null ? null : countedLookup(ctx.k, path, ctx.shell.cwd);
    // fstat() of a pipe or the terminal: no regular file
    if (path === null) minimum = 7;
    if (!node) continue;
    const st = statNode(node, path!, ctx.shell.cwd);
    if (st.type === 'regular') regularTotal += st.size;
    else minimum = 7;
  }
  return Math.max(String(regularTotal).length, minimum);
}

export const wc: Command = (ctx, args) => {
  const parsed = parseOptions(args);
  if ('exit' in parsed) {
    ctx.out(parsed.out);
    ctx.err(parsed.err);
    return parsed.exit;
  }
  const columns = COLUMNS.filter((c) => parsed.selected.has(c));
  const inputs: Input[] = parsed.operands.length ? parsed.operands : [null];
  const width = numberWidth(ctx, inputs, columns.length);
  const write = (c: Counts, name: Input) => {
    const shown = name === null ? '' : ` ${name.includes('\n') ? quotef(name) : name}`;
    ctx.out(`${columns.map((col) => String(c[col]).padStart(width)).join(' ')}${shown}\n`);
  };
  const total: Counts = { lines: 0, words: 0, chars: 0, bytes: 0, maxLineLength: 0 };
  let stdin: string | null = ctx.stdin;
  let status = 0;
  for (const input of inputs) {
    let content: string | number;
    if (input === '') {
      ctx.err('wc: invalid zero-length file name\n');
      status = 1;
      continue;
    }
    if (isStdin(input)) {
      // a second `-` finds standard input at its end
      content = stdin ?? '';
      stdin = null;
    } else {
      const node = openPath(ctx, input!);
      if (typeof node === 'number') {
        // open() failed: no counts for it
        ctx.err(`wc: ${quotef(input!)}: ${strError(node)}\n`);
        status = 1;
        continue;
      }
      content = readOpened(node);
    }
    if (typeof content === 'number') {
      // read() failed (a directory: EISDIR): wc says so, then prints what it counted, nothing
      ctx.err(`wc: ${quotef(input ?? 'standard input')}: ${strError(content)}\n`);
      status = 1;
      content = '';
    }
    ctx.k.charge(content.length * WORK_PER_BYTE_READ);
    const c = count(content);
    write(c, input);
    total.lines += c.lines;
    total.words += c.words;
    total.chars += c.chars;
    total.bytes += c.bytes;
    total.maxLineLength = Math.max(total.maxLineLength, c.maxLineLength);
  }
  if (inputs.length > 1) write(total, 'total');
  return status;
};
