/**
 * File and text tools: cat, ls, stat, grep, head, tail, echo (wc has wc.ts).
 */
import type { Command, CommandContext } from '../types';
import { strError, EACCES, EISDIR, ENOENT } from '../../world/errno';
import { countedLookup } from '../lookup';
import { modeString, normalizePath, type FsNode } from '../../fs/node';
import { compileGrep, RegexError, RegexExhausted, type LineMatcher } from '../regex';
import { WORK_PER_REGEX_STEP } from '../limits';

/** Opens a file for reading as a command would: the node, or -errno (a directory opens; reading it fails). */
export function openPath(ctx: CommandContext, path: string): FsNode | number {
  const node = countedLookup(ctx.k, path, ctx.shell.cwd);
  if (!node) return -ENOENT;
  if (node.kind === 'file' && (!node.read || !(node.mode & 0o444))) return -EACCES;
  return node;
}

/** Reads what openPath() opened: the content, or -errno. */
export function readOpened(node: FsNode): string | number {
  if (node.kind === 'dir') return -EISDIR;
  return node.read ? node.read() : -EACCES;
}

/** Reads a file as a command would: the content, or -errno. */
export function readPath(ctx: CommandContext, path: string): string | number {
  const node = openPath(ctx, path);
  return typeof node === 'number' ? node : readOpened(node);
}

export const cat: Command = (ctx, args) => {
  const files = args.filter((a) => a !== '-' && !/^-\w/.test(a));
  if (files.length === 0) {
    ctx.out(ctx.stdin);
    return 0;
  }
  let status = 0;
  for (const f of files) {
    const r = readPath(ctx, f);
    if (typeof r === 'number') {
      ctx.err(`cat: ${f}: ${strError(r)}\n`);
      status = 1;
    } else ctx.out(r);
  }
  return status;
};

export const echo: Command = (ctx, args) => {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length && /^-[neE]+$/.test(args[i]!); i++) {
    if (args[i]!.includes('n')) newline = false;
    if (args[i]!.includes('e')) escapes = true;
  }
  let text = args.slice(i).join(' ');
  if (escapes) text = text.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\\\/g, '\\');
  ctx.write(text + (newline ? '\n' : ''));
  return 0;
};

function columns(names: string[]): string {
  if (names.length === 0) return '';
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const perLine = Math.max(1, Math.floor(80 / width));
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += perLine) lines.push(names.slice(i, i + perLine).map((n, j, a) => (j === a.length - 1 ? n : n.padEnd(width))).join(''));
  return lines.join('\n') + '\n';
}

function longLine(node: FsNode, name: string): string {
  const size = node.kind === 'dir' ? 0 : node.mode & 0o444 ? 4096 : 4096;
  return `${modeString(node)} ${node.kind === 'dir' ? 2 : 1} root root ${String(size).padStart(4)} Nov 27 09:23 ${name}\n`;
}

/** Directories `ls -R` descends at most (a real tree is finite; this keeps a huge one bounded). */
const LS_MAX_DEPTH = 32;

export const ls: Command = (ctx, args) => {
  const opts = args.filter((a) => a.startsWith('-')).join('');
  const long = opts.includes('l');
  const all = opts.includes('a');
  const one = opts.includes('1');
  const dirOnly = opts.includes('d');
  const recursive = opts.includes('R') && !dirOnly;
  const paths = args.filter((a) => !a.startsWith('-'));
  const targets = paths.length ? paths : ['.'];
  let status = 0;
  const files: string[] = [];
  const dirs: string[] = [];
  for (const p of targets) {
    const node = countedLookup(ctx.k, p, ctx.shell.cwd);
    if (!node) {
      ctx.err(`ls: cannot access '${p}': No such file or directory\n`);
      status = 2;
    } else if (node.kind === 'dir' && !dirOnly) dirs.push(p);
    else files.push(p);
  }
  const print = (names: string[], base: string | null) => {
    if (long) {
      if (base !== null) ctx.out(`total 0\n`);
      for (const n of names) ctx.out(longLine(countedLookup(ctx.k, base === null ? n : `${base}/${n}`, ctx.shell.cwd)!, n));
    } else ctx.out(one ? names.map((n) => `${n}\n`).join('') : columns(names));
  };
  if (files.length) print(files, null);
  let sections = files.length;
  // Each directory's section: a "path:" header when there are several (or -R), then its entries;
  // -R then lists each subdirectory the same way, depth first, in name order.
  const listDir = (d: string, depth: number) => {
    const node = countedLookup(ctx.k, d, ctx.shell.cwd);
    if (!node || node.kind !== 'dir') return;
    const names = [...node.list()].sort();
    if (targets.length > 1 || recursive) ctx.out(`${sections > 0 ? '\n' : ''}${d}:\n`);
    sections++;
    print(all ? ['.', '..', ...names] : names, d);
    if (!recursive || depth >= LS_MAX_DEPTH) return;
    for (const n of names) {
      const child = d.endsWith('/') ? `${d}${n}` : `${d}/${n}`;
      if (countedLookup(ctx.k, child, ctx.shell.cwd)?.kind === 'dir') listDir(child, depth + 1);
    }
  };
  for (const d of dirs) listDir(d, 0);
  return status;
};

export const stat: Command = (ctx, args) => {
  let format: string | null = null;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '--format') format = args[++i] ?? '';
    else if (a.startsWith('--format=')) format = a.slice(9);
    else if (a.startsWith('-c')) format = a.slice(2);
    else paths.push(a);
  }
  if (paths.length === 0) {
    ctx.err("stat: missing operand\nTry 'stat --help' for more information.\n");
    return 1;
  }
  let status = 0;
  for (const p of paths) {
    const node = countedLookup(ctx.k, p, ctx.shell.cwd);
    if (!node) {
      ctx.err(`stat: cannot statx '${p}': No such file or directory\n`);
      status = 1;
      continue;
    }
    const type = node.kind === 'dir' ? 'directory' : 'regular file';
    if (format !== null) {
      ctx.out(
        format.replace(/%([AnFsa])/g, (_m, c: string) =>
          c === 'A' ? modeString(node) : c === 'n' ? p : c === 'F' ? type : c === 'a' ? (node.mode & 0o7777).toString(8) : '4096',
        ) + '\n',
      );
    } else {
      ctx.out(`  File: ${p}\n  Size: 4096\t\tBlocks: 0          IO Block: 4096   ${type}\n`);
      ctx.out(`Access: (${(node.mode & 0o7777).toString(8).padStart(4, '0')}/${modeString(node)})  Uid: (    0/    root)   Gid: (    0/    root)\n`);
    }
  }
  return status;
};

/**
 * GNU grep: -E, -F, -i, -v, -w, -x, -c, -l, -q, -s, -n, -H, several -e.
 * The matcher (../regex) runs in time linear in each line, and its steps
 * are charged to the kernel's work budget; a back-reference pattern that
 * would take too long ends as glibc's does when out of memory.
 */
export const grep: Command = (ctx, args) => {
  const flags = new Set<string>();
  const rest: string[] = [];
  const patterns: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (a === '-e') patterns.push(args[++i] ?? '');
    else if (/^-[a-zA-Z]+$/.test(a)) for (const c of a.slice(1)) flags.add(c);
    else rest.push(a);
  }
  if (patterns.length === 0 && rest.length) patterns.push(rest.shift()!);
  if (patterns.length === 0) {
    ctx.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    return 2;
  }
  let matcher: LineMatcher;
  const opts = { extended: flags.has('E'), fixed: flags.has('F'), ignoreCase: flags.has('i'), word: flags.has('w'), line: flags.has('x') };
  try {
    matcher = compileGrep(patterns, opts, (steps) => ctx.k.charge(steps * WORK_PER_REGEX_STEP));
  } catch (e) {
    if (!(e instanceof RegexError)) throw e;
    ctx.err(`grep: ${e.message}\n`);
    return 2;
  }
  for (const w of matcher.warnings) ctx.err(`grep: ${w}\n`);
  const sources: [string | null, string | number][] = rest.length ? rest.map((f) => [f, readPath(ctx, f)]) : [[null, ctx.stdin]];
  let matched = false;
  let status = 0;
  try {
    for (const [name, content] of sources) {
      if (typeof content === 'number') {
        if (!flags.has('s')) ctx.err(`grep: ${name}: ${strError(content)}\n`);
        status = 2;
        continue;
      }
      const lines = content.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      let count = 0;
      lines.forEach((l, i) => {
        if (matcher.test(l) === flags.has('v')) return;
        count++;
        matched = true;
        if (flags.has('q') || flags.has('c') || flags.has('l')) return;
        const prefix = (sources.length > 1 || flags.has('H') ? `${name}:` : '') + (flags.has('n') ? `${i + 1}:` : '');
        ctx.out(`${prefix}${l}\n`);
      });
      if (flags.has('c') && !flags.has('q')) ctx.out(`${sources.length > 1 ? `${name}:` : ''}${count}\n`);
      if (flags.has('l') && count && !flags.has('q')) ctx.out(`${name ?? '(standard input)'}\n`);
    }
  } catch (e) {
    // xalloc_die(): grep stops where it is
    if (!(e instanceof RegexExhausted)) throw e;
    ctx.err(`grep: ${e.message}\n`);
    return 2;
  }
  if (flags.has('q') && matched) return 0;
  return status === 2 && !matched ? 2 : matched ? 0 : 1;
};

/** GNU's multiplier suffixes for head and tail counts. */
const SUFFIX: Readonly<Record<string, number>> = { '': 1, b: 512, K: 1024, k: 1024, KB: 1000, M: 1024 ** 2, MB: 1000 ** 2, G: 1024 ** 3, GB: 1000 ** 3 };

interface Count {
  unit: 'lines' | 'bytes';
  n: number;
  /** head: all but the last n; tail: from the n-th on (+n) */
  sign: '' | '-' | '+';
}

/**
 * head and tail as coreutils has them: -n N, -nN, -N, -c N, --lines=N,
 * --bytes=N; head -n -N drops the last N lines, tail -n +N starts at line N
 * (tail -n -N is tail -n N). Errors in coreutils' words, status 1.
 */
function lineFilter(fromEnd: boolean): Command {
  const name = fromEnd ? 'tail' : 'head';
  const usage = `Try '${name} --help' for more information.\n`;
  return (ctx, args) => {
    let count: Count = { unit: 'lines', n: 10, sign: '' };
    let delim = '\n';
    const files: string[] = [];
    const parse = (unit: Count['unit'], text: string | undefined, opt: string): Count | string => {
      if (text === undefined) return `${name}: option requires an argument -- '${opt}'\n${usage}`;
      const m = /^([-+]?)(\d+)(b|KB?|k|MB?|GB?)?$/.exec(text);
      if (!m) return `${name}: invalid number of ${unit}: '${text}'\n`;
      return { unit, n: Number(m[2]) * SUFFIX[m[3] ?? '']!, sign: m[1] as Count['sign'] };
    };
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      let got: Count | string | null = null;
      let m: RegExpExecArray | null;
      if (a === '--') {
        files.push(...args.slice(i + 1));
        break;
      } else if ((m = /^-([nc])(.*)$/.exec(a))) got = parse(m[1] === 'n' ? 'lines' : 'bytes', m[2] || args[++i], m[1]!);
      else if ((m = /^--(lines|bytes)=(.*)$/.exec(a))) got = parse(m[1] as Count['unit'], m[2], m[1]!);
      else if (/^-\d+$/.test(a)) got = { unit: 'lines', n: Number(a.slice(1)), sign: '' };
      else if (/^-[qv]+$/.test(a)) continue;
      else if (a === '-z') delim = '\0';
      else if (fromEnd && /^-[fF]$/.test(a)) {
        // tail -f never returns: it waits for the file to grow, which the simulation does not model
        ctx.err(`klp: tail ${a}: following a file is not simulated; without ${a} tail prints what the file holds now.\n`);
        return 1;
      }
      else if (/^-./.test(a)) {
        ctx.err(`${name}: invalid option -- '${a[1]}'\n${usage}`);
        return 1;
      } else files.push(a);
      if (typeof got === 'string') {
        ctx.err(got);
        return 1;
      }
      if (got) count = got;
    }
    const sources: [string, string | number][] = files.length ? files.map((f) => [f, readPath(ctx, f)]) : [['-', ctx.stdin]];
    let status = 0;
    sources.forEach(([file, content], i) => {
      if (typeof content === 'number') {
        ctx.err(`${name}: cannot open '${file}' for reading: ${strError(content)}\n`);
        status = 1;
        return;
      }
      if (sources.length > 1) ctx.out(`${i ? '\n' : ''}==> ${file} <==\n`);
      ctx.out(pick(content, count, fromEnd, delim));
    });
    return status;
  };
}

function pick(content: string, c: Count, fromEnd: boolean, delim: string): string {
  const parts = c.unit === 'bytes' ? [...content] : content.split(new RegExp(`(?<=${delim === '\0' ? '\\0' : '\\n'})`));
  let out: string[];
  if (!fromEnd) out = c.sign === '-' ? parts.slice(0, Math.max(0, parts.length - c.n)) : parts.slice(0, c.n);
  else out = c.sign === '+' ? parts.slice(Math.max(0, c.n - 1)) : parts.slice(Math.max(0, parts.length - c.n));
  return out.join('');
}

export const head = lineFilter(false);
export const tail = lineFilter(true);

export const cd: Command = (ctx, args) => {
  const target = args[0] ?? ctx.shell.vars.get('HOME') ?? '/';
  const abs = normalizePath(target, ctx.shell.cwd);
  const node = countedLookup(ctx.k, abs, '/');
  if (!node) {
    ctx.err(`bash: cd: ${target}: No such file or directory\n`);
    return 1;
  }
  if (node.kind !== 'dir') {
    ctx.err(`bash: cd: ${target}: Not a directory\n`);
    return 1;
  }
  ctx.shell.cwd = abs;
  ctx.shell.vars.set('PWD', abs);
  return 0;
};

export const pwd: Command = (ctx) => {
  ctx.out(`${ctx.shell.cwd}\n`);
  return 0;
};
