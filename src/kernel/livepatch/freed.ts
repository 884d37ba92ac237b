/**
 * A livepatch module's klp_patch, klp_objects and klp_funcs are static data
 * in the module (and their kobjects with them). Normally the patch pins its
 * module until free_work has unlinked everything, so nothing can point into
 * a freed module. `rmmod -f` with CONFIG_MODULE_FORCE_UNLOAD breaks that:
 * free_module() unmaps the module while klp_patches, the func_stacks and
 * sysfs still point into it. Whatever reads them next Oopses:
 *
 * - klp_ftrace_handler() reading the klp_func on top of a func_stack (every
 *   call of the patched function; libkmod reads /proc/cmdline, so `lsmod`
 *   does it when cmdline_proc_show is patched);
 * - sysfs_kf_seq_show()/sysfs_kf_write() on the patch's attributes;
 * - every walk of klp_patches: klp_module_coming()/klp_module_going() (any
 *   later insmod or rmmod), klp_is_patch_compatible() (enabling another
 *   patch), stack_order_show() of a later patch, the transition and free work.
 *
 * Real 6.1 (../shared/realkernel): an `lsmod` faulted in klp_ftrace_handler
 * (under cmdline_proc_show, seq_read_iter, vfs_read …), a `cat enabled` in
 * sysfs_kf_seq_show; each Oops killed the reader and tainted the kernel D.
 */
import type { Kernel } from '../kernel';
import { moduleAddress, moduleState } from '../module/types';
import { KernelOops, type PageFault } from '../world/oops';
import type { Task } from '../world/tasks';
import type { KlpPatch } from './types';

/** The patch's memory is its module's: gone once free_module() ran. */
export function patchFreed(patch: KlpPatch): boolean {
  return moduleState(patch.mod) === 'gone';
}

/** Offsets of the structures in the module's data, as the faults on Debian's 6.1 showed them (…22d2, …3058). */
export const FUNC_OFFSET = 0x22d2;
export const KOBJ_OFFSET = 0x3058;

/** The call paths below a faulting function, innermost first. */
export const PATHS = {
  read: ['seq_read_iter', 'vfs_read', 'ksys_read', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  procRead: ['seq_read_iter', 'proc_reg_read_iter', 'vfs_read', 'ksys_read', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  write: ['kernfs_fop_write_iter', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  loadModule: ['load_module', 'init_module_from_file', 'idempotent_init_module', '__x64_sys_finit_module', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  deleteModule: ['__do_sys_delete_module', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  worker: ['process_one_work', 'worker_thread', 'kthread', 'ret_from_fork', 'ret_from_fork_asm'],
} as const;

/** The task running kernel code now. */
function running(k: Kernel): Task {
  return k.current ?? k.loginShell;
}

/**
 * Kernel code reads the patch: if its memory is freed, the task running it
 * Oopses here (a KernelOops its runner catches).
 */
export function touchPatch(k: Kernel, patch: KlpPatch, rip: string, trace: readonly string[], extra: Partial<PageFault> = {}, task = running(k)): void {
  if (!patchFreed(patch)) return;
  throw new KernelOops(task, { address: moduleAddress(patch.mod, KOBJ_OFFSET), access: 'read access', rip, trace: [...trace], ...extra });
}

/** A walk of klp_patches reaches `upTo` (or the end): it reads every patch before it. */
export function walkPatches(k: Kernel, rip: string, trace: readonly string[], upTo?: KlpPatch): void {
  for (const p of k.klp.patches) {
    if (p === upTo) return;
    touchPatch(k, p, rip, trace);
  }
}
