/**
 * Sends an event to a machine with a pure transition, stores the new
 * snapshot first, then runs the named actions it returns, in order, with
 * the kernel's implementations. A `reject` action is the errno the caller
 * returns. Storing first lets an action's own events (a nested send) see the
 * state the machine has just entered.
 */
import { createActor, type AnyActorScope, type AnyStateNode, type ExecutableActionObject, type AnyStateMachine, type EventFromLogic, type SnapshotFrom } from 'xstate';

export type ActionImpls = Record<string, (params: Record<string, unknown>) => void>;

/**
 * One inert actor scope per machine, reused. XState's own `transition()`
 * builds a new actor for every call, which computes the machine's initial
 * snapshot each time: a stalled transition's retry every virtual second
 * spent most of its time there and in the garbage collector. Our machines
 * invoke nothing (checked below) and spawn nothing, so the scope holds no
 * state between calls: it only collects the actions to execute, exactly as
 * `transition()` does.
 */
const scopes = new WeakMap<AnyStateMachine, { scope: AnyActorScope; actions: ExecutableActionObject[] }>();

function scopeFor(machine: AnyStateMachine) {
  let s = scopes.get(machine);
  if (!s) {
    const invoking = findInvoking(machine.root);
    if (invoking) throw new Error(`${machine.id}: state '${invoking}' invokes an actor; a reused scope would share it`);
    const self = createActor(machine);
    const actions: ExecutableActionObject[] = [];
    const scope: AnyActorScope = {
      self,
      id: '',
      sessionId: '',
      system: self.system,
      logger: () => {},
      defer: () => {},
      emit: () => {},
      stopChild: () => {},
      actionExecutor: (a) => void actions.push(a),
    };
    s = { scope, actions };
    scopes.set(machine, s);
  }
  return s;
}

/** The id of a state node (this one or below) that invokes an actor, if any. */
function findInvoking(node: AnyStateNode): string | null {
  if (node.invoke.length > 0) return node.id;
  for (const child of Object.values(node.states)) {
    const found = findInvoking(child);
    if (found) return found;
  }
  return null;
}

/** XState's pure `transition(machine, snapshot, event)`, on a reused scope. */
export function pureTransition<M extends AnyStateMachine>(machine: M, snapshot: SnapshotFrom<M>, event: EventFromLogic<M>): [SnapshotFrom<M>, ExecutableActionObject[]] {
  const { scope, actions } = scopeFor(machine);
  // A nested send (from an action we run later) starts its own list.
  actions.length = 0;
  const next = machine.transition(snapshot, event, scope) as SnapshotFrom<M>;
  return [next, actions.splice(0)];
}

export function drive<M extends AnyStateMachine>(
  machine: M,
  get: () => SnapshotFrom<M>,
  set: (s: SnapshotFrom<M>) => void,
  event: EventFromLogic<M>,
  impls: ActionImpls,
): number {
  const [next, actions] = pureTransition(machine, get(), event);
  set(next);
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
