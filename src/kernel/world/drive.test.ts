/**
 * drive() reuses one actor scope per machine; that is only sound for
 * machines that invoke nothing, so it refuses any other. (That it returns
 * what XState's transition() returns is checked from every state of the
 * kernel's machines, in machines/testing.ts.)
 */
import { describe, expect, it } from 'vitest';
import { fromPromise, initialTransition, setup } from 'xstate';
import { drive } from './drive';

describe('drive', () => {
  it('refuses a machine with a state that invokes an actor', () => {
    const m = setup({ actors: { load: fromPromise(async () => 1) } }).createMachine({
      id: 'invoking',
      initial: 'idle',
      states: { idle: { on: { go: 'busy' } }, busy: { invoke: { src: 'load' } } },
    });
    let s = initialTransition(m)[0];
    expect(() => drive(m, () => s, (n) => (s = n), { type: 'go' }, {})).toThrow(/invoking: state 'invoking.busy' invokes an actor/);
  });

  it('runs the actions in order and returns a reject as the errno', () => {
    const ran: string[] = [];
    const m = setup({
      // Declared for the types only: drive() runs the kernel's implementations.
      actions: { first: () => {}, second: () => {}, reject: (_, _params: { errno: number }) => {} },
    }).createMachine({
      id: 'plain',
      initial: 'a',
      states: { a: { on: { go: { target: 'b', actions: [{ type: 'first' }, { type: 'reject', params: { errno: -16 } }, { type: 'second' }] } } }, b: {} },
    });
    let s = initialTransition(m)[0];
    const errno = drive(m, () => s, (n) => (s = n), { type: 'go' }, { first: () => ran.push('first'), second: () => ran.push('second') });
    expect([errno, ran, s.value]).toEqual([-16, ['first', 'second'], 'b']);
  });
});
