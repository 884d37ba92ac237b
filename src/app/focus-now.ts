/**
 * The focus at the current position: the scenario's own, while what is shown
 * is a step of the scenario, else one read off the kernel, so an exploration
 * also has its picture on the first screen and its actors named.
 */
import type { KernelView } from '../kernel/view/types';
import type { Scenario, StoryStep } from '../scenarios/types';
import type { Actor, Focus, KernelViewId } from '../views/focus';

/** At most this many tasks are named in an exploration: the ones a transition waits for. */
const NAMED_TASKS = 3;

export function focusNow(
  scenario: Scenario | null,
  scenarioInputs: number,
  position: number,
  storySteps: readonly StoryStep[],
  view: KernelView | null,
): Focus {
  if (scenario?.kind === 'story') return storySteps[position]?.focus ?? { views: ['story'] };
  if (scenario && position <= scenarioInputs) {
    const f = position === 0 ? scenario.introFocus : scenario.steps[position - 1]?.focus;
    if (f) return f;
  }
  return explorationFocus(view);
}

/**
 * What an exploration's step is about, from the kernel alone: a transition's
 * tasks and the tasks it waits for; a patch on its way to free_work; else
 * the patch stack. The views stay the same while the situation does, so
 * the picture does not jump between steps.
 */
export function explorationFocus(view: KernelView | null): Focus {
  if (!view) return { views: ['patches'] };
  const tr = view.transition.patch;
  if (tr !== null) {
    const waiting = view.tasks.filter((t) => t.pending && t.blocker !== null && t.kind !== 'idle').slice(0, NAMED_TASKS);
    return { views: ['tasks', 'patches'], actors: [{ patch: tr }, ...waiting.map((t): Actor => ({ task: t.comm }))] };
  }
  const freeing = view.patches.find((p) => p.freeWorkPending || (!p.listed && p.sysfs));
  if (freeing) return { views: ['free', 'patches'], actors: [{ patch: freeing.name }] };
  return { views: ['patches', 'tasks'] };
}

/** The kernel views a layout puts on its stage: the focus's, without the shell and log (those have their own place). */
export function stageViews(focus: Focus, max: number): KernelViewId[] {
  const views = focus.views.filter((v): v is KernelViewId => v !== 'story' && v !== 'shell' && v !== 'log');
  return views.slice(0, max);
}

/**
 * The panels of a stage with no shell beside it (talk mode, embed): the
 * focus's views, the shell and log included (drawn large), at most `max`;
 * the patch stack when the focus names none.
 */
export function stagePanels(focus: Focus, max: number): KernelViewId[] {
  const views = focus.views.filter((v): v is KernelViewId => v !== 'story').slice(0, max);
  return views.length ? views : ['patches'];
}
