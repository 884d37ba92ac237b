/**
 * The conditions a transcript checks at their place (`# wait:` and
 * `# assert:` lines): a directory's entry count, a file's mode, what a file
 * reads or contains. Both replays use them (replay.ts, document.ts).
 */
import type { Kernel } from '../kernel';
import { lookup } from '../fs/vfs';
import { modeString } from '../fs/node';

/** Evaluates a `# wait:` / `# assert:` condition; returns why it fails, or null. */
export function checkCondition(k: Kernel, cond: string): string | null {
  let m = /^count\((.+)\/\*\) = (\d+)$/.exec(cond);
  if (m) {
    const dir = lookup(k, m[1]!);
    const n = dir?.kind === 'dir' ? dir.list().filter((e) => !e.startsWith('.')).length : 0;
    return n === Number(m[2]) ? null : `found ${n}`;
  }
  m = /^(\S+) mode (\S+)$/.exec(cond);
  if (m) {
    const node = lookup(k, m[1]!);
    if (!node) return 'no such file';
    const mode = modeString(node);
    return mode === m[2] ? null : `mode is ${mode}`;
  }
  m = /^(\S+) contains (.+)$/.exec(cond);
  if (m) {
    const text = read(k, m[1]!);
    if (text === null) return 'cannot read';
    const word = new RegExp(`(^|\\W)${m[2]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\W|$)`);
    return word.test(text) ? null : 'word not found';
  }
  m = /^(\S+) (=|!=) (.*)$/.exec(cond);
  if (m) {
    const text = read(k, m[1]!);
    if (text === null) return 'cannot read';
    const value = text.replace(/\n$/, '');
    return (value === m[3]) === (m[2] === '=') ? null : `reads ${JSON.stringify(value)}`;
  }
  return 'condition not understood';
}

function read(k: Kernel, path: string): string | null {
  const node = lookup(k, path);
  if (!node || node.kind !== 'file' || !node.read) return null;
  const r = node.read();
  return typeof r === 'number' ? null : r;
}
