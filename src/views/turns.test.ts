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

describe('turns and frames', () => {
  let turns: typeof import('./turns');
  const real = globalThis.MessageChannel;
  /** frame callbacks asked for and not yet run */
  let frames: (() => void)[] = [];
  let now = 0;
  beforeEach(async () => {
    HandChannel.posted = [];
    frames = [];
    now = 1000;
    (globalThis as { MessageChannel: unknown }).MessageChannel = HandChannel;
    vi.stubGlobal('requestAnimationFrame', (f: () => void) => frames.push(f));
    vi.stubGlobal('document', { visibilityState: 'visible' });
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    vi.resetModules();
    turns = await import('./turns');
  });
  afterEach(() => {
    globalThis.MessageChannel = real;
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
  /** The browser renders a frame: its callbacks run (a turn waiting for it posts its message). */
  const frame = () => frames.splice(0).forEach((f) => f());
  /** Asks for n turns; each, when given, takes `ms` of the page's thread. */
  function ask(n: number, ms: number, got: number[]): void {
    for (let i = 0; i < n; i++) void turns.nextTurn(turns.FIRST_SCREEN).then(() => ((now += ms), got.push(i)));
  }

  it('runs turns back to back while the budget since the last frame lasts', async () => {
    const got: number[] = [];
    ask(3, 2, got);
    for (let i = 0; i < 3; i++) await deliver();
    expect(got).toEqual([0, 1, 2]);
  });

  it('a turn that finds the budget spent waits until a frame has been rendered', async () => {
    const got: number[] = [];
    ask(3, turns.FRAME_BUDGET_MS, got);
    await deliver();
    await deliver();
    // The first two used the budget: the third's task gives way, and nothing more is posted until a frame.
    expect(got).toEqual([0, 1]);
    await deliver();
    expect(got).toEqual([0, 1]);
    expect(HandChannel.posted).toHaveLength(0);
    frame();
    await deliver();
    expect(got).toEqual([0, 1, 2]);
  });

  it('a frame between turns gives the next ones a new budget', async () => {
    const got: number[] = [];
    ask(3, turns.FRAME_BUDGET_MS + 1, got);
    await deliver();
    expect(got).toEqual([0]);
    frame(); // the browser rendered between the two tasks: the second need not wait
    await deliver();
    expect(got).toEqual([0, 1]);
    await deliver();
    expect(got).toEqual([0, 1]);
    frame();
    await deliver();
    expect(got).toEqual([0, 1, 2]);
  });

  it('a hidden page, which renders no frames, never waits for one', async () => {
    vi.stubGlobal('document', { visibilityState: 'hidden' });
    const got: number[] = [];
    ask(4, 3 * turns.FRAME_BUDGET_MS, got);
    for (let i = 0; i < 4; i++) await deliver();
    expect(got).toEqual([0, 1, 2, 3]);
    expect(frames.length).toBeLessThanOrEqual(1);
  });
});
