/**
 * Time travel with checkpoints (issue 10): going to a random step of a long
 * session, stepping back past a day-long sleep, and what one copy of the
 * machine costs. Node, the engine alone: in the page the same work runs in
 * the worker.
 */
import { performance } from 'node:perf_hooks';
import { Timeline, DEFAULT_SETUP, type Setup } from '../src/session/timeline';
import { Shell } from '../src/kernel/shell/shell';
import { fork } from '../src/session/fork';
import { Random } from '../src/kernel/world/random';

const LP = '/sys/kernel/livepatch/test_klp_livepatch';
/** Ten steps a user could take, over and over: patch, look, unpatch, remove, look around. */
const ROUND = [
  'insmod test_modules/test_klp_livepatch.ko',
  'settle',
  `cat ${LP}/transition`,
  `echo 0 > ${LP}/enabled`,
  'settle',
  'rmmod test_klp_livepatch',
  'lsmod',
  'sleep 1',
  'ps -e | wc -l',
  'dmesg | tail -3',
];

function session(steps: number, setup: Setup = DEFAULT_SETUP): Timeline {
  const t = new Timeline(setup, (k) => new Shell(k));
  for (let i = 0; i < steps; i++) {
    const line = ROUND[i % ROUND.length]!;
    if (line === 'settle') t.settleStep();
    else t.command(line);
  }
  return t;
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

export interface CheckpointFigures {
  steps: number;
  gotoP50: number;
  gotoP95: number;
  gotoMax: number;
  checkpoints: number;
  forkMs: { tasks: number; ms: number }[];
  backPastDayMs: number;
  dayMs: number;
}

export function benchCheckpoints(): CheckpointFigures {
  const steps = 1000;
  const t = session(steps);
  const rng = new Random(7);
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const n = rng.int(steps + 1);
    const t0 = performance.now();
    t.goto(n);
    times.push(performance.now() - t0);
  }
  const forkMs = [];
  for (const tasks of [200, 10_000]) {
    const big = new Timeline({ ...DEFAULT_SETUP, config: { extraTasks: tasks } }, (k) => new Shell(k));
    const machine = { k: big.k, shell: new Shell(big.k) };
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      fork(machine);
      best = Math.min(best, performance.now() - t0);
    }
    forkMs.push({ tasks: big.k.tasks.length, ms: best });
  }
  // A day of a stalled transition's retries at 10,000 tasks, then back before it.
  const stalled = new Timeline({ ...DEFAULT_SETUP, config: { extraTasks: 10_000 } }, (k) => new Shell(k));
  stalled.command('insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
  stalled.command('insmod test_modules/test_klp_callbacks_demo.ko');
  let t0 = performance.now();
  stalled.command('sleep 1d');
  const dayMs = performance.now() - t0;
  stalled.command('cat /sys/kernel/livepatch/test_klp_callbacks_demo/transition');
  t0 = performance.now();
  stalled.goto(2);
  const backPastDayMs = performance.now() - t0;
  return {
    steps,
    gotoP50: percentile(times, 0.5),
    gotoP95: percentile(times, 0.95),
    gotoMax: Math.max(...times),
    checkpoints: t.checkpointPositions.length,
    forkMs,
    backPastDayMs,
    dayMs,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(benchCheckpoints());
