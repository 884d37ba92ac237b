/**
 * The life of one struct klp_patch under the API of 4.12 – 5.0, before
 * "livepatch: Simplify API by removing registration step" (958ef1e39d24):
 * the patch module's init calls klp_register_patch() (sysfs directory, onto
 * klp_patches) then klp_enable_patch(); `echo 0 > enabled` disables it and
 * it stays registered, directory and all, so `echo 1` enables it again; the
 * module's exit calls klp_unregister_patch(), which frees it. Only the
 * topmost enabled patch may be disabled, only the first disabled one
 * enabled (stacking). The module reference is taken by every enable and
 * dropped when an unpatching transition completes, unless any transition
 * was ever forced (the global klp_forced).
 *
 * Each transition mirrors a branch of the 4.19 kernel/livepatch/core.c and
 * transition.c; the actions name the kernel functions the simulator runs.
 */
import { assign, setup } from 'xstate';
import { EBUSY, EINVAL, ENODEV, ENOSYS } from '../world/errno';
import { SHARED_PATCH_ACTIONS } from './patch-actions';

export interface RegisteredPatchContext {
  name: string;
  /** no atomic replace before 5.1 */
  replace: false;
  /** klp_forced was set while this patch existed: its module can never be removed */
  forced: boolean;
}

export type RegisteredPatchEvent =
  /** klp_register_patch()'s checks, before klp_init_patch() */
  | { type: 'klp_register_patch'; livepatchModule: boolean; initialized: boolean; reliableStacks: boolean }
  /** klp_init_patch() returned */
  | { type: 'klp_init_patch.done' }
  | { type: 'klp_init_patch.failed'; errno: number }
  /**
   * __klp_enable_patch(), from klp_enable_patch() or a write of 1:
   * `stackBlocked` when the patch before it on klp_patches is not enabled
   */
  | { type: '__klp_enable_patch'; transitionBusy: boolean; stackBlocked: boolean; moduleGet: boolean }
  | { type: 'object.failed'; errno: number; object: string; stage: 'pre_patch' | 'patch'; klpForced: boolean }
  | { type: 'objects.patched' }
  /** a write to enabled, parsed by kstrtobool(); `stackBlocked`: the patch after it is enabled */
  | { type: 'sysfs.enabled'; value: boolean; transitionBusy: boolean; stackBlocked: boolean; enableStackBlocked: boolean; moduleGet: boolean }
  | { type: 'sysfs.force' }
  | { type: 'sysfs.signal' }
  /** klp_complete_transition() ran for this patch; `klpForced`: a transition was ever forced */
  | { type: 'transition.completed'; klpForced: boolean }
  /** klp_unregister_patch(), from the module's exit (or its init's error path) */
  | { type: 'klp_unregister_patch' }
  /** klp_force_transition() set the global klp_forced */
  | { type: 'forced' };

const reject = (errno: number) => ({ type: 'reject' as const, params: { errno } });

/** __klp_enable_patch()'s checks, in its order, then the start of enabling. */
const enable = [
  { guard: 'transitionBusy', actions: reject(-EBUSY) },
  { guard: 'enableStackBlocked', actions: reject(-EBUSY) },
  { guard: 'moduleGone', actions: reject(-ENODEV) },
  { target: 'enabling', actions: ['pr_notice_enabling', 'klp_init_transition_patched'] },
] as const;

/** __klp_enable_patch()'s error path: the warnings, klp_cancel_transition(), its module_put(), the errno. */
function enableFailed(modulePut: boolean) {
  return [
    {
      type: 'pr_warn_object_failed' as const,
      params: ({ event }: { event: RegisteredPatchEvent }) =>
        event.type === 'object.failed' ? { object: event.object, stage: event.stage } : { object: '', stage: 'patch' as const },
    },
    'pr_warn_failed_to_enable' as const,
    'klp_cancel_transition' as const,
    ...(modulePut ? (['module_put'] as const) : []),
    { type: 'reject' as const, params: ({ event }: { event: RegisteredPatchEvent }) => ({ errno: event.type === 'object.failed' ? event.errno : 0 }) },
  ];
}

export const registeredPatchMachine = setup({
  types: {
    context: {} as RegisteredPatchContext,
    input: {} as { name: string },
    events: {} as RegisteredPatchEvent,
  },
  guards: {
    notLivepatchModule: ({ event }) => event.type === 'klp_register_patch' && !event.livepatchModule,
    notInitialized: ({ event }) => event.type === 'klp_register_patch' && !event.initialized,
    noReliableStacks: ({ event }) => event.type === 'klp_register_patch' && !event.reliableStacks,
    transitionBusy: ({ event }) => (event.type === '__klp_enable_patch' || event.type === 'sysfs.enabled') && event.transitionBusy,
    enableStackBlocked: ({ event }) =>
      (event.type === '__klp_enable_patch' && event.stackBlocked) || (event.type === 'sysfs.enabled' && event.enableStackBlocked),
    disableStackBlocked: ({ event }) => event.type === 'sysfs.enabled' && event.stackBlocked,
    moduleGone: ({ event }) => (event.type === '__klp_enable_patch' || event.type === 'sysfs.enabled') && !event.moduleGet,
    writesTrue: ({ event }) => event.type === 'sysfs.enabled' && event.value,
    writesFalse: ({ event }) => event.type === 'sysfs.enabled' && !event.value,
    klpForced: ({ event }) => (event.type === 'transition.completed' || event.type === 'object.failed') && event.klpForced,
  },
  actions: {
    ...SHARED_PATCH_ACTIONS,
    pr_err_no_consistency_model: () => {},
    klp_send_signals: () => {},
    /** klp_unregister_patch(): klp_free_patch(), kobject_put(): the directory goes */
    klp_free_patch: () => {},
    markForced: assign({ forced: true }),
  },
}).createMachine({
  id: 'registeredPatch',
  context: ({ input }) => ({ name: input.name, replace: false as const, forced: false }),
  initial: 'loading',
  states: {
    loading: {
      description: "the patch module's init calls klp_register_patch()",
      on: {
        klp_register_patch: [
          { guard: 'notLivepatchModule', target: 'refused', actions: ['pr_err_not_livepatch_module', reject(-EINVAL)] },
          { guard: 'notInitialized', target: 'refused', actions: reject(-ENODEV) },
          { guard: 'noReliableStacks', target: 'refused', actions: ['pr_err_no_consistency_model', reject(-ENOSYS)] },
          { target: 'initializing' },
        ],
      },
    },
    initializing: {
      description: 'klp_init_patch(): sysfs directories, objects, symbol lookup; then onto klp_patches',
      on: {
        'klp_init_patch.done': 'registered',
        'klp_init_patch.failed': {
          target: 'refused',
          actions: ['free_patch_sync', { type: 'reject', params: ({ event }) => ({ errno: event.errno }) }],
        },
      },
    },
    registered: {
      description: 'registered and disabled: on klp_patches, its directory in sysfs; enabled=0',
      on: {
        __klp_enable_patch: [...enable],
        'sysfs.enabled': [{ guard: 'writesFalse', actions: reject(-EINVAL) }, ...enable],
        'sysfs.force': { actions: reject(-EINVAL) },
        'sysfs.signal': { actions: reject(-EINVAL) },
        klp_unregister_patch: { target: 'freed', actions: 'klp_free_patch' },
        forced: { actions: 'markForced' },
      },
    },
    enabling: {
      description: 'pre_patch callbacks and ftrace handlers, object by object',
      on: {
        'object.failed': [
          // klp_cancel_transition() completes an unpatching transition, which drops the reference unless forced
          { guard: 'klpForced', target: 'registered', actions: enableFailed(false) },
          { target: 'registered', actions: enableFailed(true) },
        ],
        'objects.patched': { target: 'patching', actions: ['klp_start_transition', 'klp_try_complete_transition'] },
      },
    },
    patching: {
      description: 'enabled=1 transition=1: tasks are switching to the patched universe',
      on: {
        'sysfs.enabled': [
          { guard: 'writesTrue', actions: reject(-EINVAL) },
          { target: 'unpatching', actions: 'klp_reverse_transition' },
        ],
        'sysfs.force': { actions: 'klp_force_transition' },
        forced: { actions: 'markForced' },
        'sysfs.signal': { actions: 'klp_send_signals' },
        'transition.completed': 'enabled',
        klp_unregister_patch: { actions: reject(-EBUSY) },
      },
    },
    enabled: {
      description: 'enabled=1 transition=0: every task runs the new code',
      on: {
        'sysfs.enabled': [
          { guard: 'writesTrue', actions: reject(-EINVAL) },
          { guard: 'transitionBusy', actions: reject(-EBUSY) },
          { guard: 'disableStackBlocked', actions: reject(-EBUSY) },
          {
            target: 'unpatching',
            actions: ['klp_init_transition_unpatched', 'klp_start_transition', 'klp_try_complete_transition'],
          },
        ],
        'sysfs.force': { actions: reject(-EINVAL) },
        'sysfs.signal': { actions: reject(-EINVAL) },
        klp_unregister_patch: { actions: reject(-EBUSY) },
        forced: { actions: 'markForced' },
      },
    },
    unpatching: {
      description: 'enabled=0 transition=1: tasks are switching back to the original code',
      on: {
        'sysfs.enabled': [
          { guard: 'writesFalse', actions: reject(-EINVAL) },
          { target: 'patching', actions: 'klp_reverse_transition' },
        ],
        'sysfs.force': { actions: 'klp_force_transition' },
        forced: { actions: 'markForced' },
        'sysfs.signal': { actions: 'klp_send_signals' },
        'transition.completed': [{ guard: 'klpForced', target: 'registered' }, { target: 'registered', actions: 'module_put' }],
      },
    },
    refused: {
      description: 'klp_register_patch() failed; nothing is left of the patch, and the module load fails',
      type: 'final',
    },
    freed: {
      description: 'klp_unregister_patch() freed it: off klp_patches, its directory gone',
      type: 'final',
    },
  },
});
