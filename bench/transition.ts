/**
 * What a virtual second of a livepatch transition costs the engine as the
 * machine grows: a patch whose transition a kworker blocks (sleeping in the
 * function being patched), on machines of 100, 1,000 and 10,000 tasks; every
 * virtual second brings klp_try_complete_transition() over every task, and
 * the 15th the fake signals. Also: every narrated scenario replayed.
 */
import { bootKernel } from '../src/kernel/boot';
import { Shell } from '../src/kernel/shell/shell';
import { settle } from '../src/kernel/settle';
import { Timeline } from '../src/session/timeline';
import { SCENARIOS } from '../src/scenarios/index';
import { playStep } from '../src/scenarios/run';

export interface TransitionFigures {
  tasks: number;
  /** engine wall time per virtual second of the stalled transition */
  msPerVirtualSecond: number;
}

/** Virtual seconds measured: past the first fake signal (15 s), twice. */
const SECONDS = 32;

function oneRun(extraTasks: number): { tasks: number; ms: number } {
  const k = bootKernel({ extraTasks, cpus: 4 });
  const sh = new Shell(k);
  sh.run('insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
  settle(k);
  const t0 = performance.now();
  sh.run('insmod test_modules/test_klp_callbacks_demo.ko');
  sh.run(`sleep ${SECONDS}`);
  const ms = performance.now() - t0;
  if (!k.transitionRunning()) throw new Error('bench: the transition was meant to stay blocked');
  return { tasks: k.tasks.length, ms };
}

export function benchTransition(sizes = [100, 1000, 10000]): TransitionFigures[] {
  return sizes.map((n) => {
    const base = bootKernel({ cpus: 4 }).tasks.length;
    const extra = Math.max(0, n - base);
    oneRun(extra); // warm-up
    const runs = n >= 10000 ? 3 : 7;
    let best = Infinity;
    let tasks = 0;
    for (let i = 0; i < runs; i++) {
      const r = oneRun(extra);
      best = Math.min(best, r.ms);
      tasks = r.tasks;
    }
    return { tasks, msPerVirtualSecond: best / SECONDS };
  });
}

/** Every timeline scenario played from its set-up to its last step; best of `passes`. */
export function benchScenarios(passes = 10): { scenarios: number; onePassMs: number } {
  const all = SCENARIOS.filter((s) => s.kind === 'timeline');
  let best = Infinity;
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    for (const s of all) {
      const t = new Timeline(s.setup, (k) => new Shell(k));
      for (const step of s.steps) playStep(t, step);
    }
    best = Math.min(best, performance.now() - t0);
  }
  return { scenarios: all.length, onePassMs: best };
}
