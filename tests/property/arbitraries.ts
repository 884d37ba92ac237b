/**
 * Shared generators for the property tests of links and of the timeline:
 * situations as a link may carry them (the ideas of src/app/links.test.ts,
 * plus lone surrogates), cheaper situations that are worth replaying,
 * mutations of an encoded link, and helpers to open a situation the way the
 * app does and to capture everything a user can see at a step.
 */
import fc from 'fast-check';
import { Timeline, type Input, type Setup, type ShellFactory, type TaskSetup } from '../../src/session/timeline';
import { LIMITS, type Situation, type ViewOptions } from '../../src/app/links';
import type { Kernel, KernelConfig } from '../../src/kernel/kernel';
import { checkInvariants } from '../../src/kernel/invariants';
import { Shell } from '../../src/kernel/shell/shell';
import { snapshot } from '../../src/kernel/view/snapshot';
import { commandArb } from './commands';
import { DIAL_RELEASES } from '../../src/kernel/release/profile';
import { MAINLINE } from '../../src/kernel/release/releases';
import { DISTRIBUTION_RELEASE, type DistributionId } from '../../src/kernel/release/distributions';

const DISTRIBUTIONS = Object.keys(DISTRIBUTION_RELEASE) as DistributionId[];
/** A distribution's kernel is its release (a link says the distribution; the release comes with it). */
const runsItsRelease = (c: Partial<KernelConfig>): Partial<KernelConfig> => (c.distribution ? { ...c, release: DISTRIBUTION_RELEASE[c.distribution] } : c);

/** How many runs a property makes: FUZZ_RUNS, or 1,000 (what `npm test` runs). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
/** For a property that replays the engine: a tenth of FUZZ_RUNS, at least 50. */
export const REPLAY_RUNS = Math.max(50, Math.floor(FUZZ_RUNS / 10));
/** A property test's time limit: the 60 s default, more when FUZZ_RUNS asks for many runs (on a loaded machine). */
export const TIMEOUT = Math.max(60_000, FUZZ_RUNS * 25);

export const shellFactory: ShellFactory = (k) => new Shell(k);
/** The page's shell (session.ts): a bug inside a command throws instead of becoming an error line. */
export const pageShell: ShellFactory = (k) => Object.assign(new Shell(k), { rethrowBugs: true });

// ------------------------------------------------------------ text

export const tricky = fc.constantFrom(
  ';', '&', '#', '%', '=', '$', '@', ',', '?', '/', '\n', '\r', '\t', '\0', ' ', '+', "'", '"', '\\', '%E0%A4%A', '%2', '%%', '%ZZ',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'javascript:alert(1)', '__proto__', 'constructor', 'é', '😀',
  '\u202e', '\u2066', '\u061c', '\uFEFF', '\u0085', '\u007f', '\uD800', '\uDC00', '\uDBFF\uDFFF',
);
/** Any UTF-16 code unit, lone surrogates included. */
export const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

export const text = (maxLength = 40) =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: codeUnit, maxLength }),
    fc.string({ unit: tricky, maxLength: 8 }),
    fc.string({ unit: fc.oneof(tricky, fc.string({ unit: 'grapheme-ascii', maxLength: 3 })), maxLength: 10 }),
  );

// ------------------------------------------------------------ situations a link may carry

export const frame = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,20}$/);

export const linkTask = (cpus: number, frames: fc.Arbitrary<string> = frame): fc.Arbitrary<TaskSetup> =>
  fc.record(
    {
      comm: fc.stringMatching(/^[A-Za-z0-9_.:/+-]{1,15}$/),
      kind: fc.constantFrom('user' as const, 'kthread' as const),
      sleepsIn: fc.array(frames, { maxLength: 5 }),
      state: fc.constantFrom('S' as const, 'D' as const),
      cpu: fc.nat(cpus - 1),
      unreliable: fc.constant(true),
    },
    { requiredKeys: ['comm', 'kind', 'sleepsIn'] },
  );

export const linkInput = (command: fc.Arbitrary<string> = text()): fc.Arbitrary<Input> =>
  fc.oneof(
    command.map((line) => ({ kind: 'command' as const, line })),
    fc.constant({ kind: 'event' as const }),
    fc.constant({ kind: 'settle' as const }),
    fc.oneof(fc.integer({ min: 0, max: 86_400 }), fc.double({ min: 0, max: 86_400, noNaN: true })).map((seconds) => ({ kind: 'advance' as const, seconds })),
    fc.integer({ min: 0, max: 4_194_304 }).map((pid) => ({ kind: 'wake' as const, pid })),
  );

export const viewOptions: fc.Arbitrary<ViewOptions> = fc.record(
  {
    speed: fc.double({ min: 0.25, max: 32, noNaN: true }),
    theme: fc.constantFrom('light' as const, 'dark' as const),
    talk: fc.boolean(),
    embed: fc.boolean(),
    compare: fc.constantFrom(...DIAL_RELEASES),
  },
  { requiredKeys: ['talk', 'embed'] },
);

export const linkConfig: fc.Arbitrary<Partial<KernelConfig>> = fc.record(
  {
    cpus: fc.integer({ min: 1, max: 256 }),
    seed: fc.maxSafeInteger(),
    extraTasks: fc.integer({ min: 0, max: 20_000 }),
    reliableStacks: fc.boolean(),
    forceMarksEveryPatch: fc.boolean(),
    moduleForceUnload: fc.boolean(),
    release: fc.constantFrom(...DIAL_RELEASES.filter((r) => r !== MAINLINE)),
    distribution: fc.constantFrom(...DISTRIBUTIONS),
  },
  { requiredKeys: [] },
).map(runsItsRelease);

interface SituationParts {
  config: fc.Arbitrary<Partial<KernelConfig>>;
  command: fc.Arbitrary<string>;
  input: fc.Arbitrary<Input>;
  frames: fc.Arbitrary<string>;
  maxInputs: number;
  maxLines: number;
  /** 'max': input counts spread evenly up to maxInputs (fast-check's default keeps arrays short) */
  size?: fc.SizeForArbitrary;
}

function situationOf(p: SituationParts): fc.Arbitrary<Situation> {
  return p.config.chain((cfg) =>
    fc
      .record({
        selftest: fc.boolean(),
        lines: fc.array(p.command, { maxLength: p.maxLines }),
        tasks: fc.option(fc.array(linkTask(cfg.cpus ?? 4, p.frames), { minLength: 1, maxLength: 3 }), { nil: undefined }),
        inputs: fc.array(p.input, { maxLength: p.maxInputs, size: p.size }),
        options: viewOptions,
        at: fc.nat(),
      })
      .map(({ selftest, lines, tasks, inputs, options, at }) => ({
        setup: { config: cfg, selftest, lines, ...(tasks ? { tasks } : {}) },
        inputs,
        step: at % (inputs.length + 1),
        options,
      })),
  );
}

/** Any situation a link can carry, every field over its whole range (not all are cheap to replay). */
export const linkSituation = (maxInputs = 30): fc.Arbitrary<Situation> =>
  situationOf({ config: linkConfig, command: text(), input: linkInput(), frames: frame, maxInputs, maxLines: 4 });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Text a link carries unchanged: anything but lone surrogates (a link cannot hold them). */
export const wellFormedText = (maxLength = 40) => text(maxLength).map((t) => t.replace(LONE_SURROGATE, '\uFFFD'));

/** A situation a link carries exactly, so encoding then decoding gives it back. */
export const roundTripSituation = (maxInputs = 30): fc.Arbitrary<Situation> => {
  const command = wellFormedText();
  return situationOf({ config: linkConfig, command, input: linkInput(command), frames: frame, maxInputs, maxLines: 4 });
};

// ------------------------------------------------------------ situations worth replaying

/** Functions the catalogue's patches change, and some that are on ordinary stacks. */
const REAL_FRAMES = [
  'cmdline_proc_show', 'meminfo_proc_show', 'seq_read_iter', 'ksys_read', 'vfs_read', 'filemap_read', 'folio_wait_bit_common', 'io_schedule',
  '__x64_sys_getpid', 'busymod_work_func', 'msleep', 'schedule', 'do_nanosleep', 'worker_thread', '__proto__', 'constructor', 'toString',
];
const replayFrame = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...REAL_FRAMES) }, { weight: 1, arbitrary: frame });

/** Small machines: replaying them is fast; now and then a wider one. */
export const replayConfig: fc.Arbitrary<Partial<KernelConfig>> = fc.record(
  {
    cpus: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 9, max: 64 }) }),
    seed: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.maxSafeInteger()),
    extraTasks: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 20 }) }, { weight: 1, arbitrary: fc.integer({ min: 21, max: 300 }) }),
    reliableStacks: fc.boolean(),
    forceMarksEveryPatch: fc.boolean(),
    release: fc.constantFrom(...DIAL_RELEASES),
    distribution: fc.constantFrom(...DISTRIBUTIONS),
  },
  { requiredKeys: [] },
).map(runsItsRelease);

/** Seconds to let pass: mostly a few (a stalled transition retries every second), sometimes a fraction. */
export const seconds = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 }) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 3, noNaN: true }) },
  { weight: 1, arbitrary: fc.integer({ min: 21, max: 120 }) },
);

/** What a user types, mostly meaningful, sometimes anything. */
export const replayCommand = fc.oneof({ weight: 8, arbitrary: commandArb }, { weight: 1, arbitrary: text(30) });

/** Inputs as a link carries them: `wake` names a pid (small ones exist after boot). */
export const replayInput: fc.Arbitrary<Input> = fc.oneof(
  { weight: 6, arbitrary: replayCommand.map((line) => ({ kind: 'command' as const, line })) },
  { weight: 4, arbitrary: fc.constant({ kind: 'event' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'settle' as const }) },
  { weight: 2, arbitrary: seconds.map((s) => ({ kind: 'advance' as const, seconds: s })) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 4_194_304 })).map((pid) => ({ kind: 'wake' as const, pid })) },
);

/** A situation that is quick to replay, with inputs that make the kernel do things. */
export const replaySituation = (maxInputs = 20): fc.Arbitrary<Situation> =>
  situationOf({ config: replayConfig, command: replayCommand, input: replayInput, frames: replayFrame, maxInputs, maxLines: 2, size: 'max' });

// ------------------------------------------------------------ opening and observing

/**
 * Opens a situation as the app does (Session, op 'open'): the set-up, then
 * all the inputs, held together to `workLimit` (past it, WorkLimitExceeded),
 * then go to the step.
 */
export function openSituation(s: Pick<Situation, 'setup' | 'inputs' | 'step'>, workLimit: number = LIMITS.work, shell: ShellFactory = shellFactory): Timeline {
  const t = new Timeline(s.setup, shell, { workLimit });
  t.load(s.inputs, workLimit - t.replayWork());
  t.goto(s.step);
  return t;
}

/**
 * Everything the app shows at the current step, as text: the view (cached
 * by the timeline) and a fresh snapshot of the kernel (so a stale cache
 * cannot hide a difference), the log, every step's record, the shell's
 * history, whether settling would do something, and the kernel events
 * waiting in the queue (what the next steps will run).
 */
export function observe(t: Timeline): string {
  return JSON.stringify({
    position: t.position,
    view: t.view(),
    fresh: snapshot(t.k),
    log: t.log(),
    records: t.records,
    history: t.history,
    settled: t.settled(),
    now: t.k.now,
    queue: t.k.queue.pending().map((e) => [e.at, e.seq, e.kind, e.label]),
  });
}

/** Where two observations first differ, for a readable failure. */
export function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i}: …${a.slice(Math.max(0, i - 80), i + 80)}… vs …${b.slice(Math.max(0, i - 80), i + 80)}…`;
}

export type { Setup };

/**
 * The invariants that do not hold, less those the checker itself names as broken on purpose:
 * a scenario that shows `rmmod -f` on a CONFIG_MODULE_FORCE_UNLOAD kernel (forced-unload) leaves a
 * patch over its freed module, and says so.
 */
export const violated = (k: Kernel): string[] => checkInvariants(k).filter((v) => !v.endsWith('a deliberately broken kernel'));
