/**
 * The kernel's words: every message the simulated machine puts in its log,
 * in one catalogue, grouped by the kernel source file that prints it. The
 * directory mirrors the kernel tree (kernel/livepatch/core.c is
 * ./kernel/livepatch/core.ts); the test modules' own messages are under
 * ./tools/testing/selftests/livepatch/test_modules/.
 *
 * To add a message:
 *  1. Find it in the kernel source (read_file on torvalds/linux). In the
 *     group of its file add an entry with the printing call the source uses,
 *     the function that prints it, the format exactly as written (trailing
 *     "\n" included) and a name for each argument, in order:
 *       enablingPatch: p.pr_notice('__klp_enable_patch', "enabling patch '%s'\n", 'patch'),
 *     A `__func__` argument is filled in with the entry's function, a
 *     `log_lvl` one with the level the caller passes; a pr_debug() also
 *     gives its line (dynamic debug lists it). A file with no group yet gets
 *     one: `source(path, { pr_fmt }, (p) => ({ … }))` with the pr_fmt that
 *     file defines ('' if none; MODNAME_PREFIX for a module's
 *     `KBUILD_MODNAME ": "`), and a line in ./sources.ts.
 *  2. Print it from the engine with `say(k, LIVEPATCH_CORE.enablingPatch, { patch: name })`,
 *     from a module's code with `m.say(WORDS.entry, { … })` (the module's
 *     name is the prefix), and show or expect its text with `line(entry, { … })`
 *     (`body()` without the prefix; a scenario claim: `said(entry, { … })`).
 *  3. Nothing under src/ outside this directory writes a kernel message
 *     from a string literal: ./no-stray-words.test.ts fails if one does.
 */
export { say, line, body, debugSite, type Args, type ArgsRest, type SayOptions } from './say';
export { MODNAME_PREFIX, type AutoArg, type Word } from './word';
import type { Word } from './word';
import * as SOURCES from './sources';

export * from './sources';

/** Every file's group: the catalogue's own tests read them, and dynamic debug lists their pr_debug() sites. */
export const ALL_SOURCES: readonly Readonly<Record<string, Word>>[] = Object.values(SOURCES);

let byId: Map<string, Word> | null = null;

/** An entry by its id (`file:key`, what a log record carries as `msg`). */
export function wordById(id: string): Word | undefined {
  byId ??= new Map(ALL_SOURCES.flatMap((g) => Object.values(g).map((w) => [w.id, w] as const)));
  return byId.get(id);
}
