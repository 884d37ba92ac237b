import { describe, expect, it } from 'vitest';
import { explorationFocus, focusNow, stagePanels, stageViews } from './focus-now';
import { Timeline } from './timeline';
import { Shell } from '../kernel/shell/shell';
import type { TimelineScenario } from '../scenarios/types';

const machine = () => new Timeline(undefined, (k) => new Shell(k));

describe('the focus now', () => {
  it('is the scenario step’s own while on the scenario, else read off the kernel', () => {
    const s: TimelineScenario = {
      kind: 'timeline',
      id: 't',
      title: 'T',
      summary: '',
      intro: 'i',
      introFocus: { views: ['modules'] },
      setup: { config: {}, selftest: true, lines: [] },
      steps: [{ do: { command: 'lsmod' }, caption: 'c', focus: { views: ['sysfs'], actors: [{ file: '/sys/module' }] } }],
    };
    expect(focusNow(s, 1, 0, [], null)).toEqual({ views: ['modules'] });
    expect(focusNow(s, 1, 1, [], null).views).toEqual(['sysfs']);
    // Past the scenario's own inputs (the user acted): the kernel's.
    expect(focusNow(s, 0, 1, [], null)).toEqual(explorationFocus(null));
  });

  it('in an exploration: the transition and the tasks it waits for, by name', () => {
    const t = machine();
    t.command('insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
    t.settle();
    t.command('insmod test_modules/test_klp_callbacks_demo.ko');
    const f = explorationFocus(t.view());
    expect(f.views[0]).toBe('tasks');
    expect(f.actors).toContainEqual({ patch: 'test_klp_callbacks_demo' });
    expect(f.actors).toContainEqual({ task: 'kworker/0:1' });
  });

  it('in an exploration: a disabled patch waiting for free_work brings the free queue', () => {
    const t = machine();
    t.command('insmod test_modules/test_klp_livepatch.ko');
    t.settle();
    expect(explorationFocus(t.view()).views).toEqual(['patches', 'tasks']);
    t.command('echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled');
    // One event at a time, up to the moment the unpatched patch waits for its free_work.
    while (!t.view().patches.some((p) => p.freeWorkPending) && t.forward());
    expect(explorationFocus(t.view())).toEqual({ views: ['free', 'patches'], actors: [{ patch: 'test_klp_livepatch' }] });
    t.settle();
    expect(explorationFocus(t.view()).views[0]).toBe('patches');
  });

  it('the stage takes the kernel views only, at most as many as it has room for', () => {
    expect(stageViews({ views: ['shell', 'tasks', 'log', 'patches', 'free'] }, 2)).toEqual(['tasks', 'patches']);
    expect(stageViews({ views: ['story'] }, 2)).toEqual([]);
    // Without a console beside it, a stage draws the shell or the log itself.
    expect(stagePanels({ views: ['log', 'patches'] }, 2)).toEqual(['log', 'patches']);
    expect(stagePanels({ views: ['story'] }, 1)).toEqual(['patches']);
  });
});
