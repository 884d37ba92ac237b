/**
 * What a call in the story's function graph means, said beside it. The
 * graph itself is the engine's (which functions ran, in which order, under
 * which caller); these notes are the story's words about them, chosen by the
 * call, what follows it, and what the step did. A call without a note here
 * is shown bare.
 */
import { FACTS, range } from '../../kernel/release/facts';
import type { GraphCall } from '../../kernel/world/fgraph';
import type { Api, Outcome } from './model';

export interface NoteContext {
  api: Api;
  /** the command typed (null: a kworker's step) */
  line: string | null;
  /** the patch (and module) name */
  name: string;
  /** its sysfs directory */
  dir: string;
  /** the module's reference count before the step */
  refcntBefore: number;
  outcome: Outcome;
  /** the kernel enforces the stacking order (≤ 5.0) */
  stacking: boolean;
}

type Note = (c: GraphCall, next: GraphCall | undefined, ctx: NoteContext) => string | undefined;

const under = (c: GraphCall, next: GraphCall | undefined, fn: string) => next !== undefined && next.depth === c.depth + 1 && next.fn === fn;

const NOTES: Record<string, Note> = {
  'cmdline_proc_show()': (c, next, ctx) => {
    if (c.depth > 0) return undefined;
    if (ctx.line?.startsWith('cat ')) return 'read through seq_read()';
    // every kmod tool reads the kernel command line first, patched or not
    return `kmod_new() reads /proc/cmdline for module options${under(c, next, 'klp_ftrace_handler()') ? ': the patched function runs' : ''}`;
  },
  'klp_ftrace_handler()': () => "ftrace at cmdline_proc_show()'s entry: this patch's function is on top of the func_stack",
  'livepatch_cmdline_proc_show()': () => 'runs instead of the original',
  'check_modinfo_livepatch()': () => 'MODULE_INFO(livepatch, "Y"): TAINT_LIVEPATCH',
  'add_unformed_module()': (_c, _n, ctx) => (ctx.outcome.errno === 'EEXIST' ? `a module ${ctx.name} is already loaded: -EEXIST` : undefined),
  'livepatch_init()': () => "the module's init",
  'livepatch_exit()': (_c, _n, ctx) => (ctx.api === 'new' ? "the module's exit: empty since 5.1" : "the module's exit"),
  'klp_enable_patch()': (_c, _n, ctx) => (ctx.api === 'new' ? 'checks, registers and enables in one call' : undefined),
  'klp_init_patch()': (_c, _n, ctx) => `creates ${ctx.dir}; list_add_tail() onto klp_patches${ctx.api === 'old' ? ', disabled' : ''}`,
  'try_module_get()': (_c, _n, ctx) =>
    ctx.api === 'old'
      ? 'the patch module reference is taken at enable'
      : `the patch module reference is taken at load (here in klp_init_patch_early(), ${range(FACTS.moduleRefInInitEarly)}; since ${FACTS.moduleRefAtEnable.since} just before it, ${FACTS.moduleRefAtEnable.commit})`,
  'klp_patch_object()': () => 'registers the ftrace handler on cmdline_proc_show()',
  'klp_try_complete_transition()': (c, next) =>
    under(c, next, 'klp_complete_transition()') ? 'every task has switched' : 'a task has not switched yet: klp_transition_work retries',
  'klp_transition_work_fn()': () => 'a kworker retries, a second later',
  'klp_unpatch_objects()': () => 'unregisters the ftrace handler',
  'module_put()': (c, _n, ctx) => (ctx.api === 'old' ? 'the reference taken at enable is dropped' : c.depth > 1 ? 'after the last access to struct klp_patch' : undefined),
  '__klp_disable_patch()': (_c, _n, ctx) => (ctx.stacking ? 'only the topmost enabled patch may be disabled' : 'no stacking rule: any enabled patch may be disabled'),
  'enabled_store()': (c, next, ctx) => {
    if (ctx.api === 'old' && under(c, next, '__klp_enable_patch()')) return 'a registered, disabled patch may be enabled again';
    if (ctx.api === 'new' && ctx.outcome.errno === 'EINVAL') return 'not enabled, not in transition: "Do not allow to re-enable a disabled patch", -EINVAL';
    return undefined;
  },
  'klp_free_patch_async()': () => 'patch->enabled is false',
  'klp_free_patch_start()': () => 'list_del(): off klp_patches; vmlinux/ and its function directory go',
  'schedule_work()': () => 'queues patch->free_work; the module reference is still held',
  'klp_free_patch_work_fn()': () => 'on the system workqueue, outside klp_mutex',
  'kobject_put()': (_c, _n, ctx) => `the last reference to patch->kobj: removes ${ctx.dir}`,
  'klp_kobj_release_patch()': () => 'complete(&patch->finish)',
  'check_module_inuse()': (_c, _n, ctx) => `kmod reads /sys/module/${ctx.name}/refcnt: ${ctx.refcntBefore}`,
};

/** The note beside `c` (the call after it is `next`), or none. */
export function noteOn(c: GraphCall, next: GraphCall | undefined, ctx: NoteContext): string | undefined {
  return Object.hasOwn(NOTES, c.fn) ? NOTES[c.fn]!(c, next, ctx) : undefined;
}
