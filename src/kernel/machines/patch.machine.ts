/**
 * The life of one struct klp_patch since "livepatch: Simplify API by removing
 * registration step" (Linux 5.1): klp_enable_patch(), called from the patch
 * module's init, checks, registers and starts enabling in one go; a write of
 * 0 to /sys/kernel/livepatch/<patch>/enabled disables it; a disabled patch is
 * never enabled again, it is freed from a workqueue, and only then is the
 * module reference dropped.
 *
 * Each transition mirrors a branch of kernel/livepatch/core.c. The actions
 * name the kernel functions the simulator then runs, in order.
 */
import { assign, setup } from 'xstate';
import { EBUSY, EINVAL, ENODEV } from '../world/errno';
import { SHARED_PATCH_ACTIONS } from './patch-actions';

export interface PatchContext {
  /** patch->mod->name: also the sysfs directory name */
  name: string;
  replace: boolean;
  forced: boolean;
}

/** What klp_enable_patch() finds before it takes klp_mutex. */
export interface EnableChecks {
  /** !patch || !patch->mod || !patch->objs, or an object without funcs */
  malformed: boolean;
  /** is_livepatch_module(): MODULE_INFO(livepatch, "Y") */
  livepatchModule: boolean;
  /** klp_initialized(): /sys/kernel/livepatch exists */
  initialized: boolean;
}

/** What it finds once it holds klp_mutex. */
export interface LockedChecks {
  /** klp_is_patch_compatible() */
  compatible: boolean;
  /** try_module_get(patch->mod) */
  moduleGet: boolean;
}

export type PatchEvent =
  | ({ type: 'klp_enable_patch' } & EnableChecks)
  | ({ type: 'klp_enable_patch.locked' } & LockedChecks)
  /** klp_init_patch() returned */
  | { type: 'klp_init_patch.done' }
  | { type: 'klp_init_patch.failed'; errno: number }
  /** __klp_enable_patch() */
  | { type: '__klp_enable_patch'; transitionBusy: boolean }
  /** a pre_patch callback or klp_patch_object() failed for an object */
  | { type: 'object.failed'; errno: number; object: string; stage: 'pre_patch' | 'patch' }
  /** every loaded object got its pre_patch callback and was patched */
  | { type: 'objects.patched' }
  /** a write to the enabled file, already parsed by kstrtobool() */
  | { type: 'sysfs.enabled'; value: boolean; transitionBusy: boolean }
  /** a write of a true value to the force file */
  | { type: 'sysfs.force' }
  /** klp_complete_transition() finished for this patch (it was klp_transition_patch) */
  | { type: 'transition.completed' }
  /** klp_force_transition(): this patch is one the forced transition removes */
  | { type: 'forced' }
  /** klp_unpatch_replaced_patches(): an atomic-replace patch took over */
  | { type: 'replaced' }
  /** klp_free_patch_async() for a replaced patch */
  | { type: 'free.async' }
  /** free_work ran klp_free_patch_finish() */
  | { type: 'free_work' };

const reject = (errno: number) => ({ type: 'reject' as const, params: { errno } });

export const patchMachine = setup({
  types: {
    context: {} as PatchContext,
    input: {} as { name: string; replace: boolean },
    events: {} as PatchEvent,
  },
  guards: {
    malformed: ({ event }) => event.type === 'klp_enable_patch' && event.malformed,
    notLivepatchModule: ({ event }) => event.type === 'klp_enable_patch' && !event.livepatchModule,
    notInitialized: ({ event }) => event.type === 'klp_enable_patch' && !event.initialized,
    incompatible: ({ event }) => event.type === 'klp_enable_patch.locked' && !event.compatible,
    moduleGoing: ({ event }) => event.type === 'klp_enable_patch.locked' && !event.moduleGet,
    transitionBusy: ({ event }) =>
      (event.type === '__klp_enable_patch' || event.type === 'sysfs.enabled') && event.transitionBusy,
    writesTrue: ({ event }) => event.type === 'sysfs.enabled' && event.value,
    writesFalse: ({ event }) => event.type === 'sysfs.enabled' && !event.value,
    forced: ({ context }) => context.forced,
    replace: ({ context }) => context.replace,
  },
  actions: {
    ...SHARED_PATCH_ACTIONS,
    warn_unreliable_stack: () => {},
    pr_err_incompatible: () => {},
    klp_init_patch_early: () => {},
    klp_free_patch_async: () => {},
    klp_free_replaced_patches_async: () => {},
    klp_unpatch_objects: () => {},
    kobject_put_patch: () => {},
    markForced: assign({ forced: true }),
  },
}).createMachine({
  id: 'patch',
  context: ({ input }) => ({ name: input.name, replace: input.replace, forced: false }),
  initial: 'loading',
  states: {
    loading: {
      description: 'the patch module\'s init calls klp_enable_patch()',
      on: {
        klp_enable_patch: [
          { guard: 'malformed', target: 'refused', actions: reject(-EINVAL) },
          {
            guard: 'notLivepatchModule',
            target: 'refused',
            actions: ['pr_err_not_livepatch_module', reject(-EINVAL)],
          },
          { guard: 'notInitialized', target: 'refused', actions: reject(-ENODEV) },
          { target: 'checking', actions: 'warn_unreliable_stack' },
        ],
      },
    },
    checking: {
      description: 'klp_enable_patch() holds klp_mutex: state compatibility, module reference',
      on: {
        'klp_enable_patch.locked': [
          { guard: 'incompatible', target: 'refused', actions: ['pr_err_incompatible', reject(-EINVAL)] },
          { guard: 'moduleGoing', target: 'refused', actions: reject(-ENODEV) },
          { target: 'initializing', actions: 'klp_init_patch_early' },
        ],
      },
    },
    initializing: {
      description: 'klp_init_patch(): sysfs directories, nops for a replace patch, symbol lookup',
      on: {
        'klp_init_patch.done': 'registered',
        'klp_init_patch.failed': {
          target: 'failed',
          actions: ['free_patch_sync', { type: 'reject', params: ({ event }) => ({ errno: event.errno }) }],
        },
      },
    },
    registered: {
      description: 'on klp_patches, sysfs directory created; __klp_enable_patch() is next',
      on: {
        __klp_enable_patch: [
          { guard: 'transitionBusy', target: 'failed', actions: ['free_patch_sync', reject(-EBUSY)] },
          { target: 'enabling', actions: ['pr_notice_enabling', 'klp_init_transition_patched'] },
        ],
      },
    },
    enabling: {
      description: 'pre_patch callbacks and ftrace handlers, object by object',
      on: {
        'object.failed': {
          target: 'failed',
          actions: [
            {
              type: 'pr_warn_object_failed',
              params: ({ event }) => ({ object: event.object, stage: event.stage }),
            },
            'pr_warn_failed_to_enable',
            'klp_cancel_transition',
            'free_patch_sync',
            { type: 'reject', params: ({ event }) => ({ errno: event.errno }) },
          ],
        },
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
        'transition.completed': [
          { guard: 'replace', target: 'enabled', actions: 'klp_free_replaced_patches_async' },
          { target: 'enabled' },
        ],
      },
    },
    enabled: {
      description: 'enabled=1 transition=0: every task runs the new code',
      on: {
        'sysfs.enabled': [
          { guard: 'writesTrue', actions: reject(-EINVAL) },
          { guard: 'transitionBusy', actions: reject(-EBUSY) },
          {
            target: 'unpatching',
            actions: ['klp_init_transition_unpatched', 'klp_start_transition', 'klp_try_complete_transition'],
          },
        ],
        'sysfs.force': { actions: reject(-EINVAL) },
        forced: { actions: 'markForced' },
        replaced: { target: 'replaced', actions: 'klp_unpatch_objects' },
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
        'transition.completed': { target: 'disabled', actions: 'klp_free_patch_async' },
      },
    },
    replaced: {
      description: 'an atomic-replace patch took over: enabled=0, no transition, no callbacks',
      on: {
        'sysfs.enabled': { actions: reject(-EINVAL) },
        'sysfs.force': { actions: reject(-EINVAL) },
        forced: { actions: 'markForced' },
        'free.async': { target: 'disabled', actions: 'klp_free_patch_async' },
      },
    },
    disabled: {
      description: 'off klp_patches, objects freed; free_work will drop the last kobject reference',
      on: {
        'sysfs.enabled': { actions: reject(-EINVAL) },
        'sysfs.force': { actions: reject(-EINVAL) },
        free_work: [
          { guard: 'forced', target: 'freed', actions: 'kobject_put_patch' },
          { target: 'freed', actions: ['kobject_put_patch', 'module_put'] },
        ],
      },
    },
    failed: {
      description: 'klp_enable_patch() failed and undid everything; the module load fails',
      type: 'final',
    },
    refused: {
      description: 'klp_enable_patch() refused before creating anything',
      type: 'final',
    },
    freed: {
      description: 'freed; the module reference is gone unless a forced transition kept it',
      type: 'final',
    },
  },
});

/** patch->enabled, as enabled_show() prints it. */
export function patchEnabled(state: string): boolean {
  return state === 'patching' || state === 'enabled';
}
