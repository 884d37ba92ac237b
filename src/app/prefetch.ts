/**
 * Once the first situation is drawn and the browser is idle, fetch every
 * piece of code the page may load later (views below the fold, talk mode,
 * every scenario and story, the link codec), so that from then on nothing
 * needs the network: the app keeps working offline, and opening a scenario
 * never waits. Marks `klpscope:prefetched` when all of it is there.
 */
import { SCENARIO_LIST } from '../scenarios/catalog';

const LATER: (() => Promise<unknown>)[] = [
  () => import('./links'),
  () => import('./layouts/Talk.svelte'),
  () => import('./layouts/Embed.svelte'),
  () => import('./KeyHelp.svelte'),
  () => import('./Intro.svelte'),
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
  const go = () =>
    void Promise.allSettled(LATER.map((load) => load())).then((results) => {
      // A failed fetch (offline before it finished) is retried by the import() that needs it.
      if (results.every((r) => r.status === 'fulfilled')) performance.mark('klpscope:prefetched');
    });
  if ('requestIdleCallback' in window) requestIdleCallback(go, { timeout: 2000 });
  else setTimeout(go, 200);
}
