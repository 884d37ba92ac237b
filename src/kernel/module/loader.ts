/**
 * kernel/module/main.c, the parts livepatch meets: load_module() walks a
 * module through UNFORMED → COMING (klp_module_coming() patches it before its
 * init runs) → LIVE; delete_module() runs its exit, then klp_module_going()
 * reverts patches applied to it, then frees it.
 */
import { fcall, fentry } from '../world/fgraph';
import { initialTransition } from 'xstate';
import type { Kernel } from '../kernel';
import { drive } from '../world/drive';
import { EEXIST, EINVAL, ENOENT } from '../world/errno';
import { MODULE_MAIN, PARAMS, say } from '../words';
import { moduleMachine, type ModuleEvent } from '../machines/module.machine';
import type { ModuleSpec } from '../catalog/types';
// load_module() calls klp_module_coming() and the livepatch core takes and drops module references
// (moduleSend): the two import each other as kernel/module/main.c and kernel/livepatch/core.c call each other.
import { klp_module_coming, klp_module_going } from '../livepatch/core';
import { moduleApi } from './api';
import { livepatchExit, livepatchInit } from '../catalog/livepatch-init';
import { parseParam } from './params';
import { moduleState, type LoadedModule } from './types';
import { SLEEP_SITES } from '../world/tasks';
import { VMLINUX } from '../world/code';
import { hasTaint, moduleTaintLetters, TAINT_FORCED_RMMOD, TAINT_LIVEPATCH, TAINT_OOT_MODULE, TAINT_UNSIGNED_MODULE } from '../world/taint';

export function moduleSend(k: Kernel, mod: LoadedModule, event: ModuleEvent): number {
  return drive(
    moduleMachine,
    () => mod.machine,
    (s) => (mod.machine = s),
    event,
    {
      unloadModule: () => unloadModule(k, mod),
      taintForcedRmmod: () => k.addTaint(TAINT_FORCED_RMMOD, true),
    },
  );
}

/** Where the first module lands in the module area: what the modules loaded at boot leave free below it. */
const MODULE_AREA_FIRST = 0x583000;

/**
 * The module area a module of `size` bytes (its /proc/modules size) takes:
 * module_memory_alloc() gives each memory type (text, data, rodata, …) its
 * own page-aligned vmalloc area, with a guard page after each. On Debian's
 * 6.1 two 16384-byte test modules loaded one after the other sit 0xa000
 * apart (0xffffffffc0583000, 0xffffffffc058d000).
 */
function moduleSpan(size: number): number {
  return (2 * Math.ceil(size / 4096) + 2) * 4096;
}

/** The lowest free stretch of the module area that fits the module (vmalloc's first fit). */
function moduleAlloc(k: Kernel, size: number): number {
  const taken = [...k.modules.values()].map((m) => [m.base, m.base + moduleSpan(m.spec.size)] as const).sort((a, b) => a[0] - b[0]);
  let at = MODULE_AREA_FIRST;
  for (const [from, to] of taken) {
    if (at + moduleSpan(size) <= from) break;
    at = Math.max(at, to);
  }
  return at;
}

/** add_taint_module(): the module carries the flag, and so does the kernel. */
function addTaintModule(k: Kernel, mod: LoadedModule, bit: number): void {
  mod.taints |= 1 << bit;
  k.addTaint(bit);
}

/**
 * module_augment_kernel_taints(): every module here is built out of tree and
 * unsigned, and a livepatch module says so in its modinfo. The out-of-tree
 * warning prints while the kernel is not yet tainted O; the other two are
 * pr_notice_once(): once per boot, for the first module that earns them.
 */
function moduleAugmentKernelTaints(k: Kernel, mod: LoadedModule): void {
  if (!hasTaint(k.tainted, TAINT_OOT_MODULE)) say(k, MODULE_MAIN.outOfTree, { module: mod.name });
  addTaintModule(k, mod, TAINT_OOT_MODULE);
  if (mod.spec.livepatch) {
    fcall(k, 'check_modinfo_livepatch');
    addTaintModule(k, mod, TAINT_LIVEPATCH);
    say(k, MODULE_MAIN.taintLivepatch, { module: mod.name });
  }
  addTaintModule(k, mod, TAINT_UNSIGNED_MODULE);
  say(k, MODULE_MAIN.unsigned, { module: mod.name });
}

/** Splits "a=1 b c=x,y" the way the kernel's parse_args() sees module arguments. */
function splitArgs(args: string): [string, string | null][] {
  return args
    .split(/\s+/)
    .filter(Boolean)
    .map((a) => {
      const eq = a.indexOf('=');
      return eq < 0 ? [a, null] : [a.slice(0, eq), a.slice(eq + 1)];
    });
}

/** The init_module()/finit_module() system call. Returns 0 or -errno. */
export function load_module(k: Kernel, spec: ModuleSpec, args: string): number {
  using _ = fentry(k, 'load_module');
  const existing = k.modules.get(spec.name);
  fcall(k, 'add_unformed_module');
  if (existing && moduleState(existing) === 'coming') return waitForLoading(k);
  if (existing) return -EEXIST;
  const mod: LoadedModule = {
    name: spec.name,
    spec,
    machine: initialTransition(moduleMachine, { name: spec.name })[0],
    params: Object.fromEntries((spec.params ?? []).map((p) => [p.name, structuredClone(p.default)])),
    klpAlive: false,
    patch: null,
    data: {},
    works: new Map(),
    timers: new Map(),
    procFiles: new Set(),
    sysfsDirs: new Map(),
    kprobes: new Set(),
    loadSeq: ++k.moduleSeq,
    base: moduleAlloc(k, spec.size),
    taints: 0,
  };
  k.modules.set(spec.name, mod);
  moduleAugmentKernelTaints(k, mod);

  moduleSend(k, mod, { type: 'complete_formation' });
  // prepare_coming_module()
  let err = klp_module_coming(k, mod);
  if (err) {
    moduleSend(k, mod, { type: 'coming.failed' });
    k.modules.delete(spec.name);
    return err;
  }
  // parse_args(): after the module is COMING, "parsing args may execute code"
  err = parseArgs(k, mod, args);
  if (err) {
    moduleSend(k, mod, { type: 'init.failed' });
    klp_module_going(k, mod);
    freeModule(k, mod);
    return err;
  }
  const ret = do_init_module(k, mod);
  if (typeof ret === 'object') {
    initSleeps(k, mod, ret.waitsIn, ret.sleepsIn);
    return 0;
  }
  if (ret < 0) {
    moduleSend(k, mod, { type: 'init.failed' });
    klp_module_going(k, mod);
    freeModule(k, mod);
    return ret;
  }
  moduleSend(k, mod, { type: 'init.done' });
  return 0;
}

/** do_init_module(): the module's init (a livepatch module's default: its release's livepatchInit). */
function do_init_module(k: Kernel, mod: LoadedModule): ReturnType<NonNullable<ModuleSpec['init']>> {
  using _ = fentry(k, 'do_init_module');
  const init = mod.spec.init ?? (mod.spec.patch ? livepatchInit : null);
  if (!init) return 0;
  using __ = fentry(k, mod.spec.initFn ?? `${mod.name}_init`);
  return init(moduleApi(k, mod));
}

/**
 * mod->init() never returns: the module stays COMING, holding the reference
 * load_module() took for its init, and the loading task (insmod) sleeps in
 * D state inside it for good. The caller sees its task blocked and does not
 * go on.
 */
function initSleeps(k: Kernel, mod: LoadedModule, waitsIn: string, sleepsIn: string[]): void {
  const task = k.current;
  if (!task) throw new Error(`${mod.name}: module_init sleeps with no task to sleep in`);
  task.calls = [...SLEEP_SITES.finitModule, { obj: mod.name, fn: `${mod.name}_init` }, ...sleepsIn.map((fn) => ({ obj: VMLINUX, fn }))];
  task.chain = [...task.calls];
  task.state = 'D';
  task.sleepsForever = waitsIn;
  delete task.hungSince;
  k.hungTask.taskBlocked();
}

/**
 * finit_module() of a file another task is still loading: mainline's
 * idempotent_init_module() waits, interruptibly, for that load to finish
 * (6.1: add_unformed_module() waits for the module to leave COMING; Debian's
 * 6.1 showed insmod in S state in load_module). One whose init never
 * returns never finishes: the task sleeps for good, and only a signal ends
 * the wait.
 */
function waitForLoading(k: Kernel): number {
  const task = k.current;
  if (!task) return -EEXIST;
  const frames = ['__x64_sys_finit_module', 'idempotent_init_module', 'idempotent_wait_for_completion', 'wait_for_completion_interruptible', '__wait_for_common', 'schedule_timeout', 'schedule'];
  task.calls = [...SLEEP_SITES.finitModule.slice(0, 2), ...frames.map((fn) => ({ obj: VMLINUX, fn }))];
  task.chain = [...task.calls];
  task.state = 'S';
  task.sleepsForever = 'idempotent_wait_for_completion';
  return 0;
}

function parseArgs(k: Kernel, mod: LoadedModule, args: string): number {
  for (const [name, value] of splitArgs(args)) {
    const spec = mod.spec.params?.find((p) => p.name === name.replace(/-/g, '_'));
    if (!spec) {
      say(k, MODULE_MAIN.unknownParam, { module: mod.name, param: name });
      continue;
    }
    const v = parseParam(spec, value ?? '');
    if (v === null || (value === null && spec.type !== 'bool')) {
      say(k, PARAMS.invalid, { doing: mod.name, val: value ?? '', param: name });
      return -EINVAL;
    }
    mod.params[spec.name] = v;
  }
  return 0;
}

/** delete_module()'s flags: O_TRUNC asks to force (rmmod -f); kmod always adds O_NONBLOCK. */
export const O_NONBLOCK = 0o4000;
export const O_TRUNC = 0o1000;

/**
 * The delete_module() system call. With O_TRUNC and CONFIG_MODULE_FORCE_UNLOAD
 * a module in use (or without an exit function) goes too: try_force_unload()
 * taints the kernel R, and free_module() unmaps its memory whatever still
 * points into it.
 */
export function delete_module(k: Kernel, name: string, flags = O_NONBLOCK): number {
  using _ = fentry(k, 'delete_module');
  const mod = k.modules.get(name);
  if (!mod || moduleState(mod) === 'gone') return -ENOENT;
  const hasInit = !!mod.spec.init || !!mod.spec.patch;
  const force = (flags & O_TRUNC) !== 0 && k.config.moduleForceUnload === true;
  return moduleSend(k, mod, { type: 'delete_module', hasExit: !!mod.spec.exit || !hasInit, force });
}

/** delete_module() once the module is GOING: exit, klp_module_going(), free. */
function unloadModule(k: Kernel, mod: LoadedModule): void {
  if (mod.spec.exit || mod.spec.patch) {
    using _ = fentry(k, mod.spec.exitFn ?? `${mod.name}_exit`);
    if (mod.spec.patch) livepatchExit(moduleApi(k, mod), mod.spec.exit);
    else mod.spec.exit?.(moduleApi(k, mod));
  }
  klp_module_going(k, mod);
  // last_unloaded_module, for the "Modules linked in:" of a later Oops
  k.lastUnloaded = { name: mod.name, taints: moduleTaintLetters(mod.taints) };
  freeModule(k, mod);
}

function freeModule(k: Kernel, mod: LoadedModule): void {
  using _ = fentry(k, 'free_module');
  for (const p of mod.procFiles) k.procFiles.delete(p);
  for (const d of mod.sysfsDirs.keys()) k.sysfsDirs.delete(d);
  for (const sym of mod.kprobes) k.ftrace.unregisterKprobe(sym, mod.name);
  moduleSend(k, mod, { type: 'free_module' });
  k.modules.delete(mod.name);
}
