/**
 * Sends an event to a machine with XState's pure transition(), stores the
 * new snapshot first, then runs the named actions it returns, in order, with
 * the kernel's implementations. A `reject` action is the errno the caller
 * returns. Storing first lets an action's own events (a nested send) see the
 * state the machine has just entered.
 */
import { transition, type AnyStateMachine, type SnapshotFrom, type EventFromLogic } from 'xstate';

export type ActionImpls = Record<string, (params: Record<string, unknown>) => void>;

export function drive<M extends AnyStateMachine>(
  machine: M,
  get: () => SnapshotFrom<M>,
  set: (s: SnapshotFrom<M>) => void,
  event: EventFromLogic<M>,
  impls: ActionImpls,
): number {
  const [next, actions] = transition(machine, get(), event);
  set(next as SnapshotFrom<M>);
  let errno = 0;
  for (const action of actions) {
    const params = (action.params ?? {}) as Record<string, unknown>;
    const type = action.type as string;
    if (type === 'reject') {
      errno = params.errno as number;
      continue;
    }
    const impl = impls[type];
    if (!impl) throw new Error(`${machine.id}: no implementation for action '${type}'`);
    impl(params);
  }
  return errno;
}
