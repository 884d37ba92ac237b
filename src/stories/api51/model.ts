/**
 * The story "Before and after Linux 5.1": one user story (load the sample
 * livepatch, read /proc/cmdline, disable it, try to enable it again, remove
 * the module, load it again) played under the API of 4.12 – 5.0 and under the
 * API since 5.1, side by side.
 *
 * Nothing here is a hand-written outcome: every step's functions, log lines,
 * outputs and errors are the actions the two machines of `machines.ts`
 * return when the story's events are sent to them, and the sysfs directory,
 * klp_patches and the module reference are read from their states (tags and
 * context). Transitions complete at once: every task is assumed to switch in
 * the first klp_try_complete_transition(); the story is about the API, not
 * the consistency model. engine.test.ts types the same commands into the
 * engine at 4.19 and at 5.10 and checks every step against these machines.
 */
import { initialTransition, transition, type AnyStateMachine, type SnapshotFrom } from 'xstate';
import type { StoryStep } from '../../scenarios/types';
import { FACTS, range, type ReleaseFact } from '../../kernel/release/facts';
import { compareReleases, previousRelease, MAINLINE, type Release } from '../../kernel/release/releases';
import { attrsIn } from '../../kernel/fs/livepatch-attrs';
import {
  EBUSY,
  EEXIST,
  EINVAL,
  ENOENT,
  newApiMachine,
  oldApiMachine,
  type ApiEvent,
  type ApiInput,
  type ApiMachine,
  type ApiTag,
  type CallParams,
  type Result,
  type StateMeta,
} from './machines';

export type Api = 'old' | 'new';

export const PATCH_NAME = 'livepatch_sample';
export const MODULE_FILE = 'livepatch-sample.ko';
export const PATCH_DIR = `/sys/kernel/livepatch/${PATCH_NAME}`;
export const ENABLED_FILE = `${PATCH_DIR}/enabled`;

/** Column headings. */
export const API_LABEL: Record<Api, string> = {
  old: `Before ${FACTS.simplifiedApi.since} (${range(FACTS.registerThenEnable)})`,
  new: `Since ${FACTS.simplifiedApi.since}`,
};
/** The API each column plays, and the release whose sysfs files it draws (the newest of its era). */
const API_FACT: Record<Api, ReleaseFact> = { old: FACTS.registerThenEnable, new: FACTS.simplifiedApi };
const API_RELEASE: Record<Api, Release> = { old: previousRelease(FACTS.simplifiedApi.since), new: MAINLINE };

/** The sample module's init and exit, as samples/livepatch/livepatch-sample.c has them. */
export const SAMPLE_INIT_EXIT: Record<Api, { init: string[]; exit: string[] }> = {
  old: { init: ['klp_register_patch()', 'klp_enable_patch()'], exit: ['klp_unregister_patch()'] },
  new: { init: ['klp_enable_patch()'], exit: [] },
};

const MACHINES: Record<Api, ApiMachine> = { old: oldApiMachine, new: newApiMachine };

const INPUT: ApiInput = { name: PATCH_NAME, tasksSwitchAtOnce: true };

/** One thing that happens in the story: a command typed, or queued work running. */
export type StoryInput =
  | { kind: 'command'; line: string; event: ApiEvent }
  | { kind: 'work'; line: null; event: ApiEvent };

const cmd = (line: string, event: ApiEvent): StoryInput => ({ kind: 'command', line, event });

export const COMMANDS = {
  insmod: cmd(`insmod ${MODULE_FILE}`, { type: 'insmod' }),
  cat: cmd('cat /proc/cmdline', { type: 'read_cmdline' }),
  disable: cmd(`echo 0 > ${ENABLED_FILE}`, { type: 'write_enabled', value: false }),
  enable: cmd(`echo 1 > ${ENABLED_FILE}`, { type: 'write_enabled', value: true }),
  rmmod: cmd(`rmmod ${PATCH_NAME}`, { type: 'rmmod' }),
  /** not a command: a kworker runs what the system workqueue holds */
  work: { kind: 'work', line: null, event: { type: 'free_work' } } as StoryInput,
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

export type Call = CallParams;

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
  /** the machine's state after the step, e.g. "loaded.registered" */
  state: string;
  /** that state in words */
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

// ---- driving the machines -------------------------------------------------------------

type Snap = SnapshotFrom<AnyStateMachine>;

const ERRNO_NAME: Record<number, string> = { [ENOENT]: 'ENOENT', [EBUSY]: 'EBUSY', [EEXIST]: 'EEXIST', [EINVAL]: 'EINVAL' };
const STRERROR: Record<number, string> = {
  [ENOENT]: 'No such file or directory',
  [EBUSY]: 'Device or resource busy',
  [EEXIST]: 'File exists',
  [EINVAL]: 'Invalid argument',
};

/** kmod's insmod words a few errnos its own way (libkmod mod_strerror()). */
function modStrError(errno: number): string {
  return errno === EINVAL ? 'Invalid parameters' : (STRERROR[errno] ?? `Unknown error ${errno}`);
}

/** The message the user sees for a failed command. */
function errorText(line: string, r: Exclude<Result, { ok: true }>): string {
  if ('kmod' in r) {
    return r.kmod === 'in use' ? `rmmod: ERROR: Module ${PATCH_NAME} is in use` : `rmmod: ERROR: Module ${PATCH_NAME} is not currently loaded`;
  }
  const why = STRERROR[r.errno] ?? `Unknown error ${r.errno}`;
  switch (r.syscall) {
    case 'openat': {
      const path = line.slice(line.indexOf('>') + 1).trim();
      return `bash: ${path}: ${why}`;
    }
    case 'write':
      return `bash: echo: write error: ${why}`;
    case 'finit_module':
      return `insmod: ERROR: could not insert module ${line.split(' ')[1] ?? MODULE_FILE}: ${modStrError(r.errno)}`;
  }
}

interface Played {
  calls: Call[];
  log: string[];
  outcome: Outcome;
}

/** Reads the actions one event produced. */
function interpret(line: string | null, actions: readonly { type: string; params?: unknown }[]): Played {
  const calls: Call[] = [];
  const log: string[] = [];
  const stdout: string[] = [];
  let result: Result | null = null;
  for (const a of actions) {
    if (a.type === 'call') calls.push(a.params as Call);
    else if (a.type === 'printk') log.push((a.params as { text: string }).text);
    else if (a.type === 'stdout') stdout.push((a.params as { text: string }).text);
    else if (a.type === 'result') result = a.params as Result;
  }
  let outcome: Outcome;
  if (result === null) outcome = { status: calls.length || stdout.length ? 'ok' : 'idle', stdout, stderr: [] };
  else if (result.ok) outcome = { status: 'ok', stdout, stderr: [] };
  else {
    outcome = { status: 'error', stdout, stderr: [errorText(line ?? '', result)] };
    if ('errno' in result) outcome.errno = ERRNO_NAME[result.errno] ?? String(result.errno);
  }
  return { calls, log, outcome };
}

function stateName(s: Snap): string {
  const v = s.value as string | Record<string, string>;
  if (typeof v === 'string') return v;
  const [parent, child] = Object.entries(v)[0]!;
  return `${parent}.${child}`;
}

function stateLabel(s: Snap): string {
  const metas = Object.values(s.getMeta() as Record<string, StateMeta | undefined>);
  return metas.find((m) => m?.label)?.label ?? stateName(s);
}

const has = (s: Snap, tag: ApiTag) => s.hasTag(tag);

function sysfsOf(api: Api, s: Snap): SysfsView {
  if (!has(s, 'sysfs')) return { path: PATCH_DIR, present: false, files: [], objects: [] };
  const bool = (tag: ApiTag) => (has(s, tag) ? '1' : '0');
  // what a read of each file returns (null: write-only)
  const value: Record<string, string | null> = {
    enabled: bool('enabled'),
    transition: bool('transition'),
    replace: '0',
    // stack_order_show(): the position on klp_patches, or how many patches there are
    stack_order: has(s, 'listed') ? '1' : '0',
    patched: bool('objPatched'),
  };
  const filesIn = (dir: 'patch' | 'object'): SysfsFile[] =>
    attrsIn(dir, API_RELEASE[api]).map((a) => ({
      name: a.name,
      value: value[a.name] ?? null,
      ...(compareReleases(a.fact.since, API_FACT[api].since) > 0 ? { since: a.fact.since } : {}),
    }));
  const files = filesIn('patch');
  const objects = has(s, 'objects') ? [{ name: 'vmlinux', files: filesIn('object'), funcs: ['cmdline_proc_show,1'] }] : [];
  return { path: PATCH_DIR, present: true, files, objects };
}

function listOf(s: Snap): ListedPatch[] {
  return has(s, 'listed') ? [{ name: PATCH_NAME, enabled: has(s, 'enabled'), transition: has(s, 'transition') }] : [];
}

function step(machine: AnyStateMachine, s: Snap, event: ApiEvent): [Snap, readonly { type: string; params?: unknown }[]] {
  const [next, actions] = transition(machine, s, event);
  return [next as Snap, actions as readonly { type: string; params?: unknown }[]];
}

/** What `rmmod livepatch_sample` would do now, without doing it. */
function probeRmmod(machine: AnyStateMachine, s: Snap): RmmodProbe {
  const [, actions] = step(machine, s, COMMANDS.rmmod.event);
  const { calls, outcome } = interpret(COMMANDS.rmmod.line, actions);
  const exitCalls: string[] = [];
  const exit = calls.findIndex((c) => c.fn === 'livepatch_exit()');
  if (exit >= 0) {
    const depth = calls[exit]!.depth;
    exitCalls.push(calls[exit]!.fn);
    for (const c of calls.slice(exit + 1)) {
      if (c.depth <= depth) break;
      exitCalls.push(c.fn);
    }
  }
  return outcome.status === 'ok' ? { works: true, exitCalls } : { works: false, message: outcome.stderr[0] ?? '', exitCalls };
}

function sideOf(api: Api, machine: AnyStateMachine, s: Snap, played: Played, ifLater?: Outcome): SideState {
  const loaded = has(s, 'module');
  const side: SideState = {
    api,
    state: stateName(s),
    label: stateLabel(s),
    outcome: played.outcome,
    calls: played.calls,
    log: played.log,
    sysfs: sysfsOf(api, s),
    klpPatches: listOf(s),
    module: { loaded, refcnt: loaded ? (s.context as { refcnt: number }).refcnt : 0 },
    rmmod: probeRmmod(machine, s),
  };
  if (ifLater) side.ifLater = ifLater;
  return side;
}

/**
 * Plays a script under one API: the state of that side after each input.
 * The story uses `STORY`; tests play other scripts.
 */
export function play(api: Api, script: readonly StoryInput[], input: ApiInput = INPUT): SideState[] {
  const machine = MACHINES[api] as AnyStateMachine;
  let s = initialTransition(machine, input)[0] as Snap;
  const out: SideState[] = [];
  for (const inp of script) {
    const before = s;
    const [next, actions] = step(machine, before, inp.event);
    const played = interpret(inp.line, actions);
    // Had the queued work run first (the command typed a moment later), would it end differently?
    let ifLater: Outcome | undefined;
    if (inp.kind === 'command' && has(before, 'workPending')) {
      const [worked] = step(machine, before, COMMANDS.work.event);
      const later = interpret(inp.line, step(machine, worked, inp.event)[1]).outcome;
      if (JSON.stringify(later) !== JSON.stringify(played.outcome)) ifLater = later;
    }
    s = next;
    out.push(sideOf(api, machine, s, played, ifLater));
  }
  return out;
}

// ---- the picture's parts and the captions ---------------------------------------------

/** The rows of the side-by-side picture: what each kernel shows after a step. */
export const ROWS = ['shell', 'state', 'klp_patches', 'sysfs', 'module', 'rmmod', 'init', 'calls', 'log'] as const;
export type RowId = (typeof ROWS)[number];
/** A part of the picture: one row on one side, e.g. `new:sysfs`. */
export type PartId = `${Api}:${RowId}`;
export const PARTS: readonly PartId[] = (['old', 'new'] as const).flatMap((api) => ROWS.map((row): PartId => `${api}:${row}`));

/** What the story assumes, said once above the picture. */
export const LEDE = 'The same commands under both APIs. Transitions complete at once here: this story is about the API, not the consistency model.';

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
      'echo 0 > enabled: both unpatch at once. Before 5.1 the disabled patch stays registered, on klp_patches and in sysfs, and gives its module reference back; since 5.1 klp_free_patch_start() takes it off klp_patches and free_work is queued, the reference still held.',
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

let bothSides: Record<Api, SideState[]> | null = null;
/** Both sides played when first asked, not as the module loads (the page prefetches every story's code: ~50 ms). */
const played = (): Record<Api, SideState[]> => (bothSides ??= { old: play('old', STORY), new: play('new', STORY) });

/** The number of steps of the story. */
export const STEP_COUNT = STORY.length;

/** Both sides after step `n` (clamped to the story). */
export function storyState(n: number): StoryState {
  const i = Math.min(Math.max(Math.trunc(Number.isFinite(n) ? n : 0), 0), STORY.length - 1);
  const { old: olds, new: news } = played();
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
