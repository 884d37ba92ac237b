/**
 * Path lookups made on a command's behalf, charged to the work budget: one
 * unit each, and a scan of the task list for one under /proc/<pid> (what
 * Kernel.taskByPid() cost when it walked the list; it now uses a pid hash,
 * but links' budgets were set by that charge, so it stays).
 * `ls -R /proc` or `cat /proc/*\/stack` at 20,000 tasks make 20,000 such
 * lookups and more: the budget must see them.
 */
import type { Kernel } from '../kernel';
import { lookup } from '../fs/vfs';
import { normalizePath, type FsNode } from '../fs/node';
import { taskListScan } from './limits';

const PROC_PID = /^\/proc\/\d+(\/|$)/;

export function countedLookup(k: Kernel, path: string, cwd: string): FsNode | null {
  k.charge(PROC_PID.test(normalizePath(path, cwd)) ? 1 + taskListScan(k) : 1);
  return lookup(k, path, cwd);
}
