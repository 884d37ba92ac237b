/**
 * Is a step's focus something its picture can show? Known views, at most
 * two; each actor exists at that step (or, for what a view draws as just
 * gone, the step before), and is of a kind one of the focused views draws.
 * For the scenario tests: the app does not load this module.
 */
import type { Kernel } from '../kernel/kernel';
import { lookup } from '../kernel/fs/vfs';
import type { KernelView, SysfsEntry } from '../kernel/view/types';
import { actorKind, actorName, VIEW_IDS, type ActorKind, type Focus, type KernelViewId } from '../views/focus';
import { kernelStateRows } from '../views/kernel-state';

/** The views that draw each kind of actor. */
export const SHOWN_IN: Record<ActorKind, readonly KernelViewId[]> = {
  task: ['tasks', 'state'],
  patch: ['patches', 'funcs', 'free', 'state', 'sysfs', 'charts'],
  func: ['funcs', 'patches', 'state'],
  module: ['modules', 'free', 'sysfs'],
  kobject: ['free', 'sysfs', 'patches'],
  file: ['sysfs', 'shell'],
  state: ['state', 'tasks', 'patches'],
  machine: ['charts'],
  shadow: ['state'],
  part: [],
};

export const MACHINES = ['patch', 'transition', 'module'] as const;

function sysfsPaths(entries: readonly SysfsEntry[], out = new Set<string>()): Set<string> {
  for (const e of entries) {
    out.add(e.path);
    if (e.children) sysfsPaths(e.children, out);
  }
  return out;
}

function funcNames(v: KernelView | null): Set<string> {
  const out = new Set<string>();
  for (const s of v?.funcStacks ?? []) out.add(s.fn);
  for (const p of v?.patches ?? []) for (const o of p.objects) for (const f of o.funcs) out.add(f.oldName);
  return out;
}

/** What is wrong with a timeline step's focus, in words ([] when nothing). */
export function focusProblems(focus: Focus | undefined, k: Kernel, view: KernelView, prev: KernelView | null): string[] {
  if (!focus) return ['no focus'];
  const out: string[] = [];
  if (focus.views.length < 1 || focus.views.length > 2) out.push(`${focus.views.length} views (one or two)`);
  if (new Set(focus.views).size !== focus.views.length) out.push('a view named twice');
  for (const v of focus.views) if (!(VIEW_IDS as readonly string[]).includes(v)) out.push(`unknown view ${v}`);
  const sysfs = sysfsPaths(view.sysfs);
  const sysfsBefore = sysfsPaths(prev?.sysfs ?? []);
  for (const a of focus.actors ?? []) {
    const kind = actorKind(a);
    const name = actorName(a);
    const where = SHOWN_IN[kind];
    if (!focus.views.some((v) => (where as readonly string[]).includes(v))) out.push(`${kind} ${name}: none of ${focus.views.join(', ')} draws a ${kind}`);
    const either = (has: (v: KernelView) => boolean) => has(view) || (prev !== null && has(prev));
    switch (kind) {
      case 'task':
        if (!view.tasks.some((t) => t.comm === name)) out.push(`no task ${name}`);
        break;
      case 'patch':
        if (!either((v) => v.patches.some((p) => p.name === name))) out.push(`no patch ${name}`);
        break;
      case 'func':
        if (!funcNames(view).has(name) && !funcNames(prev).has(name)) out.push(`no patched function ${name}`);
        break;
      case 'module':
        if (!either((v) => v.modules.some((m) => m.name === name))) out.push(`no module ${name}`);
        break;
      case 'kobject': {
        const path = `/sys/kernel/livepatch/${name}`;
        if (!sysfs.has(path) && !sysfsBefore.has(path)) out.push(`no kobject ${name}`);
        break;
      }
      case 'file':
        if (!name.startsWith('/')) out.push(`file ${name} is not an absolute path`);
        else if (lookup(k, name) === null && !sysfsBefore.has(name)) out.push(`no file ${name}`);
        break;
      case 'state':
        if (!kernelStateRows(view, prev).some((r) => r.scope === 'global' && r.name === name)) out.push(`no livepatch variable ${name}`);
        break;
      case 'machine':
        if (!(MACHINES as readonly string[]).includes(name)) out.push(`no statechart ${name}`);
        break;
      case 'shadow':
        if (!either((v) => v.shadow.some((x) => String(x.id) === name))) out.push(`no shadow variable with id ${name}`);
        break;
      case 'part':
        out.push(`a story part (${name}) in a timeline scenario`);
        break;
    }
  }
  return out;
}
