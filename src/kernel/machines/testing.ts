/**
 * Helpers the machine tests share: action summaries, runs of events through
 * XState's pure transition(), and path coverage with xstate/graph.
 */
import { expect } from 'vitest';
import { initialTransition, transition, type AnyStateMachine, type EventFromLogic, type InputFrom, type SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { pureTransition } from '../world/drive';

interface StateView {
  value: unknown;
  context: unknown;
}

/** The actions XState returned, as {type, params} for toEqual(). */
export function summary(actions: readonly { type: string; params?: unknown }[]) {
  return actions.map((a) => (a.params === undefined ? { type: a.type } : { type: a.type, params: a.params }));
}

export const reject = (errno: number) => ({ type: 'reject', params: { errno } });

/** The snapshot after the initial state and then these events. */
export function runEvents<M extends AnyStateMachine>(machine: M, input: InputFrom<M>, events: readonly EventFromLogic<M>[]): SnapshotFrom<M> {
  let s = initialTransition(machine, input)[0] as SnapshotFrom<M>;
  for (const e of events) s = transition(machine, s, e)[0] as SnapshotFrom<M>;
  return s;
}

/** Asserts the event leaves state and context alone; returns the actions it emitted. */
export function staysPut<M extends AnyStateMachine>(machine: M, s: SnapshotFrom<M>, e: EventFromLogic<M>) {
  const [next, actions] = transition(machine, s, e);
  const [a, b] = [next as StateView, s as StateView];
  expect(a.value).toEqual(b.value);
  expect(a.context).toEqual(b.context);
  return summary(actions);
}

/**
 * Shortest paths to every reachable state. `serialize` must keep only bounded
 * parts of the context, or the search never ends (and it is synchronous).
 * Asserts every state of the machine is reached and every path replays,
 * and that from every state reached, each event gives the engine's
 * pureTransition() (a reused scope) exactly what XState's transition() gives.
 */
export function expectEveryStateReached<M extends AnyStateMachine>(
  machine: M,
  input: InputFrom<M>,
  events: EventFromLogic<M>[],
  serialize: (s: SnapshotFrom<M>) => string,
) {
  const paths = getShortestPaths(machine, {
    input,
    events,
    serializeState: (s) => JSON.stringify(s.value) + serialize(s as SnapshotFrom<M>),
    limit: 10_000,
  } as Parameters<typeof getShortestPaths<M>>[1]);
  const reached = [...new Set(paths.map((p) => String(p.state.value)))].sort();
  expect(reached).toEqual(Object.keys(machine.root.states).sort());
  for (const path of paths) {
    const steps = path.steps.map((st) => st.event).filter((e) => (e.type as string) !== 'xstate.init');
    const s = runEvents(machine, input, steps as EventFromLogic<M>[]) as StateView;
    expect(s.value).toEqual(path.state.value);
    expect(s.context).toEqual(path.state.context);
    for (const e of events) {
      const [want, wantActions] = transition(machine, s as SnapshotFrom<M>, e);
      const [got, gotActions] = pureTransition(machine, s as SnapshotFrom<M>, e);
      expect([(got as StateView).value, (got as StateView).context, summary(gotActions)]).toEqual([
        (want as StateView).value,
        (want as StateView).context,
        summary(wantActions),
      ]);
    }
  }
  return paths;
}

/** The event types the machine handles anywhere. */
export function handledEvents(machine: AnyStateMachine): string[] {
  return [...new Set(machine.root.events as string[])].sort();
}
