/**
 * The work budgets hold, whatever heavy work a link or a typed line asks
 * for (issue 10). Heavy shell words: grep with nested quantifiers and
 * back-references on long generated lines, words doubled towards bash's
 * 4 MiB, `ps -e` over and over, scans of /proc, sleeps that add up to more
 * than a day or go to the background, on machines of up to 2,000 extra
 * tasks, some with a transition that stalls (so time passing costs work):
 * (1) a link whose set-up lines and inputs hold them opens as the page
 *     opens it (Session 'open': set-up and inputs held together to one
 *     limit) with the kernel's counted work within the limit, and one unit
 *     less refuses it; or it is refused with WorkLimitExceeded, never
 *     another error;
 * (2) a new input run as the page runs it (Timeline.attempt) finishes
 *     within its budget, or stops with WorkLimitExceeded and leaves the
 *     timeline exactly as it was, the steps ahead included;
 * (3) a heavy line that finishes prints its normal output, or grep's and
 *     bash's own words for running out of memory (status 2), never a
 *     JavaScript error (the page's shell rethrows its bugs, which fail the
 *     property); and it was charged at least what it demonstrably
 *     expanded, wrote and matched, so no heavy work escapes the count.
 * A hang, work no budget counts, fails by the test's time limit.
 *
 * The limits are drawn below 4 million units rather than the page's
 * (LIMITS.work, 50 million; TYPED_WORK, 500 million): the same code holds
 * any limit, and a run that reaches the page's takes seconds of
 * simulation. Machines stop at 2,000 extra tasks for speed; the bench
 * (bench/) covers 10,000 to 20,000.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WorkLimitExceeded } from '../../src/kernel/kernel';
import { WORD_MAX, WORK_PER_BYTE_EXPANDED, WORK_PER_BYTE_WRITTEN, WORK_PER_REGEX_STEP } from '../../src/kernel/shell/limits';
import { BACKTRACK_LIMIT } from '../../src/kernel/shell/regex/search';
import { TYPED_WORK } from '../../src/session/session';
import { Timeline, type Input, type Setup, type StepRecord } from '../../src/session/timeline';
import { commandArb } from './commands';
import { REPLAY_RUNS, TIMEOUT, firstDifference, linkTask, observe, openSituation, pageShell, violated } from './arbitraries';

// ------------------------------------------------------------ heavy words, and what each may print and cost

/**
 * What a word may print (regular-expression sources), and the least work
 * it must be charged doing so: what it demonstrably expands, writes and
 * matches, at the rates limits.ts names (charging more is fine, less is
 * work the budget does not see). `fatal`: bash ends there, the rest of the
 * line does not run.
 */
interface Outcome {
  out: string;
  err: string;
  floor: number;
  fatal?: boolean;
}
/** A word of a command line, and every outcome it may have (null: any, only checked for JavaScript errors). */
interface Word {
  line: string;
  outcomes: Outcome[] | null;
}

const lit = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** bash's words when xmalloc() fails (limits.ts), then the simulation's note on the 4 MiB limit. */
const xmalloc = (bytes: number) => `${lit(`bash: xmalloc: cannot allocate ${bytes} bytes`)}\\nklp: [^\\n]*\\n`;
/** GNU wc on standard input: lines, words and bytes, each seven wide. */
const wc = (lines: number, words: number, bytes: number) => `${[lines, words, bytes].map((n) => String(n).padStart(7)).join(' ')}\n`;

/** `X=a; X=$X$X; ...` k times: 1, 2, 4 … 2^k bytes expanded. */
const doubled = (k: number) => WORK_PER_BYTE_EXPANDED * (2 ** (k + 1) - 1);
/** A word expanded to `bytes`, then written with its newline by echo. */
const echoed = (bytes: number) => WORK_PER_BYTE_EXPANDED * bytes + WORK_PER_BYTE_WRITTEN * (bytes + 1);

/**
 * Patterns a backtracking matcher takes exponential time on, each with one
 * that matches the same lines without nested quantifiers (checked with GNU
 * grep 3.8). On back-references glibc may give up: "grep: memory exhausted".
 */
const GREP_PATTERNS = [
  { pattern: '(a+)+$', ere: true, same: /a$/, backref: false },
  { pattern: '(a|aa)*b', ere: true, same: /b/, backref: false },
  { pattern: '(a*)*b', ere: true, same: /b/, backref: false },
  { pattern: '(a|b|ab|ba)*c', ere: true, same: /c/, backref: false },
  { pattern: '(a*)*\\1b', ere: true, same: /b/, backref: true },
  { pattern: '^(a|a)*\\1b', ere: true, same: /^aa+b/, backref: true },
  { pattern: '\\(a*\\)*\\1b', ere: false, same: /b/, backref: true },
  { pattern: '^\\(a*\\)*\\1$', ere: false, same: /^a*$/, backref: true },
];

/**
 * A line of a's, typed out or doubled in a variable (there is no printf or
 * seq here), piped into grep -c. Every match of these patterns ends at the
 * line's end, so the matcher steps at least once per a; giving up, it has
 * taken its whole allowance.
 */
const grepWord: fc.Arbitrary<Word> = fc
  .tuple(
    fc.oneof(
      // back-references: up to about 15 a's glibc answers, past that it may run out of memory
      fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3000 })).map((n) => ({ echo: `echo ${'a'.repeat(n)}`, n, built: 0 })),
      fc.integer({ min: 0, max: 16 }).map((k) => ({ echo: `X=a; ${'X=$X$X; '.repeat(k)}echo \${X}`, n: 2 ** k, built: doubled(k) })),
    ),
    fc.constantFrom('', 'b', 'c'),
    fc.constantFrom(...GREP_PATTERNS),
  )
  .map(([{ echo, n, built }, tail, p]) => {
    const count = p.same.test('a'.repeat(n) + tail) ? 1 : 0;
    const fed = built + echoed(n + tail.length);
    const normal = { out: `${count}\\n${count ? 0 : 1}\\n`, err: '', floor: fed + WORK_PER_REGEX_STEP * n };
    const exhausted = { out: '2\\n', err: 'grep: memory exhausted\\n', floor: fed + WORK_PER_REGEX_STEP * BACKTRACK_LIMIT };
    return { line: `${echo}${tail} | grep -c${p.ere ? 'E' : ''} '${p.pattern}'; echo $?`, outcomes: p.backref ? [normal, exhausted] : [normal] };
  });

/**
 * X doubled k times, then Y = m copies of it: past 4 MiB bash is out of
 * memory (fatal to the line) before it builds the word; twice Y in a $(...)
 * only ends that subshell.
 */
const doublingWord: fc.Arbitrary<Word> = fc
  .tuple(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 16, max: 20 })), fc.integer({ min: 1, max: 40 }), fc.boolean())
  .map(([k, m, sub]) => {
    const bytes = m * 2 ** k;
    const line = `X=a; ${'X=$X$X; '.repeat(k)}Y=${'$X'.repeat(m)}; ${sub ? 'Z=$(echo $Y$Y); echo $?' : 'echo $Y | wc'}`;
    if (bytes > WORD_MAX) return { line, outcomes: [{ out: '', err: xmalloc(bytes + 1), floor: doubled(k), fatal: true }] };
    const y = doubled(k) + WORK_PER_BYTE_EXPANDED * bytes;
    if (!sub) return { line, outcomes: [{ out: lit(wc(1, 1, bytes + 1)), err: '', floor: y + echoed(bytes) }] };
    if (2 * bytes > WORD_MAX) return { line, outcomes: [{ out: '2\\n', err: xmalloc(2 * bytes + 1), floor: y }] };
    // echo $Y$Y in the subshell, then Z takes its output (the newline cut)
    return { line, outcomes: [{ out: '0\\n', err: '', floor: y + echoed(2 * bytes) + WORK_PER_BYTE_EXPANDED * 2 * bytes }] };
  });

/** `ps -e` again and again on one line (there is no `for` loop here). */
const psWord: fc.Arbitrary<Word> = fc
  .integer({ min: 1, max: 12 })
  .map((r) => ({ line: Array<string>(r).fill('ps -e | wc -l').join('; '), outcomes: [{ out: `(?:\\d+\\n){${r}}`, err: '', floor: 0 }] }));

/** Scans of every task's files under /proc. */
const procWord: fc.Arbitrary<Word> = fc
  .constantFrom('cat /proc/*/stack | wc -l', 'ls -R /proc | wc -l', 'cat /proc/*/comm | wc -l')
  .map((line) => ({ line, outcomes: [{ out: '\\d+\\n', err: '', floor: 0 }] }));

/** Sleeps: together at most a simulated day per line (the shell says so), or jobs that sleep in the background. */
const interval = fc.constantFrom('1d', '86400', '12h', '90m', '3600', '1.5', '0', 'inf', '1e9');
const SLEEP_NOTES = '(?:\\[\\d+\\] \\d+\\n|klp: (?:sleep|wait): one command line runs at most a simulated day \\(86400 s\\);[^\\n]*\\n)*';
const sleepWord: fc.Arbitrary<Word> = fc
  .oneof(
    fc.array(interval, { minLength: 1, maxLength: 3 }).map((xs) => xs.map((x) => `sleep ${x}`).join('; ')),
    fc.array(interval, { minLength: 1, maxLength: 3 }).map((xs) => xs.map((x) => `sleep ${x} &`).join(' ')),
    fc.tuple(interval, interval).map(([a, b]) => `sleep ${a} & sleep ${b}; wait`),
  )
  .map((line) => ({ line, outcomes: [{ out: '', err: SLEEP_NOTES, floor: 0 }] }));

/** Lines that start a transition that stalls (a busy kthread, or a task asleep in a patched function), and anything a user types. */
const STALLS = ['insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y', 'insmod test_modules/test_klp_callbacks_demo.ko', 'modprobe livepatch_sample'];
const otherWord: fc.Arbitrary<Word> = fc.oneof(fc.constantFrom(...STALLS), commandArb).map((line) => ({ line, outcomes: null }));

const word = fc.oneof(
  { weight: 4, arbitrary: grepWord },
  { weight: 3, arbitrary: doublingWord },
  { weight: 2, arbitrary: psWord },
  { weight: 1, arbitrary: procWord },
  { weight: 2, arbitrary: sleepWord },
  { weight: 1, arbitrary: otherWord },
);

interface Line {
  line: string;
  words: Word[];
}
/** Words on one line (a background job's `&` already ends its command). */
const joined = (words: Word[]): Line => ({
  line: words.reduce((l, w) => (l === '' ? w.line : `${l}${l.endsWith('&') ? ' ' : '; '}${w.line}`), ''),
  words,
});
const line: fc.Arbitrary<Line> = fc.array(word, { minLength: 1, maxLength: 3 }).map(joined);

/** What a JavaScript error would leave in a terminal (unless the line itself says it, as an unknown command). */
const JS_ERROR = /internal error|\b(?:Type|Range|Reference|Syntax)Error\b|\bundefined\b|\bNaN\b|\[object /;

/** Every way the words may print, in order; nothing after a fatal one. */
function combinations(words: Word[]): Outcome[] {
  const [first, ...rest] = words;
  if (!first) return [{ out: '', err: '', floor: 0 }];
  return first.outcomes!.flatMap((o) => (o.fatal ? [o] : combinations(rest).map((r) => ({ out: o.out + r.out, err: o.err + r.err, floor: o.floor + r.floor }))));
}

const stream = (r: StepRecord, kind: 'out' | 'err') =>
  r.term
    .filter((t) => t.kind === kind)
    .map((t) => `${t.text}\n`)
    .join('');

/** Background sleeps that have ended: bash says so once a foreground command has finished (wait_for), wherever in a line. */
const JOB_DONE = /^\[\d+\][-+ ] +Done +sleep .*\n/gm;

/**
 * A line that finished printed what one of its outcomes says, and no
 * JavaScript error; and, given the work it was charged, at least that
 * outcome's floor.
 */
function checkLine(l: Line, r: StepRecord, work?: number): void {
  const out = stream(r, 'out');
  const err = stream(r, 'err').replace(JOB_DONE, '');
  const what = `${l.line.slice(0, 300)}\n→ ${JSON.stringify(out.slice(0, 300))} ${JSON.stringify(err.slice(0, 300))}`;
  if (!JS_ERROR.test(l.line)) expect(out + err, what).not.toMatch(JS_ERROR);
  if (l.words.some((w) => !w.outcomes)) return;
  const printed = combinations(l.words).filter((o) => new RegExp(`^${o.out}$`).test(out) && new RegExp(`^${o.err}$`).test(err));
  expect(printed.length, what).toBeGreaterThan(0);
  if (work !== undefined) expect(work, `work charged for ${what}`).toBeGreaterThanOrEqual(Math.min(...printed.map((o) => o.floor)));
}

// ------------------------------------------------------------ situations

/** Frames that patches of the catalogue change (a task asleep there stalls them), and others. */
const frame = fc.constantFrom('cmdline_proc_show', 'meminfo_proc_show', 'busymod_work_func', 'msleep', 'schedule', 'do_nanosleep');

const setup: fc.Arbitrary<Setup> = fc
  .record(
    {
      cpus: fc.integer({ min: 1, max: 8 }),
      seed: fc.integer({ min: 0, max: 1000 }),
      // many tasks make every transition retry and every scan of them dearer (the bench covers 10,000 to 20,000)
      extraTasks: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 30 }) }, { weight: 1, arbitrary: fc.integer({ min: 31, max: 2000 }) }),
      reliableStacks: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  .chain((config) =>
    fc.record({
      config: fc.constant(config),
      selftest: fc.boolean(),
      lines: fc.array(fc.oneof(fc.constantFrom(...STALLS), line.map((l) => l.line)), { maxLength: 3 }),
      tasks: fc.array(linkTask(config.cpus ?? 4, frame), { maxLength: 2 }),
    }),
  );

/** An input of a situation, and the line it runs if it is a command. */
interface Step {
  input: Input;
  line?: Line;
}
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: line.map((l) => ({ input: { kind: 'command' as const, line: l.line }, line: l })) },
  // up to a day: every second of a stalled transition is a retry over all the tasks
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 86_400 }).map((seconds) => ({ input: { kind: 'advance' as const, seconds } })) },
  { weight: 1, arbitrary: fc.constantFrom<Step>({ input: { kind: 'settle' } }, { input: { kind: 'event' } }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 80 }).map((pid) => ({ input: { kind: 'wake' as const, pid } })) },
);

/** A budget: often too small for the work asked, often enough. */
const budget = fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 0, max: 100_000 }) }, { weight: 2, arbitrary: fc.integer({ min: 100_000, max: 4_000_000 }) });

function checkSteps(t: Timeline, steps: Step[]): void {
  steps.forEach((s, i) => s.line && checkLine(s.line, t.records[i]!));
}

// ------------------------------------------------------------ the properties

describe('heavy work stays within the budgets', () => {
  it(`a link with heavy set-up lines and inputs opens within its limit, or is refused for it (${REPLAY_RUNS} runs)`, () => {
    let opened = 0;
    let refused = 0;
    fc.assert(
      fc.property(setup, fc.array(step, { maxLength: 5 }), fc.nat(), budget, (su, steps, at, limit) => {
        const s = { setup: su, inputs: steps.map((x) => x.input), step: steps.length };
        let t: Timeline;
        try {
          t = openSituation(s, limit, pageShell);
        } catch (e) {
          if (!(e instanceof WorkLimitExceeded)) throw e;
          refused++;
          return;
        }
        opened++;
        const work = t.replayWork();
        expect(t.k.work).toBe(work);
        expect(work).toBeLessThanOrEqual(limit);
        checkSteps(t, steps);
        t.goto(at % (steps.length + 1));
        expect(violated(t.k)).toEqual([]);
        // the limit is exact: one unit less and the same link is refused
        if (work > 0) expect(() => openSituation(s, work - 1, pageShell)).toThrow(WorkLimitExceeded);
      }),
      { numRuns: REPLAY_RUNS },
    );
    expect(opened).toBeGreaterThan(REPLAY_RUNS / 10);
    expect(refused).toBeGreaterThan(REPLAY_RUNS / 10);
  }, TIMEOUT);

  it(`a typed heavy line finishes within its budget, or stops and leaves the timeline as it was (${REPLAY_RUNS} runs)`, () => {
    const seen = { finished: 0, stopped: 0 };
    fc.assert(
      fc.property(
        setup,
        fc.array(step, { maxLength: 2 }),
        fc.array(fc.tuple(step, fc.option(fc.nat(), { freq: 3 })), { minLength: 1, maxLength: 4 }),
        budget,
        (su, before, typed, limit) => {
          let t: Timeline;
          try {
            t = openSituation({ setup: su, inputs: before.map((x) => x.input), step: before.length }, 4_000_000, pageShell);
          } catch (e) {
            if (!(e instanceof WorkLimitExceeded)) throw e;
            return;
          }
          for (const [s, back] of typed) {
            // often at a past step: the steps ahead are dropped if it finishes, kept if it stops
            if (back !== null) t.goto(back % (t.length + 1));
            const pos = t.position;
            const seen0 = observe(t);
            const inputs = t.inputs.slice();
            const work = t.k.work;
            const replayWork = t.replayWork();
            let rec: StepRecord;
            try {
              rec = t.attempt(s.input, limit);
            } catch (e) {
              if (!(e instanceof WorkLimitExceeded)) throw e;
              seen.stopped++;
              const now = observe(t);
              expect(now === seen0, firstDifference(seen0, now)).toBe(true);
              expect(t.position).toBe(pos);
              expect(t.inputs).toEqual(inputs);
              expect(t.replayWork()).toBe(replayWork);
              continue;
            }
            seen.finished++;
            expect(t.k.work - work).toBeLessThanOrEqual(limit);
            expect(t.position).toBe(pos + 1);
            expect(t.length).toBe(pos + 1);
            if (s.line) checkLine(s.line, rec, t.k.work - work);
          }
          expect(violated(t.k)).toEqual([]);
        },
      ),
      { numRuns: REPLAY_RUNS },
    );
    // not vacuous: lines finished and lines stopped
    expect(seen.finished).toBeGreaterThan(REPLAY_RUNS / 10);
    expect(seen.stopped).toBeGreaterThan(REPLAY_RUNS / 10);
  }, TIMEOUT);

  it(`a heavy line prints its output, or grep's and bash's words for running out of memory, and is charged for its work (${REPLAY_RUNS} runs)`, () => {
    const seen = { exhausted: 0, xmalloc: 0 };
    // grep and expansions only (the words whose output is known to the byte), on a small machine, with
    // the page's budget for a line: far above what they cost (a 4 MiB word echoed into wc, about 19 million)
    const words = fc.array(fc.oneof(grepWord, doublingWord), { minLength: 1, maxLength: 3 }).map(joined);
    fc.assert(
      fc.property(words, (l) => {
        const t = new Timeline({ config: {}, selftest: false, lines: [] }, pageShell);
        const rec = t.attempt({ kind: 'command', line: l.line }, TYPED_WORK);
        checkLine(l, rec, t.replayWork());
        const err = stream(rec, 'err');
        if (err.includes('grep: memory exhausted')) seen.exhausted++;
        if (err.includes('bash: xmalloc')) seen.xmalloc++;
      }),
      { numRuns: REPLAY_RUNS },
    );
    // not vacuous: grep and bash ran out of memory
    expect(seen.exhausted).toBeGreaterThan(0);
    expect(seen.xmalloc).toBeGreaterThan(0);
  }, TIMEOUT);
});
