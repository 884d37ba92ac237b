/**
 * The kernel API as a module's code sees it (ModuleApi), bound to one
 * loaded module: its printk (with its name as pr_fmt prefix), its parameters, its patch,
 * workqueues, proc and sysfs files, kprobes, shadow variables.
 */
import type { Kernel } from '../kernel';
import type { ModuleApi, ShadowApi, WorkFn } from '../catalog/api';
import { EEXIST } from '../world/errno';
import { say, type Args, type Word } from '../words';
import type { ShadowSay } from '../livepatch/shadow';
// A module's init calls klp_enable_patch(), and livepatch calls the module back through this API (its
// callbacks): module/ and livepatch/ import each other here as a livepatch module and the kernel do.
import { klp_enable_patch } from '../livepatch/core';
import { klp_enable_registered_patch, klp_register_patch, klp_unregister_patch } from '../livepatch/register';
import { klp_get_prev_state, klp_get_state } from '../livepatch/state';
import type { LoadedModule } from './types';
// schedule_work() from the module, and its work function run with this API: work.ts imports it back.
import { startWork, finishWork, scheduleDelayedWork, cancelDelayedWork } from './work';
import { jiffiesAt } from '../world/jiffies';
import { hashedPointer } from '../world/vsprintf';

const cache = new WeakMap<LoadedModule, ModuleApi>();

export function moduleApi(k: Kernel, mod: LoadedModule): ModuleApi {
  let api = cache.get(mod);
  if (api) return api;
  const shadowSay: ShadowSay = (w, args) => say(k, w as Word, args as Args<string>);
  const shadow: ShadowApi = {
    get: (obj, id) => k.shadow.get(obj, id),
    alloc: (obj, id, size, ctor, data) =>
      k.shadow.getOrAlloc(obj, id, size, ctor, data, true, () => k.address('heap'), shadowSay, mod.name),
    getOrAlloc: (obj, id, size, ctor, data) =>
      k.shadow.getOrAlloc(obj, id, size, ctor, data, false, () => k.address('heap'), shadowSay, mod.name),
    free: (obj, id, dtor) => k.shadow.free(obj, id, dtor),
    freeAll: (id, dtor) => k.shadow.freeAll(id, dtor),
  };
  api = {
    name: mod.name,
    say: (w, ...args) => say(k, w as Word, (args[0] ?? {}) as Args<string>, { modname: mod.name }),
    param: (name) => {
      if (!(name in mod.params)) throw new Error(`${mod.name} has no parameter ${name}`);
      return mod.params[name]!;
    },
    set_param: (name, value) => {
      mod.params[name] = value;
    },
    data: mod.data,
    klp_enable_patch: () => (k.profile.registerApi ? klp_enable_registered_patch(k, mod) : klp_enable_patch(k, mod)),
    klp_register_patch: () => klp_register_patch(k, mod),
    klp_unregister_patch: () => klp_unregister_patch(k, mod),
    registerApi: k.profile.registerApi,
    klp_get_state: (id) => (mod.patch ? klp_get_state(mod.patch, id) : null),
    klp_get_prev_state: (id) => klp_get_prev_state(k, id),
    schedule_work: (name: string, fn: WorkFn) => startWork(k, mod, name, fn),
    flush_work: (name: string) => finishWork(k, mod, name),
    schedule_delayed_work: (name, delay, fn) => scheduleDelayedWork(k, mod, name, delay, fn),
    cancel_delayed_work_sync: (name) => cancelDelayedWork(k, mod, name),
    proc_create: (name, showFunction) => {
      const path = `/proc/${name}`;
      if (k.procFiles.has(path)) return -EEXIST;
      k.procFiles.set(path, { mod: mod.name, fn: showFunction });
      mod.procFiles.add(path);
      return 0;
    },
    proc_remove: (name) => {
      k.procFiles.delete(`/proc/${name}`);
      mod.procFiles.delete(`/proc/${name}`);
    },
    sysfs_create: (dir, attr, show) => {
      const path = `/sys/kernel/${dir}`;
      let attrs = k.sysfsDirs.get(path);
      if (!attrs) {
        attrs = new Map();
        k.sysfsDirs.set(path, attrs);
        mod.sysfsDirs.set(path, attrs);
      }
      attrs.set(attr, { mod: mod.name, show });
      return 0;
    },
    sysfs_remove: (dir) => {
      k.sysfsDirs.delete(`/sys/kernel/${dir}`);
      mod.sysfsDirs.delete(`/sys/kernel/${dir}`);
    },
    register_kprobe: (symbol, postHandler) => {
      const ret = k.ftrace.registerKprobe(symbol, postHandler, mod.name);
      if (ret === 0) mod.kprobes.add(symbol);
      return ret;
    },
    unregister_kprobe: (symbol) => {
      k.ftrace.unregisterKprobe(symbol, mod.name);
      mod.kprobes.delete(symbol);
    },
    shadow,
    address: (kind) => k.address(kind),
    kzalloc: () => k.address('heap'),
    kfree: (addr) => {
      k.memory.delete(addr);
      k.freed.add(addr);
    },
    call: (fn, ...args) => {
      if (!k.current) throw new Error(`${mod.name}: ${fn}() called with no task running`);
      const ret = k.callFunction(k.current, { obj: mod.name, fn }, k.current.calls.at(-1)?.fn ?? mod.name, args);
      return typeof ret === 'number' ? ret : 0;
    },
    jiffies: () => jiffiesAt(k.now),
    p: (addr) => hashedPointer(addr, k.config.seed),
    peek: (addr) => k.memory.get(addr) ?? 0,
    poke: (addr, value) => void k.memory.set(addr, value),
  };
  cache.set(mod, api);
  return api;
}
