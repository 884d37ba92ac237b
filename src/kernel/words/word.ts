/**
 * What one catalogue entry is: a message as one kernel source file prints
 * it, with its format (verbatim, printf style), the printing call and the
 * level it gives, the function that prints it, and the pr_fmt() prefix of
 * that file. `source()` builds a file's entries; see ./index.ts for how to
 * add one.
 */
import { KERN_ALERT, KERN_CRIT, KERN_DEBUG, KERN_DEFAULT, KERN_EMERG, KERN_ERR, KERN_INFO, KERN_NOTICE, KERN_WARNING } from '../world/log-format';

/**
 * The prefix of a file whose pr_fmt is `KBUILD_MODNAME ": " fmt` and which
 * is built as its own module (the test modules): the loaded module's name
 * goes there, so test_klp_state3 (built from test_klp_state2.c) says so.
 */
export const MODNAME_PREFIX = 'KBUILD_MODNAME ": "';

/**
 * Arguments the printing code fills in itself: `__func__` is the entry's
 * function, `log_lvl` the level its caller passed (it prints as nothing).
 */
export type AutoArg = '__func__' | 'log_lvl';

export type Call =
  | 'pr_emerg'
  | 'pr_alert'
  | 'pr_crit'
  | 'pr_err'
  | 'pr_warn'
  | 'pr_notice'
  | 'pr_info'
  | 'pr_debug'
  | 'pr_notice_once'
  | 'pr_cont'
  | 'printk'
  | 'WARN'
  /** tools/testing/selftests/livepatch/functions.sh: log(), i.e. echo "$msg" > /dev/kmsg */
  | 'log';

export interface Word<A extends string = string> {
  /** the source file, a path in the kernel tree */
  readonly file: string;
  /** the entry's name in its file's group (filled in by source()) */
  readonly key: string;
  /** `file:key`, what a log record carries as `msg` */
  readonly id: string;
  /** the kernel function whose code prints it (__func__ where the format uses it) */
  readonly func: string;
  readonly call: Call;
  /** the KERN_* level of the record; 'log_lvl' where the caller passes it in */
  readonly level: number | 'log_lvl';
  /** pr_*_once(): printed the first time only */
  readonly once: boolean;
  /** what pr_fmt() puts before it ('' for printk(), pr_cont(), WARN()); MODNAME_PREFIX for a test module */
  readonly prefix: string;
  /** the format as the source writes it, trailing "\n" included */
  readonly fmt: string;
  /** names of the format's arguments, in order */
  readonly args: readonly A[];
  /** pr_debug(): the call site's line, as /sys/kernel/debug/dynamic_debug/control lists it */
  readonly line?: number;
  /** pr_debug(): the module dynamic debug lists it under (KBUILD_MODNAME) */
  readonly module?: string;
}

type Define = <const A extends readonly string[]>(func: string, fmt: string, ...args: A) => Word<A[number]>;

export interface Printers {
  pr_emerg: Define;
  pr_alert: Define;
  pr_crit: Define;
  pr_err: Define;
  pr_warn: Define;
  pr_notice: Define;
  pr_info: Define;
  pr_notice_once: Define;
  /** pr_debug(): `line` is its line in the file */
  pr_debug: <const A extends readonly string[]>(func: string, line: number, fmt: string, ...args: A) => Word<A[number]>;
  /** pr_cont(): continues the record the previous call left open (a format without "\n") */
  pr_cont: Define;
  /** printk(KERN_x fmt, …), or printk("%s…", log_lvl, …) with level 'log_lvl' */
  printk: <const A extends readonly string[]>(level: keyof typeof KERN | 'log_lvl', func: string, fmt: string, ...args: A) => Word<A[number]>;
  /** WARN(cond, fmt, …): __warn_printk() prints the text with vprintk(), at the default level, without pr_fmt */
  WARN: Define;
  /** functions.sh's log(): a write to /dev/kmsg */
  log: Define;
}

const KERN = { KERN_EMERG, KERN_ALERT, KERN_CRIT, KERN_ERR, KERN_WARNING, KERN_NOTICE, KERN_INFO, KERN_DEBUG, KERN_DEFAULT } as const;

export interface SourceOptions {
  /** what pr_fmt() prefixes in this file: '' when the file defines none */
  pr_fmt: string;
  /** KBUILD_MODNAME, for dynamic debug (pr_debug sites) */
  module?: string;
}

/**
 * The entries of one source file. `build` gets the printing calls, bound to
 * the file; each entry learns its key from the name it is given.
 */
export function source<T extends Record<string, Word>>(file: string, opts: SourceOptions, build: (p: Printers) => T): T {
  const make = (call: Call, level: number | 'log_lvl', func: string, fmt: string, args: readonly string[], extra: Partial<Word> = {}): Word => {
    // That each entry names as many arguments as its format takes is a test (words.test.ts), not
    // work done here: parsing every format as the catalogue loads cost the page 20 ms of its first task.
    const prefix = call.startsWith('pr_') && call !== 'pr_cont' ? opts.pr_fmt : '';
    return { file, key: '', id: '', func, call, level, once: call.endsWith('_once'), prefix, fmt, args, ...extra };
  };
  const pr = (call: Call, level: number): Define => (func, fmt, ...args) => make(call, level, func, fmt, args) as never;
  const p: Printers = {
    pr_emerg: pr('pr_emerg', KERN_EMERG),
    pr_alert: pr('pr_alert', KERN_ALERT),
    pr_crit: pr('pr_crit', KERN_CRIT),
    pr_err: pr('pr_err', KERN_ERR),
    pr_warn: pr('pr_warn', KERN_WARNING),
    pr_notice: pr('pr_notice', KERN_NOTICE),
    pr_info: pr('pr_info', KERN_INFO),
    pr_notice_once: pr('pr_notice_once', KERN_NOTICE),
    pr_debug: (func, line, fmt, ...args) => make('pr_debug', KERN_DEBUG, func, fmt, args, { line, module: opts.module }) as never,
    pr_cont: pr('pr_cont', KERN_DEFAULT),
    printk: (level, func, fmt, ...args) => make('printk', level === 'log_lvl' ? 'log_lvl' : KERN[level], func, fmt, args) as never,
    WARN: pr('WARN', KERN_DEFAULT),
    log: pr('log', KERN_DEFAULT),
  };
  const words = build(p);
  for (const [key, w] of Object.entries(words)) Object.assign(w, { key, id: `${file}:${key}` });
  return words;
}
