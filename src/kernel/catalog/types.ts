/**
 * The shape of a module catalogue entry: one declarative description per
 * module, read from ../shared/conformance/modules.md. Code appears only where
 * the module's C code does something the engine cannot describe as data
 * (a callback's own printouts, a proc file, a worker loop).
 */
import type { InitSleeps, ModuleApi, ObjectView } from './api';
import type { Release } from '../release/releases';

export type ParamType = 'int' | 'bool' | 'intarray' | 'charp';
export type ParamValue = number | boolean | number[] | string;

export interface ParamSpec {
  name: string;
  type: ParamType;
  /** sysfs mode of /sys/module/<mod>/parameters/<name>; 0 = not visible */
  mode: number;
  default: ParamValue;
  description: string;
}

/** A pre_patch callback returns 0 or -errno; the others return nothing. */
export interface CallbackSpec {
  pre_patch?: (m: ModuleApi, obj: ObjectView) => number;
  post_patch?: (m: ModuleApi, obj: ObjectView) => void;
  pre_unpatch?: (m: ModuleApi, obj: ObjectView) => void;
  post_unpatch?: (m: ModuleApi, obj: ObjectView) => void;
}

export interface FuncSpec {
  /** func->old_name */
  old: string;
  /** the replacement function, defined in this module's `functions` */
  new: string;
  /** func->old_sympos (0 = unique) */
  sympos?: number;
}

export interface ObjectSpec {
  /** null for vmlinux, else the name of the patched module */
  name: string | null;
  funcs: FuncSpec[];
  callbacks?: CallbackSpec;
}

export interface PatchSpec {
  /** patch->replace, fixed or copied from a module parameter by the init function */
  replace: boolean | { param: string };
  objects: ObjectSpec[];
  /** struct klp_state entries: id and version */
  states?: { id: number; version: number }[];
}

/**
 * What a function of the module does when it is called. A proc/seq_file
 * show function returns the text it prints; a system call returns its value.
 */
export type FunctionImpl = (m: ModuleApi, call: CallInfo) => string | number | void;

export interface CallInfo {
  /** pid of the calling task */
  pid: number;
  /** the arguments, when a module's code passes some (pointers and integers) */
  args: readonly number[];
}

export interface ModuleSpec {
  /** the module name (what lsmod and /sys/module show) */
  name: string;
  /** where the .ko file lives: test_modules/… (the selftests') or samples/livepatch/… (the kernel tree's) */
  file: string;
  /** the first release whose tree has it (absent: a sample 4.0, a test module the selftests' 5.1) */
  since?: Release;
  description: string;
  /** where the behaviour was read from */
  source: string;
  /** core size in bytes, as lsmod shows it */
  size: number;
  /** MODULE_INFO(livepatch, "Y") */
  livepatch: boolean;
  params?: ParamSpec[];
  /** The functions this module's code defines: kallsyms entries and behaviour. */
  functions?: Record<string, FunctionImpl>;
  /** The struct klp_patch the init function passes to klp_enable_patch(). */
  patch?: PatchSpec;
  /**
   * module_init. Default for a livepatch module: `return klp_enable_patch(&patch);`.
   * Returns 0 or -errno, or InitSleeps when it never returns.
   */
  init?: (m: ModuleApi) => number | InitSleeps;
  /** its init function's name in the source, where it is not `<name>_init` (the function graph shows it) */
  initFn?: string;
  /** its exit function's name, where it is not `<name>_exit` */
  exitFn?: string;
  /** module_exit. A module without one (but with init) can never be removed. */
  exit?: (m: ModuleApi) => void;
}
