/**
 * The life of one module (enum module_state in include/linux/module.h, plus
 * "gone" once free_module() ran), and its reference count: load_module()
 * walks UNFORMED → COMING → LIVE; delete_module() takes a LIVE module with no
 * references to GOING, then it is freed. A livepatch module holds a reference
 * from klp_enable_patch() until its patch is freed, which is why rmmod fails
 * until then.
 */
import { assign, setup } from 'xstate';
import { EBUSY, ENOENT, EWOULDBLOCK } from '../world/errno';

export interface ModuleContext {
  name: string;
  refcnt: number;
}

export type ModuleEvent =
  /** load_module(): complete_formation() */
  | { type: 'complete_formation' }
  /** prepare_coming_module() failed (klp_module_coming refused it): bug_cleanup, no GOING */
  | { type: 'coming.failed' }
  /** do_init_module(): mod->init() returned 0 */
  | { type: 'init.done' }
  /** do_init_module(): mod->init() failed */
  | { type: 'init.failed' }
  | { type: 'try_module_get' }
  | { type: 'module_put' }
  /**
   * the delete_module() system call; a module with an init but no exit can
   * never go, nor one in use, unless `force`: try_force_unload() said yes
   * (O_TRUNC from rmmod -f, and CONFIG_MODULE_FORCE_UNLOAD)
   */
  | { type: 'delete_module'; hasExit: boolean; force: boolean }
  /** free_module() */
  | { type: 'free_module' };

export const moduleMachine = setup({
  types: {
    context: {} as ModuleContext,
    input: {} as { name: string },
    events: {} as ModuleEvent,
  },
  guards: {
    hasReferences: ({ context }) => context.refcnt > 0,
    noExit: ({ event }) => event.type === 'delete_module' && !event.hasExit && !event.force,
    inUse: ({ context, event }) => context.refcnt > 0 && !(event.type === 'delete_module' && event.force),
    /** forced past a check: the module goes though in use (or without exit) */
    forcedPast: ({ context, event }) => event.type === 'delete_module' && event.force && (context.refcnt > 0 || !event.hasExit),
  },
  actions: {
    /** The call fails with this errno; the machine does not move. */
    reject: (_, _params: { errno: number }) => {},
    /** delete_module(): mod->exit(), the GOING notifiers, klp_module_going(), free_module() */
    unloadModule: () => {},
    /** try_force_unload(): add_taint(TAINT_FORCED_RMMOD, LOCKDEP_NOW_UNRELIABLE) */
    taintForcedRmmod: () => {},
    get: assign({ refcnt: ({ context }) => context.refcnt + 1 }),
    put: assign({ refcnt: ({ context }) => context.refcnt - 1 }),
  },
}).createMachine({
  id: 'module',
  context: ({ input }) => ({ name: input.name, refcnt: 0 }),
  initial: 'unformed',
  states: {
    unformed: {
      description: 'MODULE_STATE_UNFORMED: load_module() is still setting it up',
      on: { complete_formation: 'coming' },
    },
    coming: {
      description: 'MODULE_STATE_COMING: formed; klp_module_coming() ran; module_init is running',
      on: {
        'coming.failed': 'gone',
        'init.done': 'live',
        'init.failed': 'going',
        try_module_get: { actions: 'get' },
        module_put: { guard: 'hasReferences', actions: 'put' },
        delete_module: { actions: { type: 'reject', params: { errno: -EBUSY } } },
      },
    },
    live: {
      description: 'MODULE_STATE_LIVE: normal state',
      on: {
        try_module_get: { actions: 'get' },
        module_put: { guard: 'hasReferences', actions: 'put' },
        delete_module: [
          { guard: 'noExit', actions: { type: 'reject', params: { errno: -EBUSY } } },
          { guard: 'inUse', actions: { type: 'reject', params: { errno: -EWOULDBLOCK } } },
          { guard: 'forcedPast', target: 'going', actions: ['taintForcedRmmod', 'unloadModule'] },
          { target: 'going', actions: 'unloadModule' },
        ],
      },
    },
    going: {
      description: 'MODULE_STATE_GOING: going away; its exit ran, klp_module_going() reverts patches',
      on: {
        free_module: 'gone',
        try_module_get: { actions: { type: 'reject', params: { errno: -ENOENT } } },
        module_put: { guard: 'hasReferences', actions: 'put' },
        delete_module: { actions: { type: 'reject', params: { errno: -EBUSY } } },
      },
    },
    gone: {
      description: 'freed: no longer in the module list',
      type: 'final',
    },
  },
});

/** The kernel's names for the states, as the callback demo modules print them. */
export const MODULE_STATE_NAMES: Record<'live' | 'coming' | 'going' | 'unformed', string> = {
  live: '[MODULE_STATE_LIVE] Normal state',
  coming: '[MODULE_STATE_COMING] Full formed, running module_init',
  going: '[MODULE_STATE_GOING] Going away',
  unformed: '[MODULE_STATE_UNFORMED] Still setting it up',
};
