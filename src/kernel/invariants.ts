/**
 * The invariants of ../shared/livepatch/semantics.md §7 that hold between
 * kernel events, as a checker: it returns what is violated, so a property
 * test (or a debugging session) can say exactly which rule broke.
 */
import type { Kernel } from './kernel';
import { KLP_TRANSITION_IDLE } from './machines/transition.machine';
import { moduleRefcnt, moduleState } from './module/types';
import { lookup } from './fs/vfs';
import { sysfsModules } from './fs/sysfs-module';
import { hasTaint, TAINT_FORCED_RMMOD } from './world/taint';

/** Patch states a patch may rest in between events. */
const RESTING = new Set(['patching', 'enabled', 'unpatching', 'disabled', 'failed', 'refused', 'freed']);

export function checkInvariants(k: Kernel): string[] {
  const v: string[] = [];
  const tr = k.klp.transition;
  const transitionPatch = k.klpTransitionPatch();
  const target = k.klpTargetState();
  const everyTask = [...k.tasks, ...k.cpus.map((c) => c.idle)];

  // 1. At most one patch is in transition, and it is klp_transition_patch.
  const inTransition = k.klp.all.filter((p) => p.machine.value === 'patching' || p.machine.value === 'unpatching');
  if (inTransition.length > 1) v.push(`${inTransition.length} patches in transition`);
  if (inTransition.length === 1 && inTransition[0] !== transitionPatch) v.push('a patch in transition is not klp_transition_patch');
  if (transitionPatch && !inTransition.includes(transitionPatch)) v.push('klp_transition_patch is not in a transition state');
  for (const p of k.klp.all) if (!RESTING.has(String(p.machine.value))) v.push(`patch ${p.mod.name} rests in ${String(p.machine.value)}`);

  // 2. klp_target_state is KLP_TRANSITION_IDLE exactly when no patch is in transition.
  if ((target === KLP_TRANSITION_IDLE) !== (transitionPatch === null)) v.push('klp_target_state and klp_transition_patch disagree');
  if (tr.value !== 'idle' && tr.value !== 'running') v.push(`transition machine rests in ${String(tr.value)}`);

  // 3./4./5. Each task is in exactly one universe; pending means not yet switched.
  for (const t of everyTask) {
    if (transitionPatch === null) {
      if (t.patchState !== KLP_TRANSITION_IDLE || t.pending) v.push(`${t.comm}:${t.pid} has patch state ${t.patchState} outside a transition`);
    } else {
      if (t.patchState === KLP_TRANSITION_IDLE) v.push(`${t.comm}:${t.pid} has no universe during a transition`);
      if (t.pending !== (t.patchState !== target)) v.push(`${t.comm}:${t.pid} pending=${t.pending} but patch_state=${t.patchState}, target ${target}`);
    }
  }

  // 11. klp_patches holds enabled patches and the transition patch only.
  for (const p of k.klp.patches) {
    const s = p.machine.value;
    if (s !== 'enabled' && s !== 'patching' && s !== 'unpatching') v.push(`disabled patch ${p.mod.name} (${String(s)}) on klp_patches`);
  }

  // 14. A livepatch module is pinned while its patch exists; refcounts never go negative.
  // Only `rmmod -f` (CONFIG_MODULE_FORCE_UNLOAD) breaks this, on purpose: it frees the module under
  // its patch, taints the kernel R, and what touches the patch next Oopses. A deliberately broken
  // kernel, which the checker names as such.
  for (const p of k.klp.all) {
    if (moduleState(p.mod) === 'gone' || !k.modules.has(p.mod.name)) {
      const forced = hasTaint(k.tainted, TAINT_FORCED_RMMOD) ? ': rmmod -f freed it under its patch (taint R), a deliberately broken kernel' : '';
      v.push(`patch ${p.mod.name} outlived its module${forced}`);
    }
    if (moduleRefcnt(p.mod) < 1) v.push(`module ${p.mod.name} not pinned by its patch`);
  }
  for (const m of k.modules.values()) if (moduleRefcnt(m) < 0) v.push(`module ${m.name} refcnt ${moduleRefcnt(m)}`);

  // Functions: in transition exactly while their patch is the transition patch; stacks consistent.
  for (const p of k.klp.all) {
    for (const o of p.objs) {
      if (o.patched && o.name !== null && !o.mod) v.push(`${p.mod.name}/${o.name} patched but not loaded`);
      for (const f of o.funcs) {
        if (f.transition !== (p === transitionPatch)) v.push(`${p.mod.name}/${f.oldName} transition=${f.transition}`);
        const onStack = f.oldFunc ? k.klp.ops.get(`${f.oldFunc.obj}:${f.oldFunc.fn}`)?.funcStack.includes(f) ?? false : false;
        if (f.patched !== onStack) v.push(`${p.mod.name}/${f.oldName} patched=${f.patched} but on stack=${onStack}`);
      }
    }
  }
  for (const [key, ops] of k.klp.ops) if (ops.funcStack.length === 0) v.push(`empty func_stack for ${key}`);

  // Sysfs entries exist exactly when their objects do.
  const dir = lookup(k, '/sys/kernel/livepatch');
  const listed = dir?.kind === 'dir' ? dir.list().sort() : [];
  const expected = k.klp.all.filter((p) => p.kobj.inSysfs).map((p) => p.mod.name).sort();
  if (listed.join() !== expected.join()) v.push(`/sys/kernel/livepatch lists [${listed}] for patches [${expected}]`);
  for (const p of k.klp.patches) {
    if (!p.kobj.inSysfs) v.push(`listed patch ${p.mod.name} has no sysfs directory`);
    for (const o of p.objs) if (!lookup(k, `/sys/kernel/livepatch/${p.mod.name}/${o.kobj.name}/patched`)) v.push(`${p.mod.name}/${o.kobj.name} has no sysfs directory`);
  }
  const mods = lookup(k, '/sys/module');
  const modList = mods?.kind === 'dir' ? mods.list().sort() : [];
  const loaded = sysfsModules(k).map((m) => m.name).sort();
  if (modList.join() !== loaded.join()) v.push(`/sys/module lists [${modList}] for modules [${loaded}]`);
  return v;
}
