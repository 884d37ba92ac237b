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

/**
 * The focus of every position of the scenario, while what is shown is a step
 * of it (null in an exploration or a story): what a layout needs to keep its
 * stage steady from step to step.
 */
export function scenarioFocuses(scenario: Scenario | null, scenarioInputs: number, position: number): readonly Focus[] | null {
  if (scenario?.kind !== 'timeline' || position > scenarioInputs) return null;
  return [scenario.introFocus, ...scenario.steps.map((s) => s.focus)];
}

/** Picks the views a layout puts on its stage from one step's focus. */
export type StagePick = (focus: Focus) => KernelViewId[];

/** The kernel views a workbench puts on its stage: the focus's, without the shell and log (those have their own place). */
export const workbenchPick: StagePick = (focus) => focus.views.filter((v): v is KernelViewId => v !== 'story' && v !== 'shell' && v !== 'log');

/** The panels of a stage with no shell beside it (talk mode, embed): the focus's views, the shell and log included (drawn large). */
export const panelPick: StagePick = (focus) => focus.views.filter((v): v is KernelViewId => v !== 'story');

/**
 * The views on a stage of `max` slots at step `at` of a scenario whose steps
 * have the focuses `path`, so that nothing jumps: a view keeps its slot while
 * steps need it; a view a step needs takes the slot of the one needed again
 * furthest in the future (Belady's rule, which changes slots least); a slot
 * no step needs yet shows the view the next steps will need. A step that needs
 * no stage view (a `cat` shown in the shell) keeps the stage as it was. Every
 * view the step at `at` needs is on the stage (up to `max`).
 */
export function steadyStage(path: readonly Focus[], at: number, max: number, pick: StagePick): KernelViewId[] {
  const wants = path.map((f) => pick(f).slice(0, max));
  const nextUse = (v: KernelViewId, from: number) => {
    const j = wants.findIndex((w, i) => i >= from && w.includes(v));
    return j < 0 ? Infinity : j;
  };
  const slots: KernelViewId[] = [];
  for (let i = 0; i <= at && i < wants.length; i++) {
    const wanted = wants[i]!;
    for (const v of wanted) {
      if (slots.includes(v)) continue;
      if (slots.length < max) {
        slots.push(v);
        continue;
      }
      let victim = -1;
      let far = -1;
      slots.forEach((s, k) => {
        if (wanted.includes(s)) return;
        const n = nextUse(s, i + 1);
        if (n > far) [far, victim] = [n, k];
      });
      slots[victim] = v;
    }
    for (let j = i + 1; j < wants.length && slots.length < max; j++) {
      for (const v of wants[j]!) if (slots.length < max && !slots.includes(v)) slots.push(v);
    }
  }
  return slots;
}

/**
 * A layout's stage now: steady along a scenario's path, else the focus's own
 * views; `fallback` when there are none (a stage with no shell beside it
 * always shows something).
 */
export function stageNow(focus: Focus, path: readonly Focus[] | null, at: number, max: number, pick: StagePick, fallback: KernelViewId[] = []): KernelViewId[] {
  const views = path ? steadyStage(path, at, max, pick) : pick(focus).slice(0, max);
  return views.length ? views : fallback;
}

/** The kernel views a workbench puts on its stage for this focus alone. */
export function stageViews(focus: Focus, max: number): KernelViewId[] {
  return stageNow(focus, null, 0, max, workbenchPick);
}

/** The panels of a stage with no shell beside it for this focus alone; the patch stack when the focus names none. */
export function stagePanels(focus: Focus, max: number): KernelViewId[] {
  return stageNow(focus, null, 0, max, panelPick, ['patches']);
}
