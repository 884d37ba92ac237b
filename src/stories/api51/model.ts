/**
 * The story "Before and after Linux 5.1": one user story (load the sample
 * livepatch, read /proc/cmdline, disable it, try to enable it again, remove
 * the module, load it again) typed into two kernels side by side: a 4.19
 * (the register + enable API of 4.12 – 5.0) and a 5.10 (the API since 5.1).
 *
 * Nothing here is a hand-written outcome: engine.ts plays the commands on
 * the engine at both releases (in the page's worker) and every step's
 * functions, log lines, outputs, errors, sysfs files, klp_patches and module
 * reference are what those kernels did. This file holds the story's script,
 * its captions, and how a step is read from the two kernels' answers.
 */
import type { StoryStep } from '../../scenarios/types';
import { FACTS, type ReleaseFact } from '../../kernel/release/facts';
import type { Release } from '../../kernel/release/releases';

export type Api = 'old' | 'new';

export const PATCH_NAME = 'livepatch_sample';
export const MODULE_FILE = 'livepatch-sample.ko';
/** where the sample is built, in either release's tree */
export const MODULE_DIR = '/usr/src/linux/samples/livepatch';
export const PATCH_DIR = `/sys/kernel/livepatch/${PATCH_NAME}`;
export const ENABLED_FILE = `${PATCH_DIR}/enabled`;

/** The kernel each column runs: the dial's release of each era. */
export const API_RELEASE: Record<Api, Release> = { old: '4.19', new: '5.10' };
/** The API each column plays. */
export const API_FACT: Record<Api, ReleaseFact> = { old: FACTS.registerThenEnable, new: FACTS.simplifiedApi };

/** Column headings. */
export const API_LABEL: Record<Api, string> = {
  old: `Linux ${API_RELEASE.old} (before ${FACTS.simplifiedApi.since})`,
  new: `Linux ${API_RELEASE.new} (since ${FACTS.simplifiedApi.since})`,
};

/** The sample module's init and exit, as samples/livepatch/livepatch-sample.c has them (engine.test.ts checks them against the function graph). */
export const SAMPLE_INIT_EXIT: Record<Api, { init: string[]; exit: string[] }> = {
  old: { init: ['klp_register_patch()', 'klp_enable_patch()'], exit: ['klp_unregister_patch()'] },
  new: { init: ['klp_enable_patch()'], exit: [] },
};

/** One thing that happens in the story: a command typed, or queued work running. */
export type StoryInput = { kind: 'command'; line: string } | { kind: 'work'; line: null };

const cmd = (line: string): StoryInput => ({ kind: 'command', line });

export const COMMANDS = {
  insmod: cmd(`insmod ${MODULE_FILE}`),
  cat: cmd('cat /proc/cmdline'),
  disable: cmd(`echo 0 > ${ENABLED_FILE}`),
  enable: cmd(`echo 1 > ${ENABLED_FILE}`),
  rmmod: cmd(`rmmod ${PATCH_NAME}`),
  /** not a command: a kworker runs what the system workqueue holds */
  work: { kind: 'work', line: null } as StoryInput,
} as const;

/** The user story, the same on both sides. */
export const STORY: readonly StoryInput[] = [
  COMMANDS.insmod,
  COMMANDS.cat,
  COMMANDS.disable,
  // typed at once, before the kworker ran free_work
  COMMANDS.enable,
  COMMANDS.work,
  COMMANDS.rmmod,
  // since 5.1, this is how a patch is enabled again
  COMMANDS.insmod,
  COMMANDS.cat,
];

// ---- what a step looks like ------------------------------------------------------------

export interface Outcome {
  /** ok: the command succeeded; error: it failed; idle: nothing ran */
  status: 'ok' | 'error' | 'idle';
  stdout: string[];
  stderr: string[];
  /** the errno behind the error, e.g. EINVAL (none for kmod's own refusals) */
  errno?: string;
}

/** A call of the function graph, with the story's note on it (notes.ts). */
export interface Call {
  /** e.g. `klp_enable_patch()` */
  fn: string;
  /** nesting below the step's first function (0) */
  depth: number;
  note?: string;
  /** a user-space function (kmod's), not the kernel's */
  user?: true;
}

export interface SysfsFile {
  name: string;
  /** what a read returns; null for a write-only file */
  value: string | null;
  /** the kernel that added the file, when later than the column's first */
  since?: string;
}

export interface SysfsView {
  path: string;
  present: boolean;
  files: SysfsFile[];
  objects: { name: string; files: SysfsFile[]; funcs: string[] }[];
}

export interface ListedPatch {
  name: string;
  enabled: boolean;
  transition: boolean;
}

export interface RmmodProbe {
  works: boolean;
  /** what rmmod would print on failure */
  message?: string;
  /** what delete_module() would run: the module's exit and what it calls */
  exitCalls: string[];
}

/** One side of one step. */
export interface SideState {
  api: Api;
  /** the patch machine's state after the step, e.g. "registeredPatch.registered" */
  state: string;
  /** that state in words: the machine's description of it */
  label: string;
  outcome: Outcome;
  /** the same command typed after the queued free_work ran, where that ends differently */
  ifLater?: Outcome;
  calls: Call[];
  log: string[];
  sysfs: SysfsView;
  klpPatches: ListedPatch[];
  module: { loaded: boolean; refcnt: number };
  rmmod: RmmodProbe;
}

export type Aspect = 'outcome' | 'state' | 'calls' | 'log' | 'sysfs' | 'klpPatches' | 'module' | 'rmmod';

export interface StoryState {
  step: number;
  /** the command typed, or null when queued work runs */
  command: string | null;
  caption: string;
  old: SideState;
  new: SideState;
  /** which aspects differ between the two sides */
  differs: Record<Aspect, boolean>;
}

// ---- the picture's parts and the captions ---------------------------------------------

/** The rows of the side-by-side picture: what each kernel shows after a step. */
export const ROWS = ['shell', 'state', 'klp_patches', 'sysfs', 'module', 'rmmod', 'init', 'calls', 'log'] as const;
export type RowId = (typeof ROWS)[number];
/** A part of the picture: one row on one side, e.g. `new:sysfs`. */
export type PartId = `${Api}:${RowId}`;
export const PARTS: readonly PartId[] = (['old', 'new'] as const).flatMap((api) => ROWS.map((row): PartId => `${api}:${row}`));

/** What the story assumes, said once above the picture. */
export const LEDE = `The same commands typed into two simulated kernels, ${API_RELEASE.old} and ${API_RELEASE.new}. Each runs until its patch transition has completed: this story is about the API, not the consistency model.`;

const both = (...rows: RowId[]): PartId[] => rows.flatMap((r): PartId[] => [`old:${r}`, `new:${r}`]);
/** A step's focus: the cells of the picture its caption talks about. */
export interface StepFocus {
  views: ['story'];
  actors: { part: PartId }[];
}
const focus = (...parts: PartId[]): StepFocus => ({ views: ['story'], actors: parts.map((part) => ({ part })) });

export interface Api51Step extends Omit<StoryStep, 'focus'> {
  fn: string;
  focus: StepFocus;
}

/** A caption per step of `STORY`, comparing both sides; `fn` is the function at its heart; `focus` the cells it talks about. */
export const STORY_STEPS: readonly Api51Step[] = [
  {
    caption:
      'insmod livepatch-sample.ko: before 5.1 the module’s init called klp_register_patch() and then klp_enable_patch(); since 5.1 klp_enable_patch() alone registers and enables. Both end the same: patched, module refcount 1.',
    fn: 'klp_enable_patch',
    file: 'kernel/livepatch/core.c',
    focus: focus(...both('calls', 'module')),
  },
  {
    caption:
      'Both kernels now run the patch: for cat /proc/cmdline, klp_ftrace_handler() sends cmdline_proc_show() to the sample’s replacement, which prints “this has been live patched”.',
    fn: 'klp_ftrace_handler',
    file: 'kernel/livepatch/patch.c',
    focus: focus(...both('shell', 'calls')),
  },
  {
    caption:
      'echo 0 > enabled: both unpatch. Before 5.1 the disabled patch stays registered, on klp_patches and in sysfs, and module_put() gives its reference back; since 5.1 klp_free_patch_start() takes it off klp_patches and free_work is queued, the reference still held.',
    fn: 'klp_free_patch_start',
    file: 'kernel/livepatch/core.c',
    focus: focus(...both('klp_patches', 'module'), 'new:state'),
  },
  {
    caption:
      'echo 1 > enabled: before 5.1 enabled_store() enables the registered patch again, with a new module reference; since 5.1 it refuses with -EINVAL (and once free_work has run, the file is gone: No such file or directory).',
    fn: 'enabled_store',
    file: 'kernel/livepatch/core.c',
    focus: focus(...both('shell'), 'old:klp_patches', 'old:module'),
  },
  {
    caption:
      'No command: since 5.1 a kworker runs the queued free_work, and klp_free_patch_finish() removes the sysfs directory, then drops the module reference (refcount 0). Before 5.1 nothing was queued.',
    fn: 'klp_free_patch_finish',
    file: 'kernel/livepatch/core.c',
    focus: focus('new:calls', 'new:sysfs', 'new:module', 'old:shell'),
  },
  {
    caption:
      'rmmod livepatch_sample: before 5.1 the re-enabled patch still holds its module reference, so rmmod refuses: in use. Since 5.1 the refcount is 0, and delete_module() unloads the module.',
    fn: 'delete_module',
    file: 'kernel/module/main.c',
    focus: focus(...both('shell', 'module')),
  },
  {
    caption:
      'insmod again: since 5.1 this is how a patch is enabled again, klp_enable_patch() building a fresh patch. Before 5.1 the module is still loaded, so load_module() refuses: File exists.',
    fn: 'klp_enable_patch',
    file: 'kernel/livepatch/core.c',
    focus: focus(...both('shell'), 'new:calls'),
  },
  {
    caption:
      'Both run livepatch_cmdline_proc_show() again: before 5.1 after echo 1 on a registered, disabled patch; since 5.1 after rmmod and insmod, so klp_patches never held a disabled patch.',
    fn: 'livepatch_cmdline_proc_show',
    file: 'samples/livepatch/livepatch-sample.c',
    focus: focus(...both('shell', 'klp_patches')),
  },
];

// ---- the story, side by side ----------------------------------------------------------

function differs(a: SideState, b: SideState): Record<Aspect, boolean> {
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  const sysfsKey = (s: SideState) => ({
    present: s.sysfs.present,
    values: s.sysfs.files.filter((f) => f.name === 'enabled' || f.name === 'transition').map((f) => f.value),
    objects: s.sysfs.objects.map((o) => o.name),
  });
  return {
    outcome: !same([a.outcome, a.ifLater ?? null], [b.outcome, b.ifLater ?? null]),
    state: a.label !== b.label,
    calls: !same(
      a.calls.map((c) => c.fn),
      b.calls.map((c) => c.fn),
    ),
    log: !same(a.log, b.log),
    sysfs: !same(sysfsKey(a), sysfsKey(b)),
    klpPatches: !same(a.klpPatches, b.klpPatches),
    module: !same(a.module, b.module),
    rmmod: !same(a.rmmod, b.rmmod),
  };
}

/** Both kernels' answers to the whole story (engine.ts), as the worker sends them. */
export interface Played {
  old: SideState[];
  new: SideState[];
}

let played: Played | null = null;

/** Keeps the two kernels' answers for storyState() (the page asks its worker for them once, before showing the story). */
export function usePlayed(p: Played): void {
  if (p.old.length !== STORY.length || p.new.length !== STORY.length) throw new Error('the story was played with other steps');
  played = p;
}

export function isPlayed(): boolean {
  return played !== null;
}

/** The number of steps of the story. */
export const STEP_COUNT = STORY.length;

/** Both sides after step `n` (clamped to the story). */
export function storyState(n: number): StoryState {
  const i = Math.min(Math.max(Math.trunc(Number.isFinite(n) ? n : 0), 0), STORY.length - 1);
  if (!played) throw new Error('the story has not been played yet (usePlayed)');
  const { old: olds, new: news } = played;
  const old = olds[i]!;
  const neu = news[i]!;
  return {
    step: i,
    command: STORY[i]!.line,
    caption: STORY_STEPS[i]!.caption,
    old,
    new: neu,
    differs: differs(old, neu),
  };
}
