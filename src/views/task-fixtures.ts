/** Tasks for the tests of task-migration.ts and task-canvas.ts. */
import type { TaskView, TransitionView } from '../kernel/view/types';

export function task(over: Partial<TaskView> & Pick<TaskView, 'pid' | 'comm'>): TaskView {
  return {
    kind: 'user',
    cpu: 0,
    state: 'S',
    running: false,
    patchState: -1,
    pending: false,
    notifySignal: false,
    behavior: 'sleeper',
    stack: ['schedule'],
    blockedBy: null,
    blocker: null,
    oldCode: null,
    ...over,
  };
}

const names: TransitionView['names'] = ['KLP_TRANSITION_IDLE', 'KLP_TRANSITION_UNPATCHED', 'KLP_TRANSITION_PATCHED'];
export const NONE: Pick<TransitionView, 'patch' | 'target' | 'names'> = { patch: null, target: -1, names };
export const PATCHING = { patch: 'p', target: 1, names } as const;
export const UNPATCHING = { patch: 'p', target: 0, names } as const;

/** A small system like the engine's while patching: 41 switched, a kworker and an idle task not. */
export function smallSystem(): TaskView[] {
  const tasks: TaskView[] = [];
  for (let c = 0; c < 4; c++) tasks.push(task({ pid: 0, comm: `swapper/${c}`, kind: 'idle', cpu: c, state: 'R', running: true, patchState: 1 }));
  for (let p = 1; p <= 39; p++) tasks.push(task({ pid: p, comm: p < 25 ? `k${p}` : `u${p}`, kind: p < 25 ? 'kthread' : 'user', cpu: p % 4, patchState: 1 }));
  tasks[6] = task({
    pid: 3,
    comm: 'kworker/0:1',
    kind: 'kthread',
    state: 'D',
    patchState: 0,
    pending: true,
    stack: ['schedule', 'msleep', 'busymod_work_func [test_klp_callbacks_busy]', 'process_one_work'],
    blockedBy: 'busymod_work_func',
    blocker: 'sleeping',
  });
  tasks[2] = task({ pid: 0, comm: 'swapper/2', kind: 'idle', cpu: 2, state: 'R', running: true, patchState: 0, pending: true, blocker: 'running' });
  return tasks;
}
