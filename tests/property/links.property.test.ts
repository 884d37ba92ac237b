/**
 * Links are untrusted input, and whatever arrives lands on a valid state:
 * (a) any string, however long or strange, decodes without throwing, to a
 *     link or to a short, printable message (never the catch-all one,
 *     which would mean the parser itself broke);
 * (b) damaged links (characters deleted, inserted, replaced, cut, doubled,
 *     %-mangled) never throw; an exploration that is still accepted opens
 *     the way the app opens it, without throwing, at its step, with every
 *     livepatch invariant holding; an accepted scenario link has a whole,
 *     non-negative step and opens (or is refused) as the app would;
 * (c) every accepted link says the same thing when written again, and
 *     decode(encode(s)) gives back s, and encoding that gives the same hash.
 * FUZZ_RUNS scales every property (the replaying ones get a tenth of it).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import LZString from 'lz-string';
import { decodeLink, encodeSituation, scenarioHash, LIMITS, type Link, type LinkResult, type Situation } from '../../src/app/links';
import { authoredHash } from '../../src/app/link-view';
import { Timeline } from '../../src/session/timeline';
import { checkInvariants } from '../../src/kernel/invariants';
import { SCENARIOS, findScenario } from '../../src/scenarios/index';
import { findEntry } from '../../src/scenarios/catalog';
import { playStep } from '../../src/scenarios/run';
import type { TimelineScenario } from '../../src/scenarios/types';
import { WorkLimitExceeded } from '../../src/kernel/kernel';
import { FUZZ_RUNS, REPLAY_RUNS, TIMEOUT, codeUnit, linkSituation, observe, violated, openSituation, replaySituation, shellFactory, text, tricky, viewOptions } from './arbitraries';
import { applyAll, mutation, mutations, type Mutation } from './mutations';

/** What decodeLink says when something other than a LinkError escaped the parser. */
const CATCH_ALL = 'The link could not be read.';
/** C0 and C1 controls, DEL, and the invisible characters that reorder text (bidi controls). */
const CONTROL = /[\p{Cc}\p{Bidi_Control}]/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function decode(hash: string): LinkResult {
  let r: LinkResult | undefined;
  expect(() => (r = decodeLink(hash))).not.toThrow();
  return r!;
}

/** A refused link's message is short, printable, and one the parser meant to give. */
function checkError(hash: string, error: string): void {
  const where = `${JSON.stringify(hash.slice(0, 120))} → ${JSON.stringify(error)}`;
  expect(typeof error, where).toBe('string');
  expect(error.length, where).toBeGreaterThan(0);
  expect(error.length, where).toBeLessThan(300);
  expect(error, where).not.toMatch(CONTROL);
  expect(error, where).not.toMatch(LONE_SURROGATE);
  expect(error, where).not.toBe(CATCH_ALL);
}

/** An accepted link says the same thing when the app writes it again. */
function checkRewrites(link: Link): void {
  if (link.kind === 'home' || link.kind === 'blank') return;
  if (link.kind === 'scenario') {
    expect(Number.isSafeInteger(link.step) && link.step >= 0 && link.step <= LIMITS.scenarioStep, `step ${link.step}`).toBe(true);
    const again = decodeLink(scenarioHash(link.id, link.step, link.options));
    expect(again).toEqual({ ok: true, link });
    return;
  }
  if (link.kind === 'authored') {
    const again = decodeLink(authoredHash(link.shared, link.step, link.options));
    expect(again).toEqual({ ok: true, link });
    return;
  }
  const s = link.situation;
  expect(Number.isSafeInteger(s.step) && s.step >= 0 && s.step <= s.inputs.length, `step ${s.step} of ${s.inputs.length}`).toBe(true);
  const hash = encodeSituation(s);
  const again = decodeLink(hash);
  expect(again, hash.slice(0, 200)).toEqual({ ok: true, link });
  // and writing it once more gives the very same hash
  expect(encodeSituation((again as { ok: true; link: { situation: Situation } }).link.situation)).toBe(hash);
}

function check(hash: string): LinkResult {
  const r = decode(hash);
  if (r.ok) checkRewrites(r.link);
  else checkError(hash, r.error);
  return r;
}

// ------------------------------------------------------------ (a) any string

const PREFIXES = ['#/s/', '#/x/', '#/z/', '#/blank', '#/', '#', '', '/x/', '#/s/first-livepatch/', '#/x/$', '#/x/task=', '#/z/N4'];
const LZ = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';

/** Bodies of every length up to 25,000, with lengths just around the 20,000 limit. */
const body = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: codeUnit, maxLength: 300, size: 'max' }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 200, size: 'max' }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 100, size: 'max' }) },
  { weight: 3, arbitrary: fc.string({ unit: fc.oneof(tricky, fc.constantFrom(';', '=', '$', '@event', '@wake=', 'step=', 'task=', ',', '%', '?', '&', '/')), maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...LZ), maxLength: 400, size: 'max' }) },
  {
    weight: 3,
    // long: a random piece repeated to a length up to 25,000, often right at the limit
    arbitrary: fc
      .tuple(
        fc.string({ unit: fc.oneof(codeUnit, tricky, fc.constantFrom(...LZ)), minLength: 1, maxLength: 64 }),
        fc.oneof(fc.integer({ min: 300, max: 25_000 }), fc.integer({ min: LIMITS.hash - 12, max: LIMITS.hash + 4 })),
      )
      .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n)),
  },
);

const anyHash = fc.oneof(
  fc.tuple(fc.constantFrom(...PREFIXES), body).map(([p, b]) => (p + b).slice(0, 25_000)),
  fc.tuple(fc.constantFrom(...PREFIXES), body).map(([p, b]) => p + b.slice(0, Math.max(0, LIMITS.hash - p.length))),
  body,
  // well-formed compression of garbage: the parser, not the decompressor, must refuse it
  fc.string({ unit: fc.oneof(codeUnit, tricky, fc.constantFrom(';', '$', '@event', '=', 'task=', 'step=1')), maxLength: 200 }).map((s) => `#/z/${LZString.compressToEncodedURIComponent(s)}`),
);

describe('(a) decodeLink on any string', () => {
  it('never throws, and gives a link that writes back the same, or a short printable message', () => {
    let accepted = 0;
    let long = 0;
    fc.assert(
      fc.property(anyHash, (hash) => {
        if (hash.length > LIMITS.hash - 20) long++;
        if (check(hash).ok) accepted++;
      }),
      { numRuns: FUZZ_RUNS },
    );
    // not vacuous: some of these are links, and some are at or over the limit
    expect(accepted).toBeGreaterThan(0);
    expect(long).toBeGreaterThan(0);
  }, TIMEOUT);

  it('refuses a hash just over the limit, and reads one right at it', () => {
    const at = `#/x/${'@event=1;'.repeat(500)}`;
    const pad = `#/x/${';'.repeat(LIMITS.hash - at.length)}${at.slice(4)}`;
    expect(pad.length).toBe(LIMITS.hash);
    expect(check(pad)).toMatchObject({ ok: true });
    const over = `${pad};`;
    expect(check(over)).toMatchObject({ ok: false, error: expect.stringMatching(/too long \(20001 characters/) });
  });

  it('quotes bidi controls and other invisible controls as "?" in its messages', () => {
    for (const c of ['\u202e', '\u2066', '\u200f', '\u061c', '\u0085', '\u007f', '\u0000', '\u001b']) {
      const r = decodeLink(`#/x/a${c}b=1`);
      expect(r.ok).toBe(false);
      checkError('', (r as { error: string }).error);
    }
  });
});

// ------------------------------------------------------------ (b) damaged links

/** A valid link, then damaged: the hash itself, or the readable text before it is compressed. */
const damaged = (situations: fc.Arbitrary<Situation>, damage: fc.Arbitrary<Mutation[]> = mutations) =>
  fc.tuple(situations, damage, fc.constantFrom('hash', 'readable', 'compressed')).map(([s, ms, where]) => {
    const hash = encodeSituation(s);
    if (where === 'hash') return applyAll(hash, ms);
    const readable = hash.startsWith('#/x/') ? hash.slice(4) : LZString.decompressFromEncodedURIComponent(hash.slice(4));
    const text = applyAll(readable, ms);
    return where === 'readable' ? `#/x/${text}` : `#/z/${LZString.compressToEncodedURIComponent(text)}`;
  });

const SCENARIO_IDS = SCENARIOS.map((s) => s.id);
const scenarioLink = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SCENARIO_IDS) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9-]{1,40}$/) }),
    fc.oneof(fc.nat(40), fc.integer({ min: 0, max: LIMITS.scenarioStep })),
    viewOptions,
    mutations,
  )
  .map(([id, step, o, ms]) => applyAll(scenarioHash(id, step, o), ms));

/** A timeline scenario played to its end, as the app opens one (memoised: only goto is tried on it). */
const played = new Map<string, Timeline>();
function openScenario(s: TimelineScenario, step: number): Timeline {
  let t = played.get(s.id);
  if (!t) {
    t = new Timeline(s.setup, shellFactory);
    for (const st of s.steps) playStep(t, st);
    played.set(s.id, t);
  }
  t.goto(step);
  return t;
}

describe('(b) damaged links', () => {
  it('never throw, and what they still say is written back the same', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(damaged(linkSituation(12)), damaged(replaySituation(12)), scenarioLink), (hash) => {
        if (check(hash).ok) accepted++;
      }),
      { numRuns: FUZZ_RUNS },
    );
    expect(accepted).toBeGreaterThan(FUZZ_RUNS / 10);
  }, TIMEOUT);

  it(`an exploration still accepted opens at its step, without throwing, every invariant holding (${REPLAY_RUNS} runs)`, () => {
    let opened = 0;
    fc.assert(
      // lighter damage (sometimes none), so that many links are still accepted and get replayed
      fc.property(damaged(replaySituation(16), fc.array(mutation, { maxLength: 2 })), (hash) => {
        const r = check(hash);
        if (!r.ok || r.link.kind !== 'exploration') return;
        const s = r.link.situation;
        let t: Timeline | undefined;
        try {
          t = openSituation(s);
        } catch (e) {
          // Refused as the app refuses it, with a message: more simulation than a link may ask for.
          if (e instanceof WorkLimitExceeded) return;
          throw new Error(`${hash.slice(0, 200)}: ${e}`);
        }
        expect(t!.position).toBe(s.step);
        expect(t!.length).toBe(s.inputs.length);
        expect(checkInvariants(t!.k), hash.slice(0, 200)).toEqual([]);
        opened++;
      }),
      { numRuns: REPLAY_RUNS },
    );
    expect(opened).toBeGreaterThan(REPLAY_RUNS / 5);
  }, TIMEOUT);

  it('a scenario link still accepted names a scenario the app finds, or one it refuses; its step is whole and opens', () => {
    let found = 0;
    fc.assert(
      fc.property(scenarioLink, (hash) => {
        const r = check(hash);
        if (!r.ok || r.link.kind !== 'scenario') return;
        const { id, step } = r.link;
        expect(Number.isInteger(step) && step >= 0).toBe(true);
        // the router looks in the catalogue, the tests in SCENARIOS: they agree
        const s = findScenario(id);
        expect(findEntry(id)?.id).toBe(s?.id);
        if (!s) return;
        found++;
        if (s.kind !== 'timeline') return;
        const t = openScenario(s, step);
        expect(t.position).toBe(Math.min(step, s.steps.length));
        expect(violated(t.k)).toEqual([]);
      }),
      // opening replays the scenario: a tenth of the runs (decoding them is also in the property above)
      { numRuns: REPLAY_RUNS },
    );
    expect(found).toBeGreaterThan(0);
  }, TIMEOUT);
});

// ------------------------------------------------------------ (c) round trips

/** What a link can carry of a situation: lone surrogates become U+FFFD, the speed is clamped. */
function carried(s: Situation): Situation {
  const wf = (x: string) => x.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
  const { speed, ...o } = s.options;
  return {
    setup: { ...s.setup, lines: s.setup.lines.map(wf) },
    inputs: s.inputs.map((i) => (i.kind === 'command' ? { kind: 'command', line: wf(i.line) } : i)),
    step: s.step,
    options: speed === undefined ? o : { ...o, speed: Math.min(32, Math.max(0.25, speed)) },
  };
}

describe('(c) round trips', () => {
  it('decode(encode(s)) is s, and encoding it again gives the same hash', () => {
    fc.assert(
      fc.property(fc.oneof(linkSituation(), replaySituation()), (s) => {
        const hash = encodeSituation(s);
        expect(hash.length).toBeLessThanOrEqual(LIMITS.hash);
        const r = decodeLink(hash);
        expect(r, hash.slice(0, 200)).toEqual({ ok: true, link: { kind: 'exploration', situation: carried(s) } });
        expect(encodeSituation((r as { ok: true; link: { situation: Situation } }).link.situation)).toBe(hash);
      }),
      { numRuns: FUZZ_RUNS },
    );
  }, TIMEOUT);

  it('a situation a scenario leads to, then changed by the user, has a link that reopens it exactly', () => {
    const scenarios = SCENARIOS.filter((s): s is TimelineScenario => s.kind === 'timeline');
    const typed = fc.oneof(text(20), fc.constantFrom('lsmod', 'cat /proc/cmdline', 'echo 1 > /sys/kernel/livepatch/test_klp_livepatch/enabled')).filter((l) => !LONE_SURROGATE.test(l));
    fc.assert(
      fc.property(fc.constantFrom(...scenarios), fc.nat(), fc.array(typed, { maxLength: 2 }), (s, at, extra) => {
        // the user goes to a step of the scenario and acts there: the scenario's later steps are dropped
        const step = at % (s.steps.length + 1);
        const t = new Timeline(s.setup, shellFactory);
        for (const st of s.steps.slice(0, step)) playStep(t, st);
        for (const line of extra) t.command(line);
        // the link the app writes then
        const sit: Situation = { setup: s.setup, inputs: t.inputs.slice(), step: t.position, options: { talk: false, embed: false } };
        const hash = encodeSituation(sit);
        const r = decodeLink(hash);
        expect(r).toEqual({ ok: true, link: { kind: 'exploration', situation: sit } });
        // opened elsewhere, it shows the very same thing
        expect(observe(openSituation((r as { ok: true; link: { situation: Situation } }).link.situation))).toBe(observe(t));
      }),
      { numRuns: Math.max(20, Math.floor(FUZZ_RUNS / 100)) },
    );
  }, TIMEOUT);
});
