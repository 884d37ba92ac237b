import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** A MessageChannel whose messages the test delivers by hand: one delivery is one task of the page. */
class HandChannel {
  static posted: (() => void)[] = [];
  port1: { onmessage: (() => void) | null } = { onmessage: null };
  port2 = { postMessage: () => HandChannel.posted.push(() => this.port1.onmessage?.()) };
}

async function deliver(): Promise<void> {
  HandChannel.posted.shift()?.();
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('turns', () => {
  let turns: typeof import('./turns');
  const real = globalThis.MessageChannel;
  beforeEach(async () => {
    HandChannel.posted = [];
    (globalThis as { MessageChannel: unknown }).MessageChannel = HandChannel;
    vi.resetModules();
    turns = await import('./turns');
  });
  afterEach(() => {
    globalThis.MessageChannel = real;
  });

  it('gives one turn per task, the first screen before what waits below the fold, else in order of asking', async () => {
    const got: string[] = [];
    void turns.nextTurn(turns.BELOW_FOLD).then(() => got.push('below 1'));
    void turns.nextTurn(turns.BELOW_FOLD).then(() => got.push('below 2'));
    void turns.nextTurn(turns.FIRST_SCREEN).then(() => got.push('first'));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(got).toEqual([]);
    await deliver();
    expect(got).toEqual(['first']);
    await deliver();
    expect(got).toEqual(['first', 'below 1']);
    await deliver();
    expect(got).toEqual(['first', 'below 1', 'below 2']);
    expect(HandChannel.posted).toHaveLength(0);
  });

  it('a turn asked for during a turn waits for a task of its own', async () => {
    const got: string[] = [];
    void turns.nextTurn().then(() => {
      got.push('a');
      void turns.nextTurn().then(() => got.push('b'));
    });
    await deliver();
    expect(got).toEqual(['a']);
    await deliver();
    expect(got).toEqual(['a', 'b']);
  });
});
