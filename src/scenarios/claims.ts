/**
 * Checks what a step's caption claims: about the engine (log lines, the
 * shell's output, files, the transition, tasks, refcounts) and about the
 * picture (picture.ts, through the views' models). For the tests: the app
 * does not load this module.
 */
import type { Timeline, StepRecord } from '../session/timeline';
import { lookup } from '../kernel/fs/vfs';
import { failedPictureClaims } from './picture';
import type { Claim, PictureClaim } from './types';
import { line, wordById } from '../kernel/words';

const PICTURE_KEYS = ['mark', 'switched', 'pendingShown', 'oldCode', 'blocker', 'inStack', 'signalled', 'tries', 'card', 'object', 'funcStack', 'freeWork', 'freePhase', 'moduleRef', 'moduleGone', 'sysfs', 'shadowVars'] as const;

export function isPictureClaim(c: Claim): c is PictureClaim {
  return PICTURE_KEYS.some((k) => k in c);
}

/** The line a `said` claim expects (its entry checked when the scenario is read: format.ts). */
function saidLine(c: Extract<Claim, { said: string }>): string {
  const w = wordById(c.said);
  if (!w) throw new Error(`no entry "${c.said}" in the kernel's words`);
  return line(w, c.with as never, c.modname ? { modname: c.modname } : undefined);
}

function read(t: Timeline, path: string): string | null {
  const n = lookup(t.k, path);
  if (!n || n.kind !== 'file' || !n.read) return null;
  const v = n.read();
  return typeof v === 'string' ? v.replace(/\n$/, '') : null;
}

/** The claims that do not hold after this step, each said in words. */
export function failedClaims(t: Timeline, rec: StepRecord, claims: readonly Claim[] = []): string[] {
  const view = t.view();
  const out = failedPictureClaims(view, t.position > 0 ? t.cachedView(t.position - 1) : null, claims.filter(isPictureClaim));
  for (const c of claims) {
    if (isPictureClaim(c)) continue;
    if ('said' in c) {
      const text = saidLine(c);
      if (!rec.log.some((l) => l.text.includes(text))) out.push(`no log line with "${text}"`);
    } else if ('log' in c) {
      if (!rec.log.some((l) => l.text.includes(c.log))) out.push(`no log line with "${c.log}"`);
    } else if ('noLog' in c) {
      if (rec.log.some((l) => l.text.includes(c.noLog))) out.push(`a log line has "${c.noLog}"`);
    } else if ('term' in c) {
      if (!rec.term.some((l) => l.kind !== 'prompt' && l.text.includes(c.term))) out.push(`the shell did not print "${c.term}"`);
    } else if ('termLine' in c) {
      if (!rec.term.some((l) => l.kind !== 'prompt' && l.text === c.termLine)) out.push(`the shell printed no line "${c.termLine}"`);
    } else if ('file' in c && 'equals' in c) {
      const v = read(t, c.file);
      if (v !== c.equals) out.push(`${c.file} reads ${JSON.stringify(v)}, not ${JSON.stringify(c.equals)}`);
    } else if ('file' in c) {
      const v = read(t, c.file);
      if (v === null || !v.includes(c.contains)) out.push(`${c.file} does not contain "${c.contains}"`);
    } else if ('exists' in c) {
      if ((lookup(t.k, c.exists) !== null) !== c.is) out.push(`${c.exists} ${c.is ? 'is missing' : 'exists'}`);
    } else if ('transitionPatch' in c) {
      if (view.transition.patch !== c.transitionPatch) out.push(`klp_transition_patch is ${view.transition.patch}`);
    } else if ('pending' in c) {
      const n = view.tasks.filter((x) => x.pending).length;
      if (n !== c.pending) out.push(`${n} tasks pending, not ${c.pending}`);
    } else if ('taskPending' in c) {
      const task = view.tasks.find((x) => x.comm === c.taskPending);
      if (!task || task.pending !== c.is) out.push(`${c.taskPending} pending is ${task?.pending}`);
    } else if ('refcnt' in c) {
      const m = view.modules.find((x) => x.name === c.refcnt);
      if (!m || m.refcnt !== c.is) out.push(`${c.refcnt} refcnt is ${m?.refcnt}`);
    }
  }
  return out;
}
