/**
 * The page's state opens situations off-screen: the last thing asked for
 * wins, and one that fails (a link asking too much) changes nothing shown.
 */
import { describe, expect, it } from 'vitest';
import { AppState } from './state.svelte';
import { SCENARIOS } from '../scenarios/index';
import { LIMITS } from './links';
import { WorkLimitExceeded } from '../kernel/kernel';
import { LocalHost } from './engine-host';

const scenario = (id: string) => SCENARIOS.find((s) => s.id === id)!;

describe('AppState', () => {
  it('opens a scenario at a step, with its caption path and its view', async () => {
    const app = new AppState(new LocalHost());
    await app.openScenario(scenario('first-livepatch'), 2);
    expect(app.position).toBe(2);
    expect(app.onScenarioPath).toBe(true);
    expect(app.view?.transition.patch).toBe('test_klp_livepatch');
    await app.command('lsmod');
    expect(app.onScenarioPath).toBe(false);
    expect(app.situation()?.inputs.at(-1)).toEqual({ kind: 'command', line: 'lsmod' });
  });

  it('the last open wins, even when an earlier one finishes later', async () => {
    const app = new AppState(new LocalHost());
    const story = app.openScenario(scenario('free-work'), 3);
    const timeline = app.openScenario(scenario('atomic-replace'), 1);
    await Promise.all([story, timeline]);
    expect(app.scenario?.id).toBe('atomic-replace');
    expect(app.story).toBeNull();
    expect(app.loading).toBe(false);
    expect(app.position).toBe(1);
  });

  it('a link that asks for too much simulation is refused and leaves what was shown', async () => {
    const app = new AppState(new LocalHost());
    await app.openScenario(scenario('stalled-transition'), 3);
    const before = JSON.stringify(app.view);
    const inputs = [
      { kind: 'command' as const, line: 'insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y' },
      { kind: 'settle' as const },
      { kind: 'command' as const, line: 'insmod test_modules/test_klp_callbacks_demo.ko' },
      { kind: 'advance' as const, seconds: 86_400 },
    ];
    await expect(app.openSituation(undefined, inputs, 4, LIMITS.work)).rejects.toThrow(new WorkLimitExceeded().message);
    expect(app.scenario?.id).toBe('stalled-transition');
    expect(app.position).toBe(3);
    expect(JSON.stringify(app.view)).toBe(before);
  });

  it('acting inside a scenario leaves it, remembers where, and can go back there', async () => {
    const app = new AppState(new LocalHost());
    const s = scenario('stalled-transition');
    await app.openScenario(s, 3);
    expect(app.left).toBeNull();
    await app.advance(1);
    expect(app.left).toEqual({ scenario: s, step: 3 });
    expect(app.position).toBe(4);
    expect(app.length).toBe(4);
    // Acting again, or going back before the branch, keeps the first place left.
    await app.back();
    await app.back();
    await app.command('lsmod');
    expect(app.left?.step).toBe(3);
    await app.backToScenario();
    expect(app.left).toBeNull();
    expect(app.onScenarioPath).toBe(true);
    expect(app.position).toBe(3);
    expect(app.length).toBe(s.kind === 'timeline' ? s.steps.length : -1);
  });

  it('shows the kernel events still queued; settle-after-each-command waits as the selftests do', async () => {
    const app = new AppState(new LocalHost());
    await app.openSituation();
    await app.command('insmod test_modules/test_klp_livepatch.ko');
    expect(app.settled).toBe(false);
    expect(app.queued.count).toBeGreaterThan(0);
    expect(app.view?.transition.patch).toBe('test_klp_livepatch');

    const waiting = new AppState(new LocalHost());
    waiting.settleAfter = true;
    await waiting.openSituation();
    await waiting.command('insmod test_modules/test_klp_livepatch.ko');
    expect(waiting.settled).toBe(true);
    expect(waiting.view?.transition.patch).toBeNull();
    // The command and the settling are two steps, so going back shows the transition under way.
    expect(waiting.situation()?.inputs.map((i) => i.kind)).toEqual(['command', 'settle']);
  });
});
