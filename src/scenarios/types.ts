/**
 * A scenario is data: a set-up, then steps, each an input for the engine's
 * timeline with a caption that says what the kernel does and why. Two
 * scenarios are told by their own small models instead (`story`): the lock
 * inversion behind free_work, and the API before and after Linux 5.1.
 */
import type { EngineHost } from '../app/engine-host';
import { GONE_FUNCTIONS } from './gone-functions';
import type { Component } from 'svelte';
import type { Setup } from '../session/situation';
import type { Focus } from '../views/focus';
import type { Tone } from '../views/patch-stack';
import type { FreePhase, StepStatus } from '../views/free-queue';
import type { EntryStatus } from '../views/sysfs-tree';

export type { Focus };

/** Where the task-migration view draws a task's mark: one of the two universes, or the one region outside a transition. */
export type Universe = 'unpatched' | 'patched' | 'none';

/**
 * What a caption claims the PICTURE shows, checked through the views' pure
 * models (picture.ts), on their structural fields.
 */
export type PictureClaim =
  /** Task migration: the region a task's mark is drawn in (layoutTasks, universeOf) */
  | { mark: string; in: Universe }
  /** Task migration: the summary's count of switched tasks, of all (summarize) */
  | { switched: number; of: number }
  /** Task migration: exactly these tasks (by comm) are shown pending (summarize) */
  | { pendingShown: string[] }
  /** Task migration: a task drawn as switched but still running this function's old code (TaskView.oldCode), or null */
  | { oldCode: string; is: string | null }
  /** Task migration: why a pending task is drawn blocked (TaskView.blocker), and on which function (blockedBy) */
  | { blocker: string; is: 'running' | 'unreliable' | 'sleeping' | null; on?: string }
  /** Task migration: a task's stack, as drawn, holds a frame of this function */
  | { inStack: string; fn: string }
  /** Task migration: a task drawn with the fake signal (TIF_NOTIFY_SIGNAL) set */
  | { signalled: string; is: boolean }
  /**
   * Task migration, the status line of a transition: klp_signals_cnt, which it labels "tries so
   * far" (klp_try_complete_transition() calls, the first included), and the whole seconds until
   * the next try (null: none queued). Not drawn outside a transition: then the claim fails.
   */
  | { tries: number; nextTryIn?: number | null }
  /**
   * Patch stack: a patch's card (patchStackModel): on klp_patches ('stack'), off it waiting
   * for free_work ('offList'), or not drawn; its tone; forced; on top; replaced by.
   */
  | { card: string; on?: 'stack' | 'offList' | 'none'; tone?: Tone; forced?: boolean; top?: boolean; replacedBy?: string | null }
  /** Patch stack: an object of a patch's card, "patch/object": loaded (bound) and patched */
  | { object: string; loaded?: boolean; patched?: boolean }
  /**
   * Who runs what: a function's func_stack top first, each entry its patch ("P (nop)" for
   * a nop), [] when it has none (funcStacksModel); whether the top entry is in transition.
   */
  | { funcStack: string; is: string[]; transition?: boolean }
  /** Free queue: exactly these patches have free_work shown pending (freeQueueModel's work rows) */
  | { freeWork: string[] }
  /** Free queue: how far a patch got on its way to being freed, and its module_put() step */
  | { freePhase: string; is: FreePhase; modulePut?: StepStatus }
  /** Modules (and the free queue's row): a module's refcnt, and whether it is drawn pinned forever */
  | { moduleRef: string; is: number; pinned?: boolean }
  /** Modules: a module is no longer shown */
  | { moduleGone: string }
  /**
   * sysfs: an entry of the tree as drawn (buildTree): its value (a file's content; null: not
   * drawn at all), and whether it appeared, disappeared (drawn as gone), changed or stayed this step
   */
  | { sysfs: string; value?: string | null; status?: EntryStatus }
  /**
   * Kernel state, Shadow variables (shadowGroups): how many <obj, id> pairs of this id
   * klp_shadow_hash holds (0: none), how many of them on objects freed since, who allocated them
   */
  | { shadowVars: number; count: number; onFreed?: number; owners?: string[] };

/** What a caption claims after its step, checked by the scenario tests. */
export type Claim =
  /** the step printed a kernel log line containing this */
  | { log: string }
  /**
   * the step printed this entry of the kernel's words catalogue (its id, `file:key`, e.g.
   * "kernel/livepatch/core.c:enablingPatch") with these arguments; a test module's entry
   * names the module printing it (`modname`)
   */
  | { said: string; with?: Record<string, string | number>; modname?: string }
  /** the step printed no kernel log line containing this */
  | { noLog: string }
  /** the shell printed (stdout or stderr) a line containing this */
  | { term: string }
  /** the shell printed (stdout or stderr) exactly this line */
  | { termLine: string }
  /** a file reads exactly this (without its trailing newline), or is absent (null) */
  | { file: string; equals: string | null }
  /** a file's content contains this */
  | { file: string; contains: string }
  /** a path exists (a file or a directory), or not */
  | { exists: string; is: boolean }
  /** the transition: which patch is klp_transition_patch (null: none) */
  | { transitionPatch: string | null }
  /** how many tasks still have TIF_PATCH_PENDING */
  | { pending: number }
  /** a task (by comm) is pending, or not */
  | { taskPending: string; is: boolean }
  /** a module's reference count */
  | { refcnt: string; is: number }
  | PictureClaim;

/** One step: what happens, and the narration. */
export interface ScenarioStep {
  do:
    | { command: string }
    /** one kernel event from the queue */
    | { event: true }
    /** run kernel events while they make progress, as one step */
    | { settle: true }
    /** simulation control: virtual seconds pass */
    | { advance: number }
    /** simulation control: a sleeping task (by comm) returns */
    | { wake: string };
  caption: string;
  /** the kernel function at the heart of the step (shown, and linked to its source) */
  fn?: string;
  /** the file that function lives in, e.g. kernel/livepatch/transition.c */
  file?: string;
  /** what the step's picture is about: the views it needs (one, at most two, most important first) and the actors the caption names */
  focus: Focus;
  claims?: Claim[];
}

interface ScenarioBase {
  /** the link name: #/s/<id>/<step> */
  id: string;
  title: string;
  /** one sentence for the picker */
  summary: string;
}

export interface TimelineScenario extends ScenarioBase {
  kind: 'timeline';
  /** a user's own scenario: its file as its link carries it (compressed, links.ts); absent for a built-in one */
  shared?: string;
  setup: Setup;
  /** what the page says before the first step */
  intro: string;
  /** what step 0 (the intro) shows */
  introFocus: Focus;
  steps: ScenarioStep[];
}

export interface StoryStep {
  caption: string;
  fn?: string;
  file?: string;
  /** views: ['story']; actors: the story picture's own parts ({ part: id }) */
  focus?: Focus;
}

/**
 * A story told by its own model and component. Both load with the story
 * (they are not needed before it is opened): the module gives the component
 * drawing step `step`, and the steps' captions, made when first asked (a
 * story may simulate them: not while the page only prefetches its code).
 */
export interface StoryScenario extends ScenarioBase {
  kind: 'story';
  load: () => Promise<{
    default: Component<{ step: number; fit?: boolean }>;
    steps: () => readonly StoryStep[];
    /** a story told by engines of its own: starts them on the page's engine host as it opens */
    prepare?: (host: Pick<EngineHost, 'story'>) => void;
  }>;
}

export type Scenario = TimelineScenario | StoryScenario;

/**
 * Where a caption's function is defined, in the newest mainline kernel (the
 * one modelled): Elixir's identifier search. A link the user follows; the
 * page itself never fetches anything from elsewhere.
 */
export function sourceLink(fn: string): string {
  const gone = GONE_FUNCTIONS[fn];
  return `https://elixir.bootlin.com/linux/${gone ? `v${gone.last}` : 'latest'}/C/ident/${encodeURIComponent(fn)}`;
}
