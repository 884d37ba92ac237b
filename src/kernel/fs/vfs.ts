/**
 * Path lookup for the whole simulated file system: sysfs, procfs, debugfs
 * and tracefs are projections of kernel state; /dev/kmsg writes to the log;
 * the selftest directory holds the test modules; /tmp takes ordinary files.
 */
import type { Kernel } from '../kernel';
import { catalogOf } from '../catalog';
import { livepatchNode } from './sysfs-livepatch';
import { moduleNode } from './sysfs-module';
import { procNode } from './procfs';
import { debugNode, tracingNode } from './debugfs';
import { moduleApi } from '../module/api';
import { dir, normalizePath, roFile, rwFile, type FsNode } from './node';

/** Where the shell starts: the livepatch selftests, next to their built test_modules/. */
export const SELFTEST_DIR = '/usr/src/linux/tools/testing/selftests/livepatch';
export const GETPID_HELPER = 'test_klp-call_getpid';
/** The kernel tree the modules were built in: the samples' .ko files sit beside their sources. */
export const KERNEL_TREE = '/usr/src/linux';

/** Regular files users create (echo > /tmp/x), kept in the kernel. */
function files(k: Kernel): Map<string, string> {
  return k.userFiles;
}

/**
 * The .ko files on disk: path → module name. The selftests' test modules sit
 * in their directory; a sample is installed under /lib/modules/<release> and
 * also left in the tree it was built in (samples/livepatch/, where the
 * callbacks document loads them from).
 */
export function moduleFiles(k: Kernel): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of catalogOf(k.profile)) {
    if (spec.file.startsWith('samples/')) {
      out.set(`/lib/modules/${k.uts}/kernel/samples/livepatch/${spec.file.slice(spec.file.lastIndexOf('/') + 1)}`, spec.name);
      out.set(`${KERNEL_TREE}/${spec.file}`, spec.name);
    } else out.set(`${SELFTEST_DIR}/${spec.file}`, spec.name);
  }
  return out;
}

function plainDir(k: Kernel, path: string): FsNode | null {
  const entries = new Set<string>();
  const prefix = path === '/' ? '/' : `${path}/`;
  const known = [
    ...moduleFiles(k).keys(),
    `${SELFTEST_DIR}/${GETPID_HELPER}`,
    ...files(k).keys(),
    '/tmp/.keep',
    '/root/.keep',
    '/dev/kmsg',
    '/dev/null',
    '/proc/.keep',
    '/sys/.keep',
  ];
  for (const p of known) {
    if (!p.startsWith(prefix)) continue;
    const name = p.slice(prefix.length).split('/')[0]!;
    if (name && name !== '.keep') entries.add(name);
  }
  return entries.size || path === '/tmp' || path === '/root' ? dir(() => [...entries].sort()) : null;
}

export function lookup(k: Kernel, rawPath: string, cwd = SELFTEST_DIR): FsNode | null {
  const path = normalizePath(rawPath, cwd);
  const parts = path.split('/').filter(Boolean);
  const [top, second, ...rest] = parts;
  if (top === 'sys') {
    if (second === undefined) return dir(() => ['kernel', 'module']);
    if (second === 'module') return moduleNode(k, rest);
    if (second !== 'kernel') return null;
    const [third, ...more] = rest;
    if (third === undefined)
      return dir(() => ['debug', 'livepatch', 'tracing', ...[...k.sysfsDirs.keys()].map((p) => p.slice('/sys/kernel/'.length))]);
    if (third === 'livepatch') return k.klp.initialized ? livepatchNode(k, more) : null;
    if (third === 'debug') return debugNode(k, more);
    if (third === 'tracing') return tracingNode(k, more);
    const attrs = k.sysfsDirs.get(`/sys/kernel/${third}`);
    if (!attrs) return null;
    if (more.length === 0) return dir(() => [...attrs.keys()]);
    const attr = more.length === 1 ? attrs.get(more[0]!) : undefined;
    const mod = attr && k.modules.get(attr.mod);
    return attr && mod ? roFile(() => attr.show(moduleApi(k, mod))) : null;
  }
  if (top === 'proc') return procNode(k, parts.slice(1));
  if (top === 'dev' && parts.length === 2) {
    if (second === 'kmsg')
      return rwFile(
        () => k.log.visible().map((r) => `${r.level},${r.seq},${r.usec},-;${r.text}\n`).join(''),
        (d) => {
          k.log.writeKmsg(d);
          return 0;
        },
      );
    if (second === 'null') return rwFile(() => '', () => 0, 0o666);
  }
  const user = files(k).get(path);
  if (user !== undefined)
    return rwFile(
      () => user,
      (d, append) => {
        files(k).set(path, append ? (files(k).get(path) ?? '') + d : d);
        return 0;
      },
    );
  if (moduleFiles(k).has(path) || path === `${SELFTEST_DIR}/${GETPID_HELPER}`) return roFile(() => '\u007fELF', path.endsWith('.ko') ? 0o644 : 0o755);
  return plainDir(k, path);
}

/** `echo x > /tmp/new`: regular files may be created outside /sys, /proc and /dev. */
export function createFile(k: Kernel, rawPath: string, cwd = SELFTEST_DIR): boolean {
  const path = normalizePath(rawPath, cwd);
  const parent = path.slice(0, path.lastIndexOf('/')) || '/';
  if (/^\/(sys|proc|dev)(\/|$)/.test(path)) return false;
  const p = lookup(k, parent, cwd);
  if (!p || p.kind !== 'dir') return false;
  files(k).set(path, '');
  return true;
}
