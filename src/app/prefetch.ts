/**
 * Once the first situation is drawn and the browser is idle, fetch every
 * piece of code the page may load later (views below the fold, talk mode,
 * every scenario and story, the link codec), so that from then on nothing
 * needs the network: the app keeps working offline, and opening a scenario
 * never waits. Marks `klpscope:prefetched` when all of it is there. One
 * piece per idle moment: evaluated together they held the page's thread
 * for 300 ms.
 */
import { SCENARIO_LIST } from '../scenarios/catalog';

const LATER: (() => Promise<unknown>)[] = [
  () => import('./links'),
  () => import('./layouts/Talk.svelte'),
  () => import('./layouts/Embed.svelte'),
  () => import('./KeyHelp.svelte'),
  () => import('./Intro.svelte'),
  () => import('./Closing.svelte'),
  () => import('../views/FuncStacks.svelte'),
  () => import('../views/Modules.svelte'),
  () => import('../views/FreeQueue.svelte'),
  () => import('../views/KernelState.svelte'),
  () => import('../views/SysfsTree.svelte'),
  () => import('../views/Statechart.svelte'),
  () => import('../views/TaskCanvas.svelte'),
  // A story's picture and captions load with its load(), after the entry itself.
  ...SCENARIO_LIST.map((e) => () => e.load().then((s): Promise<unknown> | null => (s.kind === 'story' ? s.load() : null))),
];

let started = false;

export function prefetchWhenIdle(): void {
  if (started) return;
  started = true;
  let failed = false;
  const next = (i: number) => {
    if (i === LATER.length) {
      // A failed fetch (offline before it finished) is retried by the import() that needs it.
      if (!failed) performance.mark('klpscope:prefetched');
      return;
    }
    whenIdle(() =>
      LATER[i]!().then(
        () => next(i + 1),
        () => ((failed = true), next(i + 1)),
      ),
    );
  };
  next(0);
}

function whenIdle(go: () => void): void {
  if ('requestIdleCallback' in window) requestIdleCallback(go, { timeout: 2000 });
  else setTimeout(go, 50);
}
