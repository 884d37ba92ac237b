/**
 * Hand-built KernelView fixtures for the view tests (PatchStack, FreeQueue):
 * small builders with kernel-like defaults, so each test states only what it
 * is about.
 */
import { MAINLINE } from '../kernel/release/releases';
import type { FuncStackView, FuncView, KernelView, ModuleView, ObjectView, PatchView, PendingWork } from '../kernel/view/types';

export const SEC = 1_000_000;

export function func(oldName: string, newName: string | null, o: Partial<FuncView> = {}): FuncView {
  return {
    oldName,
    newName,
    sympos: 0,
    nop: newName === null,
    patched: true,
    transition: false,
    sysfs: true,
    kobjRefs: 1,
    ...o,
  };
}

export function obj(name: string, funcs: FuncView[], o: Partial<ObjectView> = {}): ObjectView {
  return { name, loaded: true, patched: true, dynamic: false, sysfs: true, kobjRefs: 1, funcs, ...o };
}

/** An enabled patch on klp_patches, patching vmlinux:cmdline_proc_show unless told otherwise. */
export function patch(name: string, o: Partial<PatchView> = {}): PatchView {
  return {
    name,
    state: 'enabled',
    enabled: true,
    transition: false,
    replace: false,
    forced: false,
    listed: true,
    stackOrder: 1,
    sysfs: true,
    kobjRefs: 1,
    freeWorkPending: false,
    memoryFreed: false,
    objects: [obj('vmlinux', [func('cmdline_proc_show', `livepatch_cmdline_proc_show`)])],
    states: [],
    ...o,
  };
}

/** The same patch in its enable transition (enabled=1 transition=1). */
export function patching(name: string, o: Partial<PatchView> = {}): PatchView {
  return patch(name, { state: 'patching', transition: true, ...o });
}

/** Off klp_patches after klp_free_patch_start(), free_work queued. */
export function freeing(name: string, o: Partial<PatchView> = {}): PatchView {
  return patch(name, { state: 'disabled', enabled: false, listed: false, freeWorkPending: true, objects: [], ...o });
}

export function module(name: string, o: Partial<ModuleView> = {}): ModuleView {
  return { name, state: 'live', refcnt: 1, livepatch: true, params: [], patch: name, pinnedForever: false, ...o };
}

export function work(label: string, at: number, kind = 'work'): PendingWork {
  return { label, at, kind };
}

export function stack(obj: string, fn: string, entries: FuncStackView['entries']): FuncStackView {
  return { key: `${obj}:${fn}`, obj, fn, entries };
}

export function entry(patch: string, newFunc: string, o: Partial<FuncStackView['entries'][number]> = {}) {
  return { patch, newFunc, nop: false, transition: false, ...o };
}

/** A kernel with nothing loaded, at `time`; override what the test needs. */
export function kview(o: Partial<KernelView> = {}): KernelView {
  return {
    time: 0,
    transition: { state: 'idle', patch: null, target: -1, signals: 0, nextRetryAt: null, nextSignalAt: null, names: ['KLP_TRANSITION_IDLE', 'KLP_TRANSITION_UNPATCHED', 'KLP_TRANSITION_PATCHED'] },
    patches: [],
    funcStacks: [],
    tasks: [],
    modules: [],
    work: [],
    shadow: [],
    ftraceEnabled: true,
    kernel: { release: MAINLINE, registerApi: false, autoSignals: true, patchFiles: ['enabled', 'transition', 'force', 'replace', 'stack_order'] },
    cmdline: 'BOOT_IMAGE=/vmlinuz',
    sysfs: [],
    ...o,
  };
}

/** A view whose transition machine runs for `name` towards target (1 patched, 0 unpatched). */
export function inTransition(name: string, target: 0 | 1, o: Partial<KernelView> = {}): KernelView {
  return kview({
    transition: { state: 'running', patch: name, target, signals: 1, nextRetryAt: SEC, nextSignalAt: 15 * SEC, names: ['KLP_TRANSITION_IDLE', 'KLP_TRANSITION_UNPATCHED', 'KLP_TRANSITION_PATCHED'] },
    ...o,
  });
}
