/**
 * Files and directories as the shell meets them. Most are projections of
 * kernel state built on lookup (sysfs, procfs, debugfs); a read or a write
 * calls the kernel's show/store function.
 */
export interface DirNode {
  kind: 'dir';
  mode: number;
  list: () => string[];
}

export interface FileNode {
  kind: 'file';
  mode: number;
  /** the content, or -errno */
  read?: () => string | number;
  /** 0 or -errno; `append` for >>, else the file was opened with O_TRUNC */
  write?: (data: string, append: boolean) => number;
}

export type FsNode = DirNode | FileNode;

export const dir = (list: () => string[], mode = 0o755): DirNode => ({ kind: 'dir', mode, list });

export const roFile = (read: () => string | number, mode = 0o444): FileNode => ({ kind: 'file', mode, read });

export const rwFile = (
  read: () => string | number,
  write: (data: string, append: boolean) => number,
  mode = 0o644,
): FileNode => ({ kind: 'file', mode, read, write });

export const woFile = (write: (data: string, append: boolean) => number, mode = 0o200): FileNode => ({
  kind: 'file',
  mode,
  write,
});

/** `stat --format %A`: the mode as ls -l prints it. */
export function modeString(node: FsNode): string {
  const bits = 'rwxrwxrwx';
  let s = node.kind === 'dir' ? 'd' : '-';
  for (let i = 0; i < 9; i++) s += node.mode & (1 << (8 - i)) ? bits[i] : '-';
  return s;
}

/** Absolute, normalised path: resolves ".", ".." and repeated slashes. */
export function normalizePath(path: string, cwd: string): string {
  const abs = path.startsWith('/') ? path : `${cwd}/${path}`;
  const out: string[] = [];
  for (const part of abs.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}
