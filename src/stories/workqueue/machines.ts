/**
 * The two kinds of lock in the free_work story, as XState machines driven
 * with the pure transition(): klp_mutex (kernel/livepatch/core.c), a sleeping
 * mutex with one owner, and the active reference count of one kernfs node
 * (fs/kernfs/dir.c), which kernfs_drain() waits on. Their guards are the
 * rules the story obeys: a mutex is not taken while it has an owner, a
 * deactivated node gives no new references, and a drain does not finish while
 * a reference is still out.
 */
import { assign, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';

export type ThreadId = 'A' | 'B' | 'W';

export type MutexEvent =
  /** mutex_lock(): takes a free mutex, or queues the caller as a waiter (it sleeps) */
  | { type: 'mutex_lock'; thread: ThreadId }
  /** mutex_unlock(): only the owner may; waiters are woken and retry */
  | { type: 'mutex_unlock'; thread: ThreadId };

export const mutexMachine = setup({
  types: {
    context: {} as { owner: ThreadId | null; waiters: ThreadId[] },
    events: {} as MutexEvent,
  },
  guards: {
    isOwner: ({ context, event }) => context.owner === event.thread,
  },
  actions: {
    take: assign(({ context, event }) => ({
      owner: event.thread,
      waiters: context.waiters.filter((t) => t !== event.thread),
    })),
    enqueue: assign({
      waiters: ({ context, event }) => (context.waiters.includes(event.thread) ? context.waiters : [...context.waiters, event.thread]),
    }),
    release: assign({ owner: null }),
  },
}).createMachine({
  id: 'klp_mutex',
  context: { owner: null, waiters: [] },
  initial: 'unlocked',
  states: {
    unlocked: {
      description: 'no owner: the next mutex_lock() takes it',
      on: { mutex_lock: { target: 'locked', actions: 'take' } },
    },
    locked: {
      description: 'one owner; anyone else calling mutex_lock() sleeps (even the owner itself: an AA deadlock)',
      on: {
        mutex_lock: { actions: 'enqueue' },
        mutex_unlock: { guard: 'isOwner', target: 'unlocked', actions: 'release' },
      },
    },
  },
});

/** The attribute files of a patch directory in mainline (core.c: klp_patch_attrs). */
export type FileName = 'enabled' | 'transition' | 'force' | 'replace' | 'stack_order';

export type KernfsEvent =
  /** kernfs_get_active(): succeeds only while the node is active */
  | { type: 'kernfs_get_active'; thread: ThreadId }
  /** kernfs_put_active(): wakes a drain waiting on the node */
  | { type: 'kernfs_put_active'; thread: ThreadId }
  /** __kernfs_remove(): atomic_add(KN_DEACTIVATED_BIAS, &kn->active) */
  | { type: 'deactivate' }
  /** kernfs_drain(): returns only once no active reference is left */
  | { type: 'kernfs_drain' }
  /** kernfs_unlink_sibling(): the node leaves its directory */
  | { type: 'unlink' };

export const kernfsNodeMachine = setup({
  types: {
    /** holders: one entry per active reference (the count is its length) */
    context: {} as { name: FileName; holders: ThreadId[] },
    input: {} as { name: FileName },
    events: {} as KernfsEvent,
  },
  guards: {
    heldBy: ({ context, event }) => event.type === 'kernfs_put_active' && context.holders.includes(event.thread),
    noActiveRefs: ({ context }) => context.holders.length === 0,
  },
  actions: {
    get: assign({
      holders: ({ context, event }) => (event.type === 'kernfs_get_active' ? [...context.holders, event.thread] : context.holders),
    }),
    put: assign({
      holders: ({ context, event }) => {
        if (event.type !== 'kernfs_put_active') return context.holders;
        const i = context.holders.indexOf(event.thread);
        return [...context.holders.slice(0, i), ...context.holders.slice(i + 1)];
      },
    }),
  },
}).createMachine({
  id: 'kernfs_node',
  context: ({ input }) => ({ name: input.name, holders: [] }),
  initial: 'active',
  states: {
    active: {
      description: 'in use: kernfs_get_active() hands out references',
      on: {
        kernfs_get_active: { actions: 'get' },
        kernfs_put_active: { guard: 'heldBy', actions: 'put' },
        deactivate: 'deactivated',
      },
    },
    deactivated: {
      description: 'being removed: kernfs_get_active() fails, references already out stay out',
      on: {
        kernfs_put_active: { guard: 'heldBy', actions: 'put' },
        kernfs_drain: { guard: 'noActiveRefs', target: 'drained' },
      },
    },
    drained: {
      description: 'no reference is left: kernfs_drain() returned',
      on: { unlink: 'removed' },
    },
    removed: {
      description: 'unlinked from its directory',
      type: 'final',
    },
  },
});

export type MutexSnapshot = SnapshotFrom<typeof mutexMachine>;
export type KernfsSnapshot = SnapshotFrom<typeof kernfsNodeMachine>;
export type KernfsState = 'active' | 'deactivated' | 'drained' | 'removed';

export const initialMutex = (): MutexSnapshot => initialTransition(mutexMachine)[0];
export const initialNode = (name: FileName): KernfsSnapshot => initialTransition(kernfsNodeMachine, { name })[0];

export const sendMutex = (s: MutexSnapshot, e: MutexEvent): MutexSnapshot => transition(mutexMachine, s, e)[0];
export const sendNode = (s: KernfsSnapshot, e: KernfsEvent): KernfsSnapshot => transition(kernfsNodeMachine, s, e)[0];

export const nodeState = (s: KernfsSnapshot): KernfsState => s.value as KernfsState;
