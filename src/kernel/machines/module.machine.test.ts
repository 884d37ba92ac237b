import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { expectEveryStateReached, handledEvents, reject, runEvents, staysPut, summary } from './testing';
import { moduleMachine, MODULE_STATE_NAMES, type ModuleEvent } from './module.machine';
import { EBUSY, ENOENT, EWOULDBLOCK } from '../world/errno';

type Snap = SnapshotFrom<typeof moduleMachine>;



const formed = { type: 'complete_formation' } as const;
const initDone = { type: 'init.done' } as const;
const get = { type: 'try_module_get' } as const;
const put = { type: 'module_put' } as const;
const rmmod = (hasExit = true, force = false) => ({ type: 'delete_module', hasExit, force }) as const;
const free = { type: 'free_module' } as const;

function run(events: readonly ModuleEvent[]): Snap {
  return runEvents(moduleMachine, { name: 'mod' }, events);
}

function stays(s: Snap, e: ModuleEvent) {
  return staysPut(moduleMachine, s, e);
}

describe('module machine: loading', () => {
  it('starts unformed with refcnt 0 and no actions', () => {
    const [s, actions] = initialTransition(moduleMachine, { name: 'livepatch_sample' });
    expect(s.value).toBe('unformed');
    expect(s.context).toEqual({ name: 'livepatch_sample', refcnt: 0 });
    expect(actions).toEqual([]);
  });

  it('unformed → coming → live', () => {
    const coming = run([formed]);
    expect(coming.value).toBe('coming');
    const [live, actions] = transition(moduleMachine, coming, initDone);
    expect(live.value).toBe('live');
    expect(actions).toEqual([]);
  });

  it('unformed ignores references and delete_module', () => {
    const s = run([]);
    for (const e of [get, put, rmmod(), free, initDone]) expect(stays(s, e)).toEqual([]);
  });

  it('a failed prepare_coming_module goes straight to gone (no GOING)', () => {
    const [s] = transition(moduleMachine, run([formed]), { type: 'coming.failed' });
    expect(s.value).toBe('gone');
    expect(s.status).toBe('done');
  });

  it('a failed init goes to going', () => {
    const [s] = transition(moduleMachine, run([formed]), { type: 'init.failed' });
    expect(s.value).toBe('going');
  });

  it('delete_module while coming is EBUSY', () => {
    const coming = run([formed]);
    expect(stays(coming, rmmod())).toEqual([reject(-EBUSY)]);
    expect(stays(coming, rmmod(false))).toEqual([reject(-EBUSY)]);
  });

  it('references can be taken and dropped while coming', () => {
    const s = run([formed, get, get, put]);
    expect(s.value).toBe('coming');
    expect(s.context.refcnt).toBe(1);
  });
});

describe('module machine: reference count', () => {
  it('try_module_get counts up, module_put counts down, no actions', () => {
    const live = run([formed, initDone]);
    const [one, a1] = transition(moduleMachine, live, get);
    expect(one.context.refcnt).toBe(1);
    expect(a1).toEqual([]);
    const [two] = transition(moduleMachine, one, get);
    expect(two.context.refcnt).toBe(2);
    const [back, a2] = transition(moduleMachine, two, put);
    expect(back.context.refcnt).toBe(1);
    expect(back.value).toBe('live');
    expect(a2).toEqual([]);
  });

  it('module_put at 0 does nothing: the count never goes below 0', () => {
    for (const s of [run([formed]), run([formed, initDone]), run([formed, initDone, rmmod()])]) {
      expect(s.context.refcnt).toBe(0);
      expect(stays(s, put)).toEqual([]);
    }
    expect(run([formed, initDone, get, put, put, put]).context.refcnt).toBe(0);
  });

  it('module_put still drops references while going', () => {
    const going = run([formed, get, { type: 'init.failed' }]);
    expect(going.value).toBe('going');
    expect(going.context.refcnt).toBe(1);
    const [s] = transition(moduleMachine, going, put);
    expect(s.context.refcnt).toBe(0);
  });

  it('try_module_get on a going module is ENOENT and takes no reference', () => {
    const going = run([formed, initDone, rmmod()]);
    expect(going.value).toBe('going');
    expect(stays(going, get)).toEqual([reject(-ENOENT)]);
  });

  it('ENOENT is -2', () => {
    expect(-ENOENT).toBe(-2);
  });
});

describe('module machine: delete_module()', () => {
  it('a live module with references is EWOULDBLOCK (-11)', () => {
    const s = run([formed, initDone, get]);
    expect(stays(s, rmmod())).toEqual([reject(-EWOULDBLOCK)]);
    expect(-EWOULDBLOCK).toBe(-11);
  });

  it('a module without exit is EBUSY (-16), checked before references', () => {
    expect(stays(run([formed, initDone]), rmmod(false))).toEqual([reject(-EBUSY)]);
    expect(stays(run([formed, initDone, get]), rmmod(false))).toEqual([reject(-EBUSY)]);
    expect(-EBUSY).toBe(-16);
  });

  it('a live module with refcnt 0 and an exit unloads and goes', () => {
    const [s, actions] = transition(moduleMachine, run([formed, initDone]), rmmod());
    expect(s.value).toBe('going');
    expect(summary(actions)).toEqual([{ type: 'unloadModule' }]);
  });

  it('after the last put the module can go', () => {
    const s = run([formed, initDone, get, put]);
    const [next, actions] = transition(moduleMachine, s, rmmod());
    expect(next.value).toBe('going');
    expect(summary(actions)).toEqual([{ type: 'unloadModule' }]);
  });

  it('delete_module while going is EBUSY', () => {
    const going = run([formed, initDone, rmmod()]);
    expect(stays(going, rmmod())).toEqual([reject(-EBUSY)]);
    expect(stays(going, rmmod(true, true))).toEqual([reject(-EBUSY)]);
  });

  it('forced (rmmod -f with CONFIG_MODULE_FORCE_UNLOAD): in use or without exit, it goes anyway and taints R', () => {
    for (const [s, hasExit] of [
      [run([formed, initDone, get]), true],
      [run([formed, initDone]), false],
      [run([formed, initDone, get]), false],
    ] as const) {
      const [next, actions] = transition(moduleMachine, s, rmmod(hasExit, true));
      expect(next.value).toBe('going');
      expect(summary(actions)).toEqual([{ type: 'taintForcedRmmod' }, { type: 'unloadModule' }]);
    }
    // Nothing to force past: no taint (try_force_unload() is never asked).
    const [next, actions] = transition(moduleMachine, run([formed, initDone]), rmmod(true, true));
    expect(next.value).toBe('going');
    expect(summary(actions)).toEqual([{ type: 'unloadModule' }]);
    // Doing init is EBUSY, forced or not.
    expect(stays(run([formed]), rmmod(true, true))).toEqual([reject(-EBUSY)]);
  });

  it('free_module ends in gone, which is final', () => {
    const [gone, actions] = transition(moduleMachine, run([formed, initDone, rmmod()]), free);
    expect(gone.value).toBe('gone');
    expect(gone.status).toBe('done');
    expect(actions).toEqual([]);
    expect(stays(gone, get)).toEqual([]);
  });

  it('free_module is ignored while live', () => {
    expect(stays(run([formed, initDone]), free)).toEqual([]);
  });
});

describe('MODULE_STATE_NAMES', () => {
  it('names every state but gone', () => {
    const states = Object.keys(moduleMachine.root.states).filter((s) => s !== 'gone');
    expect(Object.keys(MODULE_STATE_NAMES).sort()).toEqual(states.sort());
  });
});

// ---- path coverage -----------------------------------------------------------

const SAMPLE_EVENTS: ModuleEvent[] = [
  formed,
  { type: 'coming.failed' },
  initDone,
  { type: 'init.failed' },
  get,
  put,
  rmmod(true),
  rmmod(false),
  rmmod(true, true),
  free,
];

describe('module machine: path coverage', () => {
  it('the sample events cover every event type the machine handles', () => {
    expect([...new Set(SAMPLE_EVENTS.map((e) => e.type))].sort()).toEqual(handledEvents(moduleMachine));
  });

  it('every state is reachable and each shortest path replays', () => {
    // refcnt grows without bound: keep only whether it is zero.
    const paths = expectEveryStateReached(moduleMachine, { name: 'mod' }, SAMPLE_EVENTS, (s) =>
      JSON.stringify({ referenced: s.context.refcnt > 0 }),
    );
    // The shortest way to gone is a failed prepare_coming_module(), which skips GOING.
    const gone = paths.find((p) => p.state.value === 'gone' && p.state.context.refcnt === 0);
    expect(gone?.steps.map((st) => st.event.type).filter((t) => (t as string) !== 'xstate.init')).toEqual([
      'complete_formation',
      'coming.failed',
    ]);
  });
});
