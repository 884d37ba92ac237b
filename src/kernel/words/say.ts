/**
 * Printing an entry: `say(k, WORDS.x, args)` puts it in the kernel log the
 * way its call does (level, pr_fmt prefix, once, dynamic debug, pr_cont);
 * `line()` is the text a log line shows, for expectations and views;
 * `body()` the same without the pr_fmt prefix.
 */
import type { Kernel } from '../kernel';
import type { DebugSite } from '../world/dynamic-debug';
import { kprintf, type Arg } from './printf';
import { MODNAME_PREFIX, type AutoArg, type Word } from './word';

export type Args<A extends string> = { readonly [K in Exclude<A, AutoArg>]: Arg };

export interface SayOptions {
  /** the module printing a test module's entry: its KBUILD_MODNAME */
  modname?: string;
  /** for a printk("%s…", log_lvl, …): the level its caller passed */
  logLvl?: number;
}

/** The arguments, optional for an entry that takes none. */
export type ArgsRest<A extends string> = [Exclude<A, AutoArg>] extends [never]
  ? [args?: Args<A>, opts?: SayOptions]
  : [args: Args<A>, opts?: SayOptions];

function values<A extends string>(w: Word<A>, args: Args<A> | undefined): Arg[] {
  return w.args.map((name) => {
    if (name === '__func__') return w.func;
    if (name === 'log_lvl') return '';
    const v = (args as Record<string, Arg> | undefined)?.[name];
    if (v === undefined) throw new Error(`${w.id}: no value for ${name}`);
    return v;
  });
}

/** The message without its pr_fmt prefix, as the format prints it (a trailing newline is not part of a record). */
export function body<A extends string>(w: Word<A>, ...[args]: ArgsRest<A>): string {
  return kprintf(w.fmt, values(w, args)).replace(/\n$/, '');
}

/** The text of the log line the entry prints. */
export function line<A extends string>(w: Word<A>, ...[args, opts]: ArgsRest<A>): string {
  return printed(w, args, opts).text;
}

/** The text as printk() gets it: a line ends where the text ends with a newline. */
function printed<A extends string>(w: Word<A>, args: Args<A> | undefined, opts: SayOptions | undefined): { text: string; open: boolean } {
  const raw = kprintf(w.fmt, values(w, args));
  return { text: prefix(w, opts) + raw.replace(/\n$/, ''), open: !raw.endsWith('\n') };
}

function prefix(w: Word, opts: SayOptions | undefined): string {
  if (w.prefix !== MODNAME_PREFIX) return w.prefix;
  if (!opts?.modname) throw new Error(`${w.id}: printed by a module, but no module name given`);
  return `${opts.modname}: `;
}

/** The dynamic debug call site of a pr_debug() entry. */
export function debugSite(w: Word): DebugSite {
  if (w.call !== 'pr_debug' || w.line === undefined || !w.module) throw new Error(`${w.id} is not a pr_debug() site`);
  return { module: w.module, file: w.file, func: w.func, line: w.line, format: w.fmt };
}

/** The arguments as a record keeps them: plain data (a 64-bit value as its decimal digits), so a log can be serialised. */
function plain(args: Readonly<Record<string, Arg>> | undefined): Record<string, string | number> | undefined {
  return args && Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]));
}

/** Prints the entry into the kernel log, as its call would. */
export function say<A extends string>(k: Kernel, w: Word<A>, ...[args, opts]: ArgsRest<A>): void {
  if (w.call === 'pr_debug' && !k.dyndbg.enabled(debugSite(w))) return;
  if (w.once) {
    if (k.printedOnce.has(w.id)) return;
    k.printedOnce.add(w.id);
  }
  // Text that does not end the line leaves the record open for a pr_cont().
  const { text, open } = printed(w, args, opts);
  const meta = { func: w.func, msg: w.id, args: plain(args), open };
  if (w.call === 'pr_cont') k.log.cont(text, meta);
  else if (w.call === 'log') k.log.writeKmsg(text, meta);
  else {
    const level = w.level === 'log_lvl' ? opts?.logLvl : w.level;
    if (level === undefined) throw new Error(`${w.id}: printed at the caller's log_lvl, but none given`);
    k.log.printk(level, text, meta);
  }
}
