/**
 * What stat(2) says of a simulated file: its type and st_size, as the real
 * file systems report them (seen with `stat -c '%s %F'` on Debian 12's 6.1,
 * ../shared/realkernel/ask.sh): procfs, debugfs and tracefs files are
 * regular and 0 bytes long whatever they hold; sysfs attributes are regular
 * and PAGE_SIZE long (4096); /dev/kmsg and /dev/null are character devices;
 * a file on disk or in tmpfs is as long as the bytes it holds. Programs that
 * size their output from st_size (wc) see what they would see there.
 */
import { normalizePath, type FsNode } from './node';

export interface FileStat {
  type: 'regular' | 'directory' | 'character';
  /** st_size in bytes (a directory's is not modelled: 0) */
  size: number;
}

/** sysfs's size for every attribute file (sysfs_add_file_mode_ns: PAGE_SIZE). */
const SYSFS_ATTR_SIZE = 4096;

const PSEUDO_ZERO = /^\/(proc|sys\/kernel\/debug|sys\/kernel\/tracing)(\/|$)/;
const DEVICES = new Set(['/dev/kmsg', '/dev/null']);

/** The status of `node`, found at `path` (relative to `cwd`). */
export function statNode(node: FsNode, path: string, cwd: string): FileStat {
  if (node.kind === 'dir') return { type: 'directory', size: 0 };
  const abs = normalizePath(path, cwd);
  if (DEVICES.has(abs)) return { type: 'character', size: 0 };
  if (PSEUDO_ZERO.test(abs)) return { type: 'regular', size: 0 };
  if (abs.startsWith('/sys/')) return { type: 'regular', size: SYSFS_ATTR_SIZE };
  const content = node.read?.();
  return { type: 'regular', size: typeof content === 'string' ? utf8Length(content) : 0 };
}

/** The bytes `s` takes in UTF-8 (a lone surrogate as U+FFFD's three). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
