/**
 * The story's two kernels: the same commands typed into the engine at 4.19
 * (register + enable) and at 5.10 (the 5.1 API), and what each shows after
 * every step: the shell's answer, the functions that ran (the engine's
 * function graph, world/fgraph.ts), the kernel log, the patch's state (its
 * machine's own state and description), /sys/kernel/livepatch read file by
 * file, klp_patches, the module's reference count, and what rmmod would do
 * now (tried on a copy of the machine). Nothing here is written by hand but
 * the notes beside some calls, which say what a call means.
 *
 * Each command runs until its transition has completed (a kworker's retry a
 * second later, where a task had not switched at once); the queued free_work
 * runs only at the story's own "a kworker runs" step.
 */
import type { Kernel } from '../../kernel/kernel';
import { bootKernel } from '../../kernel/boot';
import { Shell } from '../../kernel/shell/shell';
import { settle } from '../../kernel/settle';
import { lookup } from '../../kernel/fs/vfs';
import { LIVEPATCH_ATTRS } from '../../kernel/fs/livepatch-attrs';
import { moduleRefcnt, moduleState } from '../../kernel/module/types';
import { patchEnabled } from '../../kernel/machines/patch.machine';
import { FunctionGraph } from '../../kernel/world/fgraph';
import { compareReleases } from '../../kernel/release/releases';
import { fork } from '../../session/fork';
import type { KlpPatch } from '../../kernel/livepatch/types';
import {
  API_FACT,
  API_RELEASE,
  MODULE_DIR,
  PATCH_DIR,
  PATCH_NAME,
  STORY,
  type Api,
  type Call,
  type ListedPatch,
  type Outcome,
  type Played,
  type RmmodProbe,
  type SideState,
  type StoryInput,
  type SysfsFile,
  type SysfsView,
} from './model';
import { noteOn, type NoteContext } from './notes';

interface Machine {
  k: Kernel;
  shell: Shell;
}

const lines = (text: string) => (text ? text.replace(/\n$/, '').split('\n') : []);

const ERRNO_OF: [RegExp, string][] = [
  [/Invalid argument|Invalid parameters/, 'EINVAL'],
  [/No such file or directory/, 'ENOENT'],
  [/File exists/, 'EEXIST'],
  [/Device or resource busy/, 'EBUSY'],
];

function boot(api: Api): Machine {
  const k = bootKernel({ release: API_RELEASE[api] });
  const shell = new Shell(k);
  shell.run(`cd ${MODULE_DIR}`);
  settle(k);
  return { k, shell };
}

/** Runs one input; returns its outcome and the function graph it left. */
function run(m: Machine, input: StoryInput): { outcome: Outcome; calls: { fn: string; depth: number; user?: true }[] } {
  const { k } = m;
  k.fgraph = new FunctionGraph();
  let outcome: Outcome;
  if (input.line === null) {
    settle(k);
    outcome = { status: 'idle', stdout: [], stderr: [] };
  } else {
    const r = m.shell.run(input.line);
    // the command's transition, to its end (its retries), not the work it leaves queued
    while (k.transitionRunning() && k.step());
    const stderr = lines(r.stderr);
    outcome = { status: r.status === 0 ? 'ok' : 'error', stdout: lines(r.stdout), stderr };
    const errno = ERRNO_OF.find(([re]) => stderr.some((l) => re.test(l)))?.[1];
    if (errno && !stderr.some((l) => l.startsWith('rmmod: '))) outcome.errno = errno;
  }
  const calls = k.fgraph.calls.slice();
  k.fgraph = null;
  if (input.line === null && calls.length > 0) outcome.status = 'ok';
  return { outcome, calls };
}

/** The patch directory as `ls` and `cat` would find it, file by file. */
function sysfsOf(api: Api, k: Kernel): SysfsView {
  const root = lookup(k, PATCH_DIR);
  if (!root || root.kind !== 'dir') return { path: PATCH_DIR, present: false, files: [], objects: [] };
  const fileOf = (path: string, name: string): SysfsFile | null => {
    const node = lookup(k, `${path}/${name}`);
    if (!node || node.kind !== 'file') return null;
    const read = node.read?.();
    const attr = LIVEPATCH_ATTRS.find((a) => a.name === name);
    const file: SysfsFile = { name, value: typeof read === 'string' ? read.trim() : null };
    if (attr && compareReleases(attr.fact.since, API_FACT[api].since) > 0) file.since = attr.fact.since;
    return file;
  };
  const files: SysfsFile[] = [];
  const objects: SysfsView['objects'] = [];
  for (const name of root.list()) {
    const node = lookup(k, `${PATCH_DIR}/${name}`);
    if (node?.kind === 'file') {
      const f = fileOf(PATCH_DIR, name);
      if (f) files.push(f);
    } else if (node?.kind === 'dir') {
      const dir = `${PATCH_DIR}/${name}`;
      const objFiles: SysfsFile[] = [];
      const funcs: string[] = [];
      for (const entry of node.list()) {
        const f = fileOf(dir, entry);
        if (f) objFiles.push(f);
        else funcs.push(entry);
      }
      objects.push({ name, files: objFiles, funcs });
    }
  }
  return { path: PATCH_DIR, present: true, files, objects };
}

/** What `rmmod livepatch_sample` would do now, tried on a copy of the machine. */
function probeRmmod(m: Machine, exitFn: string): RmmodProbe {
  const copy = fork(m);
  const { outcome, calls } = run(copy, { kind: 'command', line: `rmmod ${PATCH_NAME}` });
  const exitCalls: string[] = [];
  const at = calls.findIndex((c) => c.fn === exitFn);
  if (at >= 0) {
    exitCalls.push(calls[at]!.fn);
    for (const c of calls.slice(at + 1)) {
      if (c.depth <= calls[at]!.depth) break;
      exitCalls.push(c.fn);
    }
  }
  return outcome.status === 'ok' ? { works: true, exitCalls } : { works: false, message: outcome.stderr.at(-1) ?? '', exitCalls };
}

/** The patch's lifecycle machine: its state and the engine's description of it. */
function stateOf(k: Kernel, patch: KlpPatch | null): { state: string; label: string } {
  const mod = k.modules.get(PATCH_NAME);
  if (!mod || moduleState(mod) === 'gone') return { state: 'unloaded', label: 'module not loaded, no patch' };
  if (!patch) return { state: 'none', label: 'no patch' };
  const name = String(patch.machine.value);
  const description = (patch.machine.machine.states as Record<string, { description?: string }>)[name]?.description;
  return { state: `${patch.machine.machine.id}.${name}`, label: description ?? name };
}

/** Plays the story's inputs on one kernel: what it shows after each. */
export function playOnEngine(api: Api, script: readonly StoryInput[] = STORY): SideState[] {
  const m = boot(api);
  const { k } = m;
  const exitFn = 'livepatch_exit()';
  let patch: KlpPatch | null = null;
  const out: SideState[] = [];
  for (const input of script) {
    const before = k.modules.get(PATCH_NAME);
    const refcntBefore = before ? moduleRefcnt(before) : 0;
    const logFrom = k.log.records.length;
    // Had the queued work run first (the command typed a moment later), would it end differently?
    let ifLater: Outcome | undefined;
    if (input.line !== null && k.klp.all.some((p) => p.freeWorkPending)) {
      const later = fork(m);
      settle(later.k);
      const o = run(later, input).outcome;
      ifLater = o;
    }
    const { outcome, calls } = run(m, input);
    if (ifLater && JSON.stringify(ifLater) === JSON.stringify(outcome)) ifLater = undefined;
    const mod = k.modules.get(PATCH_NAME);
    const loaded = mod !== undefined && moduleState(mod) !== 'gone';
    // The patch the module passed in: kept once freed (its machine's last state), forgotten with the module.
    if (mod?.patch) patch = mod.patch;
    if (!loaded) patch = null;
    const ctx: NoteContext = { api, line: input.line, name: PATCH_NAME, dir: PATCH_DIR, refcntBefore, outcome, stacking: k.profile.stacking };
    const noted: Call[] = calls.map((c, i) => {
      const note = noteOn(c, calls[i + 1], ctx);
      return note ? { ...c, note } : { ...c };
    });
    const side: SideState = {
      api,
      ...stateOf(k, patch),
      outcome,
      calls: noted,
      log: k.log.records.slice(logFrom).map((r) => r.text),
      sysfs: sysfsOf(api, k),
      klpPatches: k.klp.patches.map(
        (p): ListedPatch => ({ name: p.mod.name, enabled: patchEnabled(String(p.machine.value)), transition: k.klpTransitionPatch() === p }),
      ),
      module: { loaded, refcnt: loaded ? moduleRefcnt(mod!) : 0 },
      rmmod: probeRmmod(m, exitFn),
    };
    if (ifLater) side.ifLater = ifLater;
    out.push(side);
  }
  return out;
}

/** Both kernels, the whole story: what the page's worker sends. */
export function playBoth(): Played {
  return { old: playOnEngine('old'), new: playOnEngine('new') };
}
