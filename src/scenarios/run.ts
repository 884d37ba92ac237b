/**
 * Plays a timeline scenario's steps on a Timeline, and checks what each
 * caption claims.
 */
import type { Timeline, StepRecord } from '../app/timeline';
import { lookup } from '../kernel/fs/vfs';
import type { Claim, ScenarioStep } from './types';

/** Applies one scenario step; a `wake` names its task by comm, found now. */
export function playStep(t: Timeline, step: ScenarioStep): StepRecord {
  const d = step.do;
  if ('command' in d) return t.command(d.command);
  if ('settle' in d) return t.settleStep();
  if ('advance' in d) return t.advance(d.advance);
  if ('wake' in d) {
    const task = t.k.tasks.find((x) => x.comm === d.wake);
    if (!task) throw new Error(`scenario: no task named ${d.wake}`);
    return t.wake(task.pid);
  }
  const rec = t.forward();
  if (!rec) throw new Error('scenario: no kernel event to step to');
  return rec;
}

function read(t: Timeline, path: string): string | null {
  const n = lookup(t.k, path);
  if (!n || n.kind !== 'file' || !n.read) return null;
  const v = n.read();
  return typeof v === 'string' ? v.replace(/\n$/, '') : null;
}

/** The claims that do not hold after this step, each said in words. */
export function failedClaims(t: Timeline, rec: StepRecord, claims: readonly Claim[] = []): string[] {
  const out: string[] = [];
  const view = t.view();
  for (const c of claims) {
    if ('log' in c) {
      if (!rec.log.some((l) => l.text.includes(c.log))) out.push(`no log line with "${c.log}"`);
    } else if ('noLog' in c) {
      if (rec.log.some((l) => l.text.includes(c.noLog))) out.push(`a log line has "${c.noLog}"`);
    } else if ('term' in c) {
      if (!rec.term.some((l) => l.kind !== 'prompt' && l.text.includes(c.term))) out.push(`the shell did not print "${c.term}"`);
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
