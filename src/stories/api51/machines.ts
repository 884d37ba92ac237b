/**
 * The life of livepatch-sample.ko and its struct klp_patch under the two
 * livepatch APIs, as two XState machines with the same events (what the
 * commands of the story make the kernel do) and the same vocabulary of
 * actions (a kernel function called, a kernel log line, what the command
 * prints, how it ends).
 *
 * - `oldApiMachine`, 4.12 – 5.0 (read from v4.19 kernel/livepatch/core.c and
 *   transition.c): the module's init calls klp_register_patch() then
 *   klp_enable_patch(); a disabled patch stays registered, on klp_patches and
 *   in sysfs, and `echo 1 > enabled` enables it again; the module reference is
 *   taken by __klp_enable_patch() and dropped when an unpatching transition
 *   completes; the module's exit calls klp_unregister_patch(), which refuses an
 *   enabled patch.
 * - `newApiMachine`, since 5.1 ("livepatch: Simplify API by removing
 *   registration step", in its newest mainline form): the module's init only
 *   calls klp_enable_patch(), which takes the module reference; when the
 *   unpatching transition completes the patch leaves klp_patches at once and
 *   free_work is queued; the kworker removes the sysfs directory and only then
 *   calls module_put(); a disabled patch is never enabled again; the exit is
 *   empty.
 *
 * Both are pure: the story drives them with XState's transition(), and the
 * actions they return are the record of what happened. A transition finishes
 * in the same klp_try_complete_transition() call that started it when
 * `tasksSwitchAtOnce` (the story's assumption); otherwise it waits for
 * `transition_work` (klp_transition_work_fn()), and a write of the opposite
 * value reverses it.
 */
import { FACTS, range, since } from '../../kernel/release/facts';
import { setup } from 'xstate';
import { LIVEPATCH_CORE, LIVEPATCH_TRANSITION, MODULE_MAIN, line } from '../../kernel/words';

export const ENOENT = 2;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;

/** How the user-space side of a command ends. */
export type Result =
  | { ok: true }
  /** a system call failed with -errno */
  | { ok: false; errno: number; syscall: 'openat' | 'write' | 'finit_module' }
  /** kmod's rmmod refused before calling delete_module() */
  | { ok: false; kmod: 'in use' | 'not loaded' };

export interface CallParams {
  /** e.g. `klp_enable_patch()` */
  fn: string;
  /** nesting below the entry point of the command (0) */
  depth: number;
  note?: string;
  /** a user-space function (kmod), not the kernel's */
  user?: boolean;
}

export interface ApiContext {
  /** patch->mod->name: also the sysfs directory name */
  name: string;
  /** the module's reference count, as /sys/module/<name>/refcnt reads */
  refcnt: number;
  /** the TAINT_LIVEPATCH notice was printed (pr_notice_once: once per boot) */
  tainted: boolean;
  /** call depth of the klp_try_complete_transition() that may complete the transition */
  depth: number;
  /** every task switches in the first klp_try_complete_transition() */
  tasksSwitchAtOnce: boolean;
  /** another patch is klp_transition_patch: enable and disable return -EBUSY */
  otherTransition: boolean;
  /** old API stacking: the patch below this one on klp_patches is disabled */
  lowerDisabled: boolean;
  /** old API stacking: the patch above this one on klp_patches is enabled */
  upperEnabled: boolean;
}

export interface ApiInput {
  name: string;
  tasksSwitchAtOnce?: boolean;
  otherTransition?: boolean;
  lowerDisabled?: boolean;
  upperEnabled?: boolean;
}

export type ApiEvent =
  /** insmod livepatch-sample.ko: finit_module() */
  | { type: 'insmod' }
  /** rmmod livepatch_sample: kmod's check, then delete_module() */
  | { type: 'rmmod' }
  /** echo 0|1 > /sys/kernel/livepatch/<name>/enabled */
  | { type: 'write_enabled'; value: boolean }
  /** cat /proc/cmdline: cmdline_proc_show(), the patched function */
  | { type: 'read_cmdline' }
  /** a kworker runs the queued patch->free_work (since 5.1) */
  | { type: 'free_work' }
  /** klp_transition_work_fn(): the delayed retry finds every task switched */
  | { type: 'transition_work' }
  /** old API: livepatch_init() goes on to klp_enable_patch() after klp_register_patch() */
  | { type: 'klp_enable_patch' };

/** Tags: what exists while the machine is in a state. */
export type ApiTag =
  /** the module is loaded */
  | 'module'
  /** /sys/kernel/livepatch/<name> exists */
  | 'sysfs'
  /** /sys/kernel/livepatch/<name>/vmlinux and its function directory exist */
  | 'objects'
  /** the patch is on klp_patches */
  | 'listed'
  /** patch->enabled: the enabled file reads 1 */
  | 'enabled'
  /** patch == klp_transition_patch: the transition file reads 1 */
  | 'transition'
  /** obj->patched: the ftrace handler is on cmdline_proc_show() */
  | 'objPatched'
  /** patch->free_work is queued and has not run */
  | 'workPending';

export interface StateMeta {
  /** how the story names the state */
  label: string;
}

export const BOOT_CMDLINE = 'BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro quiet';
export const PATCHED_CMDLINE = 'this has been live patched';

const base = setup({
  types: {
    context: {} as ApiContext,
    input: {} as ApiInput,
    events: {} as ApiEvent,
    tags: {} as ApiTag,
    meta: {} as StateMeta,
  },
  actions: {
    /** a kernel (or kmod) function runs */
    call: (_, _p: CallParams) => {},
    /** a kernel log line, as dmesg shows it */
    printk: (_, _p: { text: string }) => {},
    /** what the command prints on stdout */
    stdout: (_, _p: { text: string }) => {},
    /** how the command ends */
    result: (_, _p: Result) => {},
  },
  guards: {
    inUse: ({ context }) => context.refcnt > 0,
    notInUse: ({ context }) => context.refcnt === 0,
    writesTrue: ({ event }) => event.type === 'write_enabled' && event.value,
    writesFalse: ({ event }) => event.type === 'write_enabled' && !event.value,
    otherTransition: ({ context }) => context.otherTransition,
    lowerDisabled: ({ context }) => context.lowerDisabled,
    upperEnabled: ({ context }) => context.upperEnabled,
    tasksSwitchAtOnce: ({ context }) => context.tasksSwitchAtOnce,
  },
});

// ---- the action vocabulary ------------------------------------------------------------

/** A note on a call; a function of the patch (module) name where it names it. */
type Note = string | ((name: string) => string);

const params = (fn: string, depth: number, note: Note | undefined, name: string, user?: true): CallParams => {
  const p: CallParams = { fn, depth };
  if (note !== undefined) p.note = typeof note === 'string' ? note : note(name);
  if (user) p.user = true;
  return p;
};

const call = (fn: string, depth: number, note?: Note) =>
  ({ type: 'call', params: ({ context }: { context: ApiContext }) => params(fn, depth, note, context.name) }) as const;

/** A call placed relative to the klp_try_complete_transition() that completes the transition. */
const after = (fn: string, rel: number, note?: Note) =>
  ({ type: 'call', params: ({ context }: { context: ApiContext }) => params(fn, context.depth + rel, note, context.name) }) as const;

/** A function of kmod, in user space. */
const user = (fn: string, depth: number, note: (name: string, refcnt: number) => string) =>
  ({
    type: 'call',
    params: ({ context }: { context: ApiContext }) => params(fn, depth, note(context.name, context.refcnt), context.name, true),
  }) as const;

/** A kernel log line about the patch, from the words catalogue (src/kernel/words). */
const pr = (text: (name: string) => string) =>
  ({ type: 'printk', params: ({ context }: { context: ApiContext }) => ({ text: text(context.name) }) }) as const;
const started = (to: 'patching' | 'unpatching') => pr((n) => line(LIVEPATCH_TRANSITION.starting, { patch: n, state: to }));
const completed = (to: 'patching' | 'unpatching') => pr((n) => line(LIVEPATCH_TRANSITION.complete, { patch: n, state: to }));
const enabling = pr((n) => line(LIVEPATCH_CORE.enablingPatch, { patch: n }));

const ok = { type: 'result', params: { ok: true } } as const;
const fail = (errno: number, syscall: 'openat' | 'write' | 'finit_module') =>
  ({ type: 'result', params: { ok: false, errno, syscall } }) as const;
const kmod = (why: 'in use' | 'not loaded') => ({ type: 'result', params: { ok: false, kmod: why } }) as const;

const moduleGet = base.assign({ refcnt: ({ context }) => context.refcnt + 1 });
const modulePut = base.assign({ refcnt: ({ context }) => context.refcnt - 1 });
const setDepth = (depth: number) => base.assign({ depth });

/** check_modinfo_livepatch(): taints the kernel; the notice is pr_notice_once(). */
const taint = base.enqueueActions(({ context, enqueue }) => {
  if (!context.tainted) {
    enqueue({ type: 'printk', params: { text: line(MODULE_MAIN.taintLivepatch, { module: context.name }) } });
  }
  enqueue.assign({ tainted: true });
});

/** insmod up to the module's init function. */
const LOAD = [
  call('finit_module()', 0),
  call('load_module()', 1),
  call('check_modinfo_livepatch()', 2, 'MODULE_INFO(livepatch, "Y"): TAINT_LIVEPATCH'),
  taint,
  call('do_init_module()', 2),
  call('livepatch_init()', 3, "the module's init"),
] as const;

const EEXIST_LOAD = [
  call('finit_module()', 0),
  call('load_module()', 1),
  call('add_unformed_module()', 2, (n) => `a module ${n} is already loaded: -EEXIST`),
  fail(EEXIST, 'finit_module'),
] as const;

const IN_USE = [user('check_module_inuse()', 0, (n, r) => `kmod reads /sys/module/${n}/refcnt: ${r}`), kmod('in use')] as const;

const NOT_LOADED = [user('check_module_inuse()', 0, (n) => `no /sys/module/${n}: nothing to remove`), kmod('not loaded')] as const;

const NO_SYSFS = [
  call('openat()', 0, 'bash opens …/enabled: no such directory, -ENOENT; nothing is written'),
  fail(ENOENT, 'openat'),
] as const;

const CMDLINE_ORIGINAL = [call('cmdline_proc_show()', 0, 'read through seq_read()'), { type: 'stdout', params: { text: BOOT_CMDLINE } }] as const;

const CMDLINE_PATCHED = [
  call('cmdline_proc_show()', 0, 'read through seq_read()'),
  call('klp_ftrace_handler()', 1, "ftrace at cmdline_proc_show()'s entry: this patch's function is on top of the func_stack"),
  call('livepatch_cmdline_proc_show()', 1, 'runs instead of the original'),
  { type: 'stdout', params: { text: PATCHED_CMDLINE } },
] as const;

const WRITE_EINVAL = (depth: number, note: string) => [call('enabled_store()', depth, note), fail(EINVAL, 'write')] as const;

/** The patching transition completes: klp_complete_transition() (both APIs). */
const COMPLETE_PATCHING = [
  after('klp_complete_transition()', 1),
  completed('patching'),
] as const;

/** A write of the opposite value while the patch is in transition (both APIs). */
const reverse = (to: 'patching' | 'unpatching') =>
  [
    call('enabled_store()', 0, 'this patch is klp_transition_patch: reverse'),
    call('klp_reverse_transition()', 1),
    call('klp_start_transition()', 2),
    started(to),
    ok,
  ] as const;

/** The delayed retry, when tasks did not all switch at once. */
const RETRY = [call('klp_transition_work_fn()', 0), call('klp_try_complete_transition()', 1), setDepth(1)] as const;

// ---- the same in both: a transition, and what rmmod does -----------------------------------

/** enabled=1 transition=1: tasks switch to the new code (the same before and after 5.1). */
const PATCHING = {
  description: 'enabled=1 transition=1: tasks switch to the new code',
  meta: { label: 'enabled, patching transition' },
  tags: ['module', 'sysfs', 'objects', 'listed', 'enabled', 'transition', 'objPatched'],
  always: { guard: 'tasksSwitchAtOnce', target: 'enabled', actions: [...COMPLETE_PATCHING] },
  on: {
    transition_work: { target: 'enabled', actions: [...RETRY, ...COMPLETE_PATCHING] },
    write_enabled: [
      { guard: 'writesTrue', actions: [...WRITE_EINVAL(0, 'patch->enabled is already 1: -EINVAL')] },
      { target: 'unpatching', actions: [...reverse('unpatching')] },
    ],
  },
} as const;

/** Before 5.1, stacking: a patch may be disabled only from the top of the stack. */
const STACKING_REFUSAL = {
  guard: 'upperEnabled',
  actions: [call('enabled_store()', 0), call('__klp_disable_patch()', 1, 'stacking: the patch above is enabled: -EBUSY'), fail(EBUSY, 'write')],
} as const;

/**
 * enabled=1 transition=0. Disabling starts the unpatching transition; before
 * 5.1 the stacking rule could refuse it.
 */
const enabledState = (stacking: boolean, disableNote?: string) =>
  ({
    description: 'enabled=1 transition=0: every task runs the new code; the module is pinned',
    meta: { label: 'enabled' },
    tags: ['module', 'sysfs', 'objects', 'listed', 'enabled', 'objPatched'],
    on: {
      read_cmdline: { actions: [...CMDLINE_PATCHED] },
      write_enabled: [
        { guard: 'writesTrue', actions: [...WRITE_EINVAL(0, 'patch->enabled is already 1: -EINVAL')] },
        {
          guard: 'otherTransition',
          actions: [call('enabled_store()', 0), call('__klp_disable_patch()', 1, 'another patch is in transition: -EBUSY'), fail(EBUSY, 'write')],
        },
        ...(stacking ? [STACKING_REFUSAL] : []),
        {
          target: 'unpatching',
          actions: [
            call('enabled_store()', 0),
            call('__klp_disable_patch()', 1, disableNote),
            call('klp_init_transition()', 2),
            call('klp_start_transition()', 2),
            started('unpatching'),
            call('klp_try_complete_transition()', 2, 'every task switches at once'),
            setDepth(2),
            ok,
          ],
        },
      ],
    },
  }) as const;

/** enabled=0 transition=1: tasks switch back; where it ends is what changed in 5.1. */
const unpatchingState = <T extends string>(target: T, complete: typeof OLD_COMPLETE_UNPATCHING | typeof NEW_COMPLETE_UNPATCHING) =>
  ({
    description: 'enabled=0 transition=1: tasks switch back to the original code',
    meta: { label: 'disabled, unpatching transition' },
    tags: ['module', 'sysfs', 'objects', 'listed', 'transition', 'objPatched'],
    always: { guard: 'tasksSwitchAtOnce', target, actions: [...complete] },
    on: {
      transition_work: { target, actions: [...RETRY, ...complete] },
      write_enabled: [
        { guard: 'writesFalse', actions: [...WRITE_EINVAL(0, 'patch->enabled is already 0: -EINVAL')] },
        { target: 'patching', actions: [...reverse('patching')] },
      ],
    },
  }) as const;

/** The context both machines start from; the stacking facts exist only before 5.1. */
const startContext = (input: ApiInput, stacking: boolean): ApiContext => ({
  name: input.name,
  refcnt: 0,
  tainted: false,
  depth: 0,
  tasksSwitchAtOnce: input.tasksSwitchAtOnce ?? true,
  otherTransition: input.otherTransition ?? false,
  lowerDisabled: stacking && (input.lowerDisabled ?? false),
  upperEnabled: stacking && (input.upperEnabled ?? false),
});

/** The unpatching transition completes the same way in both; what follows differs. */
const UNPATCHED = [
  after('klp_complete_transition()', 1),
  after('klp_unpatch_objects()', 2, 'unregisters the ftrace handler'),
  completed('unpatching'),
] as const;

/** rmmod of a module nobody holds: delete_module() runs its exit. */
const removeModule = (exitNote: string) =>
  [
    user('check_module_inuse()', 0, (n, r) => `kmod reads /sys/module/${n}/refcnt: ${r}`),
    call('delete_module()', 0),
    call('livepatch_exit()', 1, exitNote),
  ] as const;

// ---- before 5.1 -------------------------------------------------------------------------

/** __klp_enable_patch() in 4.12 – 5.0, from klp_enable_patch() or from enabled_store(). */
const oldEnable = (d: number) =>
  [
    call('__klp_enable_patch()', d),
    call('try_module_get()', d + 1, 'the patch module reference is taken at enable'),
    moduleGet,
    enabling,
    call('klp_init_transition()', d + 1),
    call('klp_patch_object()', d + 1, 'registers the ftrace handler on cmdline_proc_show()'),
    call('klp_start_transition()', d + 1),
    started('patching'),
    call('klp_try_complete_transition()', d + 1, 'every task switches at once'),
    setDepth(d + 1),
  ] as const;

/** livepatch_init() undoes its registration when klp_enable_patch() fails. */
const oldInitFails = (note: string) =>
  [
    call('klp_enable_patch()', 4),
    call('__klp_enable_patch()', 5, note),
    call('klp_unregister_patch()', 4, 'WARN_ON(klp_unregister_patch(&patch)) in livepatch_init()'),
    call('klp_free_patch()', 5),
    call('kobject_put()', 5, (n) => `removes /sys/kernel/livepatch/${n}`),
    fail(EBUSY, 'finit_module'),
  ] as const;

const OLD_COMPLETE_UNPATCHING = [
  ...UNPATCHED,
  after('module_put()', 2, 'the reference taken at enable is dropped'),
  modulePut,
] as const;

export const oldApiMachine = base.createMachine({
  id: 'old',
  context: ({ input }) => startContext(input, true),
  initial: 'unregistered',
  on: {
    read_cmdline: { actions: [...CMDLINE_ORIGINAL] },
  },
  states: {
    unregistered: {
      description: 'the module is not loaded: no struct klp_patch is registered',
      meta: { label: 'module not loaded, no patch registered' },
      on: {
        insmod: {
          target: 'loaded.registered',
          actions: [
            ...LOAD,
            call('klp_register_patch()', 4),
            call('klp_init_patch()', 5, (n) => `creates /sys/kernel/livepatch/${n}; list_add_tail() onto klp_patches, disabled`),
            base.raise({ type: 'klp_enable_patch' }),
          ],
        },
        rmmod: { actions: [...NOT_LOADED] },
        write_enabled: { actions: [...NO_SYSFS] },
      },
    },
    loaded: {
      initial: 'registered',
      on: {
        insmod: { actions: [...EEXIST_LOAD] },
        rmmod: { guard: 'inUse', actions: [...IN_USE] },
      },
      states: {
        registered: {
          description: 'registered and disabled: on klp_patches, in sysfs, enabled=0; no module reference',
          meta: { label: 'registered, disabled' },
          tags: ['module', 'sysfs', 'objects', 'listed'],
          on: {
            klp_enable_patch: [
              { guard: 'otherTransition', target: '#old.unregistered', actions: [...oldInitFails('another patch is in transition: -EBUSY')] },
              {
                guard: 'lowerDisabled',
                target: '#old.unregistered',
                actions: [...oldInitFails('stacking: the patch below is disabled: -EBUSY')],
              },
              { target: 'patching', actions: [call('klp_enable_patch()', 4), ...oldEnable(5), ok] },
            ],
            write_enabled: [
              { guard: 'writesFalse', actions: [...WRITE_EINVAL(0, 'patch->enabled is already 0: -EINVAL')] },
              {
                guard: 'otherTransition',
                actions: [call('enabled_store()', 0), call('__klp_enable_patch()', 1, 'another patch is in transition: -EBUSY'), fail(EBUSY, 'write')],
              },
              {
                guard: 'lowerDisabled',
                actions: [call('enabled_store()', 0), call('__klp_enable_patch()', 1, 'stacking: the patch below is disabled: -EBUSY'), fail(EBUSY, 'write')],
              },
              {
                target: 'patching',
                actions: [call('enabled_store()', 0, 'a registered, disabled patch may be enabled again'), ...oldEnable(1), ok],
              },
            ],
            rmmod: {
              guard: 'notInUse',
              target: '#old.unregistered',
              actions: [
                ...removeModule("the module's exit"),
                call('klp_unregister_patch()', 2, 'refuses an enabled patch (-EBUSY); this one is disabled'),
                call('klp_free_patch()', 3, 'list_del(): off klp_patches'),
                call('kobject_put()', 3, (n) => `removes /sys/kernel/livepatch/${n}`),
                call('wait_for_completion()', 3),
                call('free_module()', 1),
                ok,
              ],
            },
          },
        },
        patching: PATCHING,
        enabled: enabledState(true),
        unpatching: unpatchingState('registered', OLD_COMPLETE_UNPATCHING),
      },
    },
  },
});

// ---- since 5.1 -------------------------------------------------------------------------

const NEW_COMPLETE_UNPATCHING = [
  ...UNPATCHED,
  after('klp_free_patch_async()', 1, `patch->enabled is false (${range(FACTS.freePatchInline)}: the same two calls, inline)`),
  after('klp_free_patch_start()', 2, 'list_del(): off klp_patches; vmlinux/ and its function directory go'),
  after('schedule_work()', 2, 'queues patch->free_work; the module reference is still held'),
] as const;

export const newApiMachine = base.createMachine({
  id: 'new',
  context: ({ input }) => startContext(input, false),
  initial: 'unloaded',
  on: {
    read_cmdline: { actions: [...CMDLINE_ORIGINAL] },
  },
  states: {
    unloaded: {
      description: 'the module is not loaded: no struct klp_patch exists',
      meta: { label: 'module not loaded, no patch' },
      on: {
        insmod: [
          {
            guard: 'otherTransition',
            actions: [
              ...LOAD,
              call('klp_enable_patch()', 4),
              call('try_module_get()', 5),
              call('klp_init_patch_early()', 5),
              call('klp_init_patch()', 5, (n) => `creates /sys/kernel/livepatch/${n}`),
              call('__klp_enable_patch()', 5, 'another patch is in transition: -EBUSY'),
              call('klp_free_patch_start()', 5),
              call('klp_free_patch_finish()', 5, 'synchronously: removes the directory, module_put()'),
              fail(EBUSY, 'finit_module'),
            ],
          },
          {
            target: 'loaded.patching',
            actions: [
              ...LOAD,
              call('klp_enable_patch()', 4, 'checks, registers and enables in one call'),
              call('try_module_get()', 5, `the patch module reference is taken at load (${range(FACTS.moduleRefInInitEarly)}: in klp_init_patch_early(); here ${since(FACTS.moduleRefAtEnable)}, ${FACTS.moduleRefAtEnable.commit})`),
              moduleGet,
              call('klp_init_patch_early()', 5),
              call('klp_init_patch()', 5, (n) => `creates /sys/kernel/livepatch/${n}; list_add_tail() onto klp_patches`),
              call('__klp_enable_patch()', 5),
              enabling,
              call('klp_init_transition()', 6),
              call('klp_patch_object()', 6, 'registers the ftrace handler on cmdline_proc_show()'),
              call('klp_start_transition()', 6),
              started('patching'),
              call('klp_try_complete_transition()', 6, 'every task switches at once'),
              setDepth(6),
              ok,
            ],
          },
        ],
        rmmod: { actions: [...NOT_LOADED] },
        write_enabled: { actions: [...NO_SYSFS] },
      },
    },
    loaded: {
      initial: 'patching',
      on: {
        insmod: { actions: [...EEXIST_LOAD] },
        rmmod: { guard: 'inUse', actions: [...IN_USE] },
      },
      states: {
        patching: PATCHING,
        enabled: enabledState(false, 'no stacking rule: any enabled patch may be disabled'),
        unpatching: unpatchingState('freeing', NEW_COMPLETE_UNPATCHING),
        freeing: {
          description: 'disabled and off klp_patches; free_work is queued; the directory still reads enabled=0 transition=0',
          meta: { label: 'disabled, off klp_patches, free_work queued' },
          tags: ['module', 'sysfs', 'workPending'],
          on: {
            write_enabled: [
              { guard: 'writesFalse', actions: [...WRITE_EINVAL(0, 'patch->enabled is already 0: -EINVAL')] },
              { actions: [...WRITE_EINVAL(0, 'not enabled, not in transition: "Do not allow to re-enable a disabled patch", -EINVAL')] },
            ],
            free_work: {
              target: 'freed',
              actions: [
                call('klp_free_patch_work_fn()', 0, 'on the system workqueue, outside klp_mutex'),
                call('klp_free_patch_finish()', 1),
                call('kobject_put()', 2, (n) => `the last reference to patch->kobj: removes /sys/kernel/livepatch/${n}`),
                call('klp_kobj_release_patch()', 3, 'complete(&patch->finish)'),
                call('wait_for_completion()', 2),
                call('module_put()', 2, 'after the last access to struct klp_patch'),
                modulePut,
              ],
            },
          },
        },
        freed: {
          description: 'the patch is gone; the module is loaded with no reference: rmmod may remove it',
          meta: { label: 'patch freed, module idle' },
          tags: ['module'],
          on: {
            write_enabled: { actions: [...NO_SYSFS] },
            rmmod: {
              guard: 'notInUse',
              target: '#new.unloaded',
              actions: [
                ...removeModule("the module's exit: empty since 5.1"),
                call('free_module()', 1),
                ok,
              ],
            },
          },
        },
      },
    },
  },
});

export type ApiMachine = typeof oldApiMachine | typeof newApiMachine;
