/**
 * Plays a timeline scenario's steps on a Timeline (what each caption claims
 * is checked in claims.ts, by the tests).
 */
import type { Timeline, StepRecord } from '../session/timeline';
import type { ScenarioStep } from './types';

/** Applies one scenario step; a `wake` names its task by comm, found now. */
export function playStep(t: Timeline, step: Pick<ScenarioStep, 'do'>): StepRecord {
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
