import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { expectEveryStateReached, handledEvents, reject, runEvents, staysPut, summary } from './testing';
import { patchMachine, patchEnabled, type PatchEvent } from './patch.machine';
import { drive } from '../world/drive';
import { EBUSY, EINVAL, ENODEV, ENOMEM } from '../world/errno';

type Snap = SnapshotFrom<typeof patchMachine>;

/** The part of an action the engine looks at: its type and, when it has them, its params. */


// ---- sample events ---------------------------------------------------------

const enableOk = { type: 'klp_enable_patch', malformed: false, livepatchModule: true, initialized: true } as const;
const lockedOk = { type: 'klp_enable_patch.locked', compatible: true, moduleGet: true } as const;
const initDone = { type: 'klp_init_patch.done' } as const;
const enableNow = { type: '__klp_enable_patch', transitionBusy: false } as const;
const patched = { type: 'objects.patched' } as const;
const completed = { type: 'transition.completed' } as const;
const write = (value: boolean, transitionBusy = false) => ({ type: 'sysfs.enabled', value, transitionBusy }) as const;

const INPUT = { name: 'livepatch_sample', replace: false };

function start(input = INPUT): Snap {
  return initialTransition(patchMachine, input)[0];
}

function run(events: readonly PatchEvent[], input = INPUT): Snap {
  return runEvents(patchMachine, input, events);
}

const TO_REGISTERED: PatchEvent[] = [enableOk, lockedOk, initDone];
const TO_ENABLING: PatchEvent[] = [...TO_REGISTERED, enableNow];
const TO_PATCHING: PatchEvent[] = [...TO_ENABLING, patched];
const TO_ENABLED: PatchEvent[] = [...TO_PATCHING, completed];
const TO_UNPATCHING: PatchEvent[] = [...TO_ENABLED, write(false)];
const TO_DISABLED: PatchEvent[] = [...TO_UNPATCHING, completed];
const TO_REPLACED: PatchEvent[] = [...TO_ENABLED, { type: 'replaced' }];

/** Sends e and checks the machine neither moved nor changed its context. */
function stays(s: Snap, e: PatchEvent) {
  return staysPut(patchMachine, s, e);
}

describe('patch machine: initial state', () => {
  it('starts in loading with the input copied and forced=false, and runs nothing', () => {
    const [s, actions] = initialTransition(patchMachine, { name: 'p1', replace: true });
    expect(s.value).toBe('loading');
    expect(s.context).toEqual({ name: 'p1', replace: true, forced: false });
    expect(actions).toEqual([]);
  });

  it('the helper sequences reach the states they are named after', () => {
    expect(run(TO_REGISTERED).value).toBe('registered');
    expect(run(TO_ENABLING).value).toBe('enabling');
    expect(run(TO_PATCHING).value).toBe('patching');
    expect(run(TO_ENABLED).value).toBe('enabled');
    expect(run(TO_UNPATCHING).value).toBe('unpatching');
    expect(run(TO_DISABLED).value).toBe('disabled');
    expect(run(TO_REPLACED).value).toBe('replaced');
  });
});

describe('patch machine: klp_enable_patch() refusal order', () => {
  const s0 = start();

  it('malformed is checked first: EINVAL with no message, even if everything else is wrong', () => {
    const [s, actions] = transition(patchMachine, s0, {
      type: 'klp_enable_patch',
      malformed: true,
      livepatchModule: false,
      initialized: false,
    });
    expect(s.value).toBe('refused');
    expect(s.status).toBe('done');
    expect(summary(actions)).toEqual([reject(-EINVAL)]);
  });

  it('then not a livepatch module: pr_err then EINVAL, before the initialized check', () => {
    const [s, actions] = transition(patchMachine, s0, {
      type: 'klp_enable_patch',
      malformed: false,
      livepatchModule: false,
      initialized: false,
    });
    expect(s.value).toBe('refused');
    expect(summary(actions)).toEqual([{ type: 'pr_err_not_livepatch_module' }, reject(-EINVAL)]);
  });

  it('then not initialized: ENODEV', () => {
    const [s, actions] = transition(patchMachine, s0, {
      type: 'klp_enable_patch',
      malformed: false,
      livepatchModule: true,
      initialized: false,
    });
    expect(s.value).toBe('refused');
    expect(summary(actions)).toEqual([reject(-ENODEV)]);
  });

  it('all checks passing takes klp_mutex (checking) and warns about unreliable stacks', () => {
    const [s, actions] = transition(patchMachine, s0, enableOk);
    expect(s.value).toBe('checking');
    expect(summary(actions)).toEqual([{ type: 'warn_unreliable_stack' }]);
  });

  const checking = run([enableOk]);

  it('under the mutex, incompatible klp_state comes first: pr_err then EINVAL', () => {
    const [s, actions] = transition(patchMachine, checking, {
      type: 'klp_enable_patch.locked',
      compatible: false,
      moduleGet: false,
    });
    expect(s.value).toBe('refused');
    expect(summary(actions)).toEqual([{ type: 'pr_err_incompatible' }, reject(-EINVAL)]);
  });

  it('then a going module (try_module_get fails): ENODEV', () => {
    const [s, actions] = transition(patchMachine, checking, {
      type: 'klp_enable_patch.locked',
      compatible: true,
      moduleGet: false,
    });
    expect(s.value).toBe('refused');
    expect(summary(actions)).toEqual([reject(-ENODEV)]);
  });

  it('both passing goes on to klp_init_patch_early', () => {
    const [s, actions] = transition(patchMachine, checking, lockedOk);
    expect(s.value).toBe('initializing');
    expect(summary(actions)).toEqual([{ type: 'klp_init_patch_early' }]);
  });

  it('refused is final: a second klp_enable_patch does nothing', () => {
    const [refused] = transition(patchMachine, s0, { ...enableOk, malformed: true });
    const [s, actions] = transition(patchMachine, refused, enableOk);
    expect(s.value).toBe('refused');
    expect(actions).toEqual([]);
  });
});

describe('patch machine: klp_init_patch() and __klp_enable_patch()', () => {
  const initializing = run([enableOk, lockedOk]);

  it('klp_init_patch failure frees synchronously and returns its errno', () => {
    const [s, actions] = transition(patchMachine, initializing, { type: 'klp_init_patch.failed', errno: -ENOMEM });
    expect(s.value).toBe('failed');
    expect(s.status).toBe('done');
    expect(summary(actions)).toEqual([{ type: 'free_patch_sync' }, reject(-ENOMEM)]);
  });

  it('klp_init_patch success registers the patch with no action', () => {
    const [s, actions] = transition(patchMachine, initializing, initDone);
    expect(s.value).toBe('registered');
    expect(actions).toEqual([]);
  });

  const registered = run(TO_REGISTERED);

  it('__klp_enable_patch while another transition runs: free_patch_sync then EBUSY', () => {
    const [s, actions] = transition(patchMachine, registered, { type: '__klp_enable_patch', transitionBusy: true });
    expect(s.value).toBe('failed');
    expect(summary(actions)).toEqual([{ type: 'free_patch_sync' }, reject(-EBUSY)]);
  });

  it('__klp_enable_patch otherwise announces and inits the PATCHED transition', () => {
    const [s, actions] = transition(patchMachine, registered, enableNow);
    expect(s.value).toBe('enabling');
    expect(summary(actions)).toEqual([{ type: 'pr_notice_enabling' }, { type: 'klp_init_transition_patched' }]);
  });
});

describe('patch machine: enabling objects', () => {
  const enabling = run(TO_ENABLING);

  it('an object failure runs the kernel error path in order and returns its errno', () => {
    const [s, actions] = transition(patchMachine, enabling, {
      type: 'object.failed',
      errno: -EINVAL,
      object: 'vmlinux',
      stage: 'pre_patch',
    });
    expect(s.value).toBe('failed');
    expect(summary(actions)).toEqual([
      { type: 'pr_warn_object_failed', params: { object: 'vmlinux', stage: 'pre_patch' } },
      { type: 'pr_warn_failed_to_enable' },
      { type: 'klp_cancel_transition' },
      { type: 'free_patch_sync' },
      reject(-EINVAL),
    ]);
  });

  it('the failure params follow the event (object, stage, errno)', () => {
    const [, actions] = transition(patchMachine, enabling, {
      type: 'object.failed',
      errno: -ENOMEM,
      object: 'nfsd',
      stage: 'patch',
    });
    const s = summary(actions);
    expect(s[0]).toEqual({ type: 'pr_warn_object_failed', params: { object: 'nfsd', stage: 'patch' } });
    expect(s.at(-1)).toEqual(reject(-ENOMEM));
  });

  it('all objects patched starts the transition and tries to complete it', () => {
    const [s, actions] = transition(patchMachine, enabling, patched);
    expect(s.value).toBe('patching');
    expect(summary(actions)).toEqual([{ type: 'klp_start_transition' }, { type: 'klp_try_complete_transition' }]);
  });
});

describe('patch machine: patching (enabled=1, transition=1)', () => {
  const patching = run(TO_PATCHING);

  it('writing 1 is EINVAL and changes nothing', () => {
    expect(stays(patching, write(true))).toEqual([reject(-EINVAL)]);
    expect(stays(patching, write(true, true))).toEqual([reject(-EINVAL)]);
  });

  it('writing 0 reverses the running transition (busy or not: it is this patch\'s transition)', () => {
    for (const busy of [false, true]) {
      const [s, actions] = transition(patchMachine, patching, write(false, busy));
      expect(s.value).toBe('unpatching');
      expect(summary(actions)).toEqual([{ type: 'klp_reverse_transition' }]);
    }
  });

  it('force runs klp_force_transition and stays', () => {
    expect(stays(patching, { type: 'sysfs.force' })).toEqual([{ type: 'klp_force_transition' }]);
  });

  it('forced marks the context and runs nothing', () => {
    const [s, actions] = transition(patchMachine, patching, { type: 'forced' });
    expect(s.value).toBe('patching');
    expect(s.context.forced).toBe(true);
    expect(actions).toEqual([]);
  });

  it('transition.completed enables; a non-replace patch frees nothing', () => {
    const [s, actions] = transition(patchMachine, patching, completed);
    expect(s.value).toBe('enabled');
    expect(actions).toEqual([]);
  });

  it('transition.completed of an atomic-replace patch frees the replaced patches', () => {
    const p = run(TO_PATCHING, { name: 'cumulative', replace: true });
    const [s, actions] = transition(patchMachine, p, completed);
    expect(s.value).toBe('enabled');
    expect(summary(actions)).toEqual([{ type: 'klp_free_replaced_patches_async' }]);
  });
});

describe('patch machine: enabled (enabled=1, transition=0)', () => {
  const enabled = run(TO_ENABLED);

  it('writing 1 to an enabled patch is EINVAL, even when another patch is in transition', () => {
    expect(stays(enabled, write(true))).toEqual([reject(-EINVAL)]);
    expect(stays(enabled, write(true, true))).toEqual([reject(-EINVAL)]);
  });

  it('writing 0 while another patch is in transition is EBUSY', () => {
    expect(stays(enabled, write(false, true))).toEqual([reject(-EBUSY)]);
  });

  it('writing 0 starts the unpatching transition', () => {
    const [s, actions] = transition(patchMachine, enabled, write(false));
    expect(s.value).toBe('unpatching');
    expect(summary(actions)).toEqual([
      { type: 'klp_init_transition_unpatched' },
      { type: 'klp_start_transition' },
      { type: 'klp_try_complete_transition' },
    ]);
  });

  it('force with no transition is EINVAL', () => {
    expect(stays(enabled, { type: 'sysfs.force' })).toEqual([reject(-EINVAL)]);
  });

  it('replaced unpatches the objects', () => {
    const [s, actions] = transition(patchMachine, enabled, { type: 'replaced' });
    expect(s.value).toBe('replaced');
    expect(summary(actions)).toEqual([{ type: 'klp_unpatch_objects' }]);
  });

  it('forced marks the context', () => {
    const [s] = transition(patchMachine, enabled, { type: 'forced' });
    expect(s.value).toBe('enabled');
    expect(s.context.forced).toBe(true);
  });

  it('free_work is ignored while enabled', () => {
    expect(stays(enabled, { type: 'free_work' })).toEqual([]);
  });
});

describe('patch machine: unpatching (enabled=0, transition=1)', () => {
  const unpatching = run(TO_UNPATCHING);

  it('writing 0 is EINVAL and changes nothing', () => {
    expect(stays(unpatching, write(false))).toEqual([reject(-EINVAL)]);
    expect(stays(unpatching, write(false, true))).toEqual([reject(-EINVAL)]);
  });

  it('writing 1 reverses back to patching', () => {
    const [s, actions] = transition(patchMachine, unpatching, write(true, true));
    expect(s.value).toBe('patching');
    expect(summary(actions)).toEqual([{ type: 'klp_reverse_transition' }]);
  });

  it('force runs klp_force_transition', () => {
    expect(stays(unpatching, { type: 'sysfs.force' })).toEqual([{ type: 'klp_force_transition' }]);
  });

  it('transition.completed disables and frees asynchronously', () => {
    const [s, actions] = transition(patchMachine, unpatching, completed);
    expect(s.value).toBe('disabled');
    expect(summary(actions)).toEqual([{ type: 'klp_free_patch_async' }]);
  });
});

describe('patch machine: replaced', () => {
  const replaced = run(TO_REPLACED);

  it('refuses both writes and force with EINVAL', () => {
    expect(stays(replaced, write(true))).toEqual([reject(-EINVAL)]);
    expect(stays(replaced, write(false))).toEqual([reject(-EINVAL)]);
    expect(stays(replaced, { type: 'sysfs.force' })).toEqual([reject(-EINVAL)]);
  });

  it('free.async moves to disabled with klp_free_patch_async', () => {
    const [s, actions] = transition(patchMachine, replaced, { type: 'free.async' });
    expect(s.value).toBe('disabled');
    expect(summary(actions)).toEqual([{ type: 'klp_free_patch_async' }]);
  });
});

describe('patch machine: disabled and freed', () => {
  const disabled = run(TO_DISABLED);

  it('a disabled patch can never be re-enabled: both values are EINVAL', () => {
    for (const busy of [false, true]) {
      expect(stays(disabled, write(true, busy))).toEqual([reject(-EINVAL)]);
      expect(stays(disabled, write(false, busy))).toEqual([reject(-EINVAL)]);
    }
    expect(stays(disabled, { type: 'sysfs.force' })).toEqual([reject(-EINVAL)]);
  });

  it('free_work puts the kobject, then the module reference', () => {
    const [s, actions] = transition(patchMachine, disabled, { type: 'free_work' });
    expect(s.value).toBe('freed');
    expect(s.status).toBe('done');
    expect(summary(actions)).toEqual([{ type: 'kobject_put_patch' }, { type: 'module_put' }]);
  });

  it('after a forced transition free_work keeps the module reference', () => {
    const forcedDisabled = run([...TO_PATCHING, { type: 'forced' }, write(false), completed]);
    expect(forcedDisabled.value).toBe('disabled');
    expect(forcedDisabled.context.forced).toBe(true);
    const [s, actions] = transition(patchMachine, forcedDisabled, { type: 'free_work' });
    expect(s.value).toBe('freed');
    expect(summary(actions)).toEqual([{ type: 'kobject_put_patch' }]);
  });

  it('a replaced patch marked forced also keeps the module reference', () => {
    const s = run([...TO_REPLACED, { type: 'forced' }, { type: 'free.async' }]);
    expect(s.context.forced).toBe(true);
    const [, actions] = transition(patchMachine, s, { type: 'free_work' });
    expect(summary(actions)).toEqual([{ type: 'kobject_put_patch' }]);
  });

  it('freed is final', () => {
    const [freed] = transition(patchMachine, disabled, { type: 'free_work' });
    const [s, actions] = transition(patchMachine, freed, write(true));
    expect(s.value).toBe('freed');
    expect(actions).toEqual([]);
  });
});

describe('patch machine: through drive()', () => {
  it('a reject action becomes the errno and the other actions run in order', () => {
    let snap = run(TO_ENABLED);
    const ran: string[] = [];
    const impls = Object.fromEntries(
      ['klp_init_transition_unpatched', 'klp_start_transition', 'klp_try_complete_transition'].map((n) => [
        n,
        () => ran.push(n),
      ]),
    );
    const get = () => snap;
    const set = (s: Snap) => (snap = s);
    expect(drive(patchMachine, get, set, write(true), impls)).toBe(-EINVAL);
    expect(drive(patchMachine, get, set, write(false, true), impls)).toBe(-EBUSY);
    expect(snap.value).toBe('enabled');
    expect(ran).toEqual([]);
    expect(drive(patchMachine, get, set, write(false), impls)).toBe(0);
    expect(snap.value).toBe('unpatching');
    expect(ran).toEqual(['klp_init_transition_unpatched', 'klp_start_transition', 'klp_try_complete_transition']);
  });
});

describe('patchEnabled()', () => {
  it('is true exactly in patching and enabled', () => {
    const all = Object.keys(patchMachine.root.states);
    expect(all.filter(patchEnabled).sort()).toEqual(['enabled', 'patching']);
  });
});

// ---- path coverage -----------------------------------------------------------

const SAMPLE_EVENTS: PatchEvent[] = [
  enableOk,
  { type: 'klp_enable_patch', malformed: true, livepatchModule: true, initialized: true },
  { type: 'klp_enable_patch', malformed: false, livepatchModule: false, initialized: true },
  { type: 'klp_enable_patch', malformed: false, livepatchModule: true, initialized: false },
  lockedOk,
  { type: 'klp_enable_patch.locked', compatible: false, moduleGet: true },
  { type: 'klp_enable_patch.locked', compatible: true, moduleGet: false },
  initDone,
  { type: 'klp_init_patch.failed', errno: -ENOMEM },
  enableNow,
  { type: '__klp_enable_patch', transitionBusy: true },
  { type: 'object.failed', errno: -EINVAL, object: 'vmlinux', stage: 'pre_patch' },
  { type: 'object.failed', errno: -EINVAL, object: 'vmlinux', stage: 'patch' },
  patched,
  write(true, false),
  write(true, true),
  write(false, false),
  write(false, true),
  { type: 'sysfs.force' },
  completed,
  { type: 'forced' },
  { type: 'replaced' },
  { type: 'free.async' },
  { type: 'free_work' },
];

describe('patch machine: path coverage', () => {
  it('the sample events cover every event type the machine handles', () => {
    expect([...new Set(SAMPLE_EVENTS.map((e) => e.type))].sort()).toEqual(handledEvents(patchMachine));
  });

  for (const replace of [false, true]) {
    it(`every state is reachable (replace=${replace}) and each shortest path replays`, () => {
      const paths = expectEveryStateReached(patchMachine, { name: 'p', replace }, SAMPLE_EVENTS, (s) =>
        JSON.stringify({ forced: s.context.forced }),
      );
      // Both free_work branches are reachable: freed with and without forced.
      const freed = paths.filter((p) => p.state.value === 'freed').map((p) => p.state.context.forced);
      expect(freed.sort()).toEqual([false, true]);
    });
  }
});
