/**
 * What a caption says the PICTURE shows, checked through the views' own
 * pure model functions (src/views/*.ts) rather than the engine: where a
 * task's mark is drawn, the counts the task summary computes, a patch card's
 * state, the top of a func_stack, what the free queue shows pending, a
 * module's refcnt. Only structural fields of those models are read (regions'
 * states, tones, phases, counts), never their display strings, so wording
 * and layout may change without breaking the scenarios.
 *
 * Used by the scenario tests only: the app never loads this module.
 */
import type { KernelView } from '../kernel/view/types';
import { inTransition, isBlockingFrame, layoutTasks, summarize } from '../views/task-migration';
import { patchStackModel } from '../views/patch-stack';
import { funcStacksModel } from '../views/func-stacks';
import { freeQueueModel } from '../views/free-queue';
import { buildTree, flatten } from '../views/sysfs-tree';
import { shadowGroups } from '../views/kernel-state';
import type { PictureClaim, Universe } from './types';

const REGION: Record<number, Universe> = { [-1]: 'none', 0: 'unpatched', 1: 'patched' };

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

function list(xs: readonly string[]): string {
  return `[${xs.join(', ')}]`;
}

/** The one task a claim names by comm: a picture claim about an ambiguous name is itself an error. */
function taskIndex(view: KernelView, comm: string): number | string {
  const idx = view.tasks.flatMap((t, i) => (t.comm === comm ? [i] : []));
  if (idx.length === 0) return `no task ${comm} is drawn`;
  if (idx.length > 1) return `${idx.length} tasks are named ${comm}`;
  return idx[0]!;
}

/** An entry of a func_stack as the claims spell it: the patch, with " (nop)" for a nop. */
function entryName(r: { patch: string | null; nop: boolean }): string {
  return `${r.patch}${r.nop ? ' (nop)' : ''}`;
}

/**
 * The picture claims that do not hold for this step's view (`prev`: the
 * step before, which the views compare with), each said in words.
 */
export function failedPictureClaims(view: KernelView, prev: KernelView | null, claims: readonly PictureClaim[]): string[] {
  const out: string[] = [];
  for (const c of claims) {
    if ('mark' in c) {
      const i = taskIndex(view, c.mark);
      if (typeof i === 'string') {
        out.push(i);
        continue;
      }
      const layout = layoutTasks(view.tasks, view.transition);
      const region = REGION[layout.regions[layout.regionOf[i]!]!.state]!;
      if (region !== c.in) out.push(`${c.mark}'s mark is drawn in ${region}, not ${c.in}`);
    } else if ('switched' in c) {
      const s = summarize(view.tasks, view.transition);
      if (s.switched !== c.switched || s.total !== c.of) out.push(`the summary counts ${s.switched} of ${s.total} switched, not ${c.switched} of ${c.of}`);
    } else if ('pendingShown' in c) {
      const names = summarize(view.tasks, view.transition).pending.map((t) => t.comm);
      if (!sameSet(names, c.pendingShown)) out.push(`the tasks shown pending are ${list(names)}, not ${list(c.pendingShown)}`);
    } else if ('oldCode' in c) {
      const i = taskIndex(view, c.oldCode);
      if (typeof i === 'string') out.push(i);
      else if (view.tasks[i]!.oldCode !== c.is) out.push(`${c.oldCode} is drawn with old code ${view.tasks[i]!.oldCode}, not ${c.is}`);
    } else if ('blocker' in c) {
      const i = taskIndex(view, c.blocker);
      if (typeof i === 'string') {
        out.push(i);
        continue;
      }
      const t = view.tasks[i]!;
      if (t.blocker !== c.is) out.push(`${c.blocker} is drawn blocked by ${t.blocker}, not ${c.is}`);
      if (c.on !== undefined && t.blockedBy !== c.on) out.push(`${c.blocker} is drawn blocked on ${t.blockedBy}, not ${c.on}`);
    } else if ('inStack' in c) {
      const i = taskIndex(view, c.inStack);
      if (typeof i === 'string') out.push(i);
      else if (!view.tasks[i]!.stack.some((f) => isBlockingFrame(f, c.fn))) out.push(`${c.inStack}'s stack has no frame of ${c.fn}`);
    } else if ('signalled' in c) {
      const i = taskIndex(view, c.signalled);
      if (typeof i === 'string') out.push(i);
      else if (view.tasks[i]!.notifySignal !== c.is) out.push(`${c.signalled}'s fake signal is ${view.tasks[i]!.notifySignal ? '' : 'not '}drawn`);
    } else if ('tries' in c) {
      const tr = view.transition;
      if (!inTransition(tr)) {
        out.push('no transition status line is drawn');
        continue;
      }
      if (tr.signals !== c.tries) out.push(`the status line shows klp_signals_cnt (tries so far) ${tr.signals}, not ${c.tries}`);
      const next = tr.nextRetryAt === null ? null : Math.ceil((tr.nextRetryAt - view.time) / 1_000_000);
      if (c.nextTryIn !== undefined && next !== c.nextTryIn) out.push(`the status line shows the next try in ${next} s, not ${c.nextTryIn}`);
    } else if ('card' in c) {
      const m = patchStackModel(view, prev);
      const onStack = m.stack.findIndex((x) => x.name === c.card);
      const off = m.offList.find((x) => x.name === c.card);
      const card = onStack >= 0 ? m.stack[onStack]! : off;
      const where = onStack >= 0 ? 'stack' : off ? 'offList' : 'none';
      if (c.on !== undefined && where !== c.on) out.push(`${c.card}'s card is ${where === 'none' ? 'not drawn' : `on ${where}`}, not ${c.on}`);
      if (!card) {
        if (c.on === undefined) out.push(`no card for ${c.card}`);
        continue;
      }
      if (c.tone !== undefined && card.tone !== c.tone) out.push(`${c.card}'s card has tone ${card.tone}, not ${c.tone}`);
      if (c.forced !== undefined && card.forced !== c.forced) out.push(`${c.card}'s card is ${card.forced ? '' : 'not '}forced`);
      if (c.top !== undefined && (onStack === 0) !== c.top) out.push(`${c.card}'s card is ${onStack === 0 ? '' : 'not '}on top of the stack`);
      if (c.replacedBy !== undefined && card.replacedBy !== c.replacedBy) out.push(`${c.card}'s card is replaced by ${card.replacedBy}, not ${c.replacedBy}`);
    } else if ('object' in c) {
      const [patch, name] = [c.object.slice(0, c.object.indexOf('/')), c.object.slice(c.object.indexOf('/') + 1)];
      const m = patchStackModel(view, prev);
      const o = [...m.stack, ...m.offList].find((x) => x.name === patch)?.objects.find((x) => x.name === name);
      if (!o) out.push(`no object ${c.object} is drawn`);
      else {
        if (c.loaded !== undefined && o.loaded !== c.loaded) out.push(`${c.object} is drawn ${o.loaded ? '' : 'not '}loaded`);
        if (c.patched !== undefined && o.patched !== c.patched) out.push(`${c.object} is drawn ${o.patched ? '' : 'not '}patched`);
      }
    } else if ('funcStack' in c) {
      const layout = funcStacksModel(view, prev).find((l) => l.key.endsWith(`:${c.funcStack}`));
      const entries = layout ? layout.rows.filter((r) => r.kind === 'entry').map(entryName) : [];
      if (list(entries) !== list(c.is)) out.push(`${c.funcStack}'s func_stack shows ${list(entries)}, not ${list(c.is)}`);
      const top = layout?.rows[0];
      if (c.transition !== undefined && (top?.transition ?? false) !== c.transition) out.push(`${c.funcStack}'s top entry is ${c.transition ? 'not ' : ''}in transition`);
    } else if ('freeWork' in c) {
      const queued = freeQueueModel(view, prev).work.filter((w) => w.kind === 'free').map((w) => w.patch ?? '?');
      if (!sameSet(queued, c.freeWork)) out.push(`the free queue shows free_work pending for ${list(queued)}, not ${list(c.freeWork)}`);
    } else if ('freePhase' in c) {
      const p = freeQueueModel(view, prev).patches.find((x) => x.name === c.freePhase);
      if (!p) out.push(`the free queue does not show ${c.freePhase}`);
      else {
        if (p.phase !== c.is) out.push(`the free queue shows ${c.freePhase} ${p.phase}, not ${c.is}`);
        const put = p.steps.find((s) => s.id === 'module_put')?.status;
        if (c.modulePut !== undefined && put !== c.modulePut) out.push(`${c.freePhase}'s module_put() is ${put}, not ${c.modulePut}`);
      }
    } else if ('moduleRef' in c) {
      // The Modules view draws every loaded module's refcnt and pinnedForever from view.modules;
      // the free queue draws the livepatch modules' rows (moduleRows). Both must agree with the claim.
      const m = view.modules.find((x) => x.name === c.moduleRef);
      const row = freeQueueModel(view, prev).modules.find((x) => x.name === c.moduleRef && !x.gone);
      if (!m) out.push(`the Modules view does not show ${c.moduleRef}`);
      else {
        if (m.refcnt !== c.is) out.push(`the Modules view shows ${c.moduleRef} refcnt ${m.refcnt}, not ${c.is}`);
        if (c.pinned !== undefined && m.pinnedForever !== c.pinned) out.push(`${c.moduleRef} is ${m.pinnedForever ? '' : 'not '}drawn pinned forever`);
        if (m.livepatch && (!row || row.refcnt !== m.refcnt || row.pinnedForever !== m.pinnedForever)) out.push(`the free queue's row for ${c.moduleRef} disagrees with the Modules view`);
      }
    } else if ('moduleGone' in c) {
      if (view.modules.some((x) => x.name === c.moduleGone)) out.push(`the Modules view still shows ${c.moduleGone}`);
    } else if ('sysfs' in c) {
      const node = flatten(buildTree(view.sysfs, prev?.sysfs ?? null)).find((n) => n.path === c.sysfs);
      if (c.value === null) {
        if (node) out.push(`sysfs draws ${c.sysfs}`);
        continue;
      }
      if (!node) {
        out.push(`sysfs does not draw ${c.sysfs}`);
        continue;
      }
      if (c.value !== undefined && node.value !== c.value) out.push(`sysfs draws ${c.sysfs} as ${JSON.stringify(node.value)}, not ${JSON.stringify(c.value)}`);
      if (c.status !== undefined && node.status !== c.status) out.push(`sysfs draws ${c.sysfs} ${node.status}, not ${c.status}`);
    } else if ('shadowVars' in c) {
      const g = shadowGroups(view).find((x) => x.id === c.shadowVars) ?? { count: 0, onFreed: 0, owners: [] };
      if (g.count !== c.count) out.push(`Kernel state shows ${g.count} shadow variables with id ${c.shadowVars}, not ${c.count}`);
      if (c.onFreed !== undefined && g.onFreed !== c.onFreed) out.push(`Kernel state shows ${g.onFreed} of id ${c.shadowVars} on freed objects, not ${c.onFreed}`);
      if (c.owners !== undefined && !sameSet(g.owners, c.owners)) out.push(`Kernel state shows id ${c.shadowVars} allocated by ${list(g.owners)}, not ${list(c.owners)}`);
    }
  }
  return out;
}
