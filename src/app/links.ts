/**
 * Links to a situation, all in the URL hash (nothing reaches a server):
 *
 *   #/s/<scenario-id>/<step>[?talk&embed&speed=<n>&theme=light|dark]
 *   #/x/<readable>   a free exploration, see below
 *   #/z/<lz>         the same text, compressed (lz-string, URI-safe alphabet)
 *   #/blank          a fresh machine
 *   #/blank?tasks=<n>&cpus=<n>[&seed=<n>][&kernel=<release>][&talk…]   a fresh machine of that size (an exploration)
 *   #/?talk…         the first scenario in those view options
 *   #/u/<lz>/<step>[?talk…]   a user's own scenario at a step: its file (docs/scenario-format.md),
 *                    as minified JSON compressed like #/z/, read through the format's checks
 *
 * The readable text is `;`-separated items; values are percent-encoded
 * (only A-Z a-z 0-9 - _ . ~ / : @ , $ = stay as they are):
 *
 *   kernel=4.19  or  distro=debian-12 (its release and its kernel config)
 *   cpus=4;seed=7;extraTasks=0;reliableStacks=1;forceMarksEveryPatch=0;moduleForceUnload=1;selftest=0
 *   task=<comm>,<user|kthread>,<flags>,<cpu|>,<fn>,<fn>…  (a set-up task; flags:
 *        S or D for its state, then U if its stack is unreliable, e.g. `DU`, `U`, ``)
 *   setup=<command>                                       (a set-up line)
 *   $<command>  @event  @event=<n>  @settle  @advance=<seconds>  @wake=<pid>   (inputs, in order)
 *   step=<n>;speed=<n>;theme=light|dark;talk;embed
 *
 * A link is untrusted: decodeLink() never throws, checks every field's type
 * and range, and rejects the whole link with a short message rather than
 * dropping parts of it. Nothing here evaluates code or builds HTML: commands
 * are data for the simulated shell.
 */
import { BIDI } from '../views/untrusted';
import LZString from 'lz-string';
import { DISTRIBUTION_NAME, DISTRIBUTION_RELEASE, type DistributionId } from '../kernel/release/distributions';
import { DEFAULT_CONFIG, type KernelConfig } from '../kernel/config';
import type { Input, Setup, TaskSetup } from '../session/situation';
import { clampSpeed, scenarioHash, SPEED_LIMITS, viewItems, type ViewOptions } from './link-view';
import { DIAL_RELEASES, parseRelease } from '../kernel/release/profile';
import type { Release } from '../kernel/release/releases';

export { scenarioHash, type ViewOptions };

export interface Situation {
  setup: Setup;
  inputs: Input[];
  /** the position: 0…inputs.length */
  step: number;
  options: ViewOptions;
}

export type Link =
  /** the first scenario (or the intro, on a first visit), in these view options if given */
  | { kind: 'home'; options?: ViewOptions }
  | { kind: 'blank' }
  | { kind: 'scenario'; id: string; step: number; options: ViewOptions }
  | { kind: 'exploration'; situation: Situation }
  /** a user's own scenario: its file, parsed but not yet read through the format's checks, and as the link carried it */
  | { kind: 'authored'; file: unknown; shared: string; step: number; options: ViewOptions };

export type LinkResult = { ok: true; link: Link } | { ok: false; error: string };

export const LIMITS = {
  /** characters in a hash; longer ones are rejected before any decoding */
  hash: 20_000,
  /** characters a compressed link may expand to */
  inflated: 200_000,
  /** a readable link longer than this is compressed (if that is shorter) */
  readable: 300,
  inputs: 5000,
  /**
   * simulation work replaying a link may take (Kernel.charge units: about
   * 20,000 to 40,000 a millisecond on a laptop core, so about two seconds)
   */
  work: 50_000_000,
  setupLines: 200,
  command: 2000,
  tasks: 50,
  frames: 32,
  scenarioStep: 100_000,
  cpus: [1, 256],
  extraTasks: [0, 20_000],
  speed: SPEED_LIMITS,
  advance: [0, 86_400],
  pid: [0, 4_194_304],
} as const;

const SCENARIO_ID = /^[a-z0-9-]{1,40}$/;
const COMM = /^[A-Za-z0-9_.:/+-]{1,15}$/;
const FRAME = /^[A-Za-z_][A-Za-z0-9_.]{0,127}$/;
const CONFIG_KEYS = ['cpus', 'seed', 'extraTasks', 'reliableStacks', 'forceMarksEveryPatch', 'moduleForceUnload'] as const;
const CUT = 'The link is cut short: the compressed part could not be read.';
const BROKEN = 'The compressed part of the link is damaged and could not be read.';

class LinkError extends Error {}
function fail(message: string): never {
  throw new LinkError(message);
}

// ---------------------------------------------------------------- encoding

/** The hash for a situation: readable (#/x/) when short, else compressed (#/z/) when that is shorter. */
export function encodeSituation(s: Situation): string {
  const text = situationText(s);
  const x = `#/x/${text}`;
  if (x.length <= LIMITS.readable) return x;
  const z = `#/z/${LZString.compressToEncodedURIComponent(text)}`;
  return z.length < x.length ? z : x;
}

function situationText(s: Situation): string {
  const { config, selftest, lines, tasks = [] } = s.setup;
  const out: string[] = [];
  if (config.distribution !== undefined) out.push(`distro=${config.distribution}`);
  else if (config.release !== undefined) out.push(`kernel=${config.release}`);
  for (const key of CONFIG_KEYS) {
    const v = config[key];
    if (v !== undefined) out.push(`${key}=${Number(v)}`);
  }
  if (!selftest) out.push('selftest=0');
  for (const t of tasks) {
    const flags = `${t.state ?? ''}${t.unreliable ? 'U' : ''}${t.freezable ? 'F' : ''}`;
    out.push(`task=${[t.comm, t.kind, flags, t.cpu ?? '', ...t.sleepsIn].map((f) => esc(String(f))).join(',')}`);
  }
  for (const line of lines) out.push(`setup=${esc(line)}`);
  for (let i = 0; i < s.inputs.length; i++) {
    const input = s.inputs[i]!;
    switch (input.kind) {
      case 'command':
        out.push(`$${esc(input.line)}`);
        break;
      case 'event': {
        let n = 1;
        while (s.inputs[i + 1]?.kind === 'event') n++, i++;
        out.push(n === 1 ? '@event' : `@event=${n}`);
        break;
      }
      case 'settle':
        out.push('@settle');
        break;
      case 'advance':
        out.push(`@advance=${input.seconds}`);
        break;
      case 'wake':
        out.push(`@wake=${input.pid}`);
        break;
      case 'interrupt':
        out.push('@intr');
        break;
      default:
        input satisfies never;
    }
  }
  out.push(`step=${Math.max(0, Math.min(Math.trunc(s.step) || 0, s.inputs.length))}`);
  return [...out, ...viewItems(s.options)].join(';');
}

/** Half of a UTF-16 surrogate pair without its other half: not a character, and not encodable. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Percent-encodes all but a few characters that read well in a hash; lone surrogates become U+FFFD. */
function esc(s: string): string {
  const wellFormed = s.replace(LONE_SURROGATE, '\uFFFD');
  return encodeURIComponent(wellFormed)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%(2F|3A|40|2C|24|3D)/g, (m) => decodeURIComponent(m));
}

// ---------------------------------------------------------------- decoding

/** Reads a location hash. Never throws: a bad link gives `ok: false` and what was wrong. */
export function decodeLink(hash: string): LinkResult {
  try {
    return { ok: true, link: parseLink(hash) };
  } catch (e) {
    return { ok: false, error: e instanceof LinkError ? e.message : 'The link could not be read.' };
  }
}

function parseLink(hash: string): Link {
  if (typeof hash !== 'string') fail('The link is not text.');
  if (hash.length > LIMITS.hash) fail(`The link is too long (${hash.length} characters; the limit is ${LIMITS.hash}).`);
  const h = hash.replace(/^#/, '');
  if (h === '' || h === '/') return { kind: 'home' };
  if (h === '/blank') return { kind: 'blank' };
  if (h.startsWith('/?')) return { kind: 'home', options: parseOptions(h.slice(2)) };
  if (h.startsWith('/blank?')) return parseBlank(h.slice(7));
  if (h.startsWith('/x/')) return { kind: 'exploration', situation: parseText(h.slice(3)) };
  if (h.startsWith('/z/')) return { kind: 'exploration', situation: parseText(inflate(h.slice(3))) };
  if (h.startsWith('/s/')) return parseScenario(h.slice(3));
  if (h.startsWith('/u/')) return parseAuthored(h.slice(3));
  return fail(`klpscope does not know the link '${show(h)}': it should start with #/s/, #/u/, #/x/, #/z/ or #/blank.`);
}

/** A user's own scenario as a link carries it: its file, minified JSON, compressed. */
export function encodeAuthored(file: unknown): string {
  return LZString.compressToEncodedURIComponent(JSON.stringify(file));
}

function parseAuthored(rest: string): Link {
  const q = rest.indexOf('?');
  const parts = (q < 0 ? rest : rest.slice(0, q)).split('/');
  if (parts.length !== 2) fail("The scenario in the link is cut: it should be #/u/<the scenario>/<step>.");
  const [shared = '', step = ''] = parts;
  if (!/^\d{1,6}$/.test(step) || +step > LIMITS.scenarioStep) fail(`The step '${show(step)}' is not a whole number from 0 to ${LIMITS.scenarioStep}.`);
  let file: unknown;
  try {
    file = JSON.parse(inflate(shared));
  } catch (e) {
    if (e instanceof LinkError) throw e;
    fail("The scenario in the link is not JSON: it may have been cut short.");
  }
  // The file as this page writes it: a link a client percent-encoded reads the same, and is written back plain.
  const plain = /^[A-Za-z0-9+$-]*$/.test(shared) ? shared : encodeAuthored(file);
  return { kind: 'authored', file, shared: plain, step: +step, options: parseOptions(q < 0 ? '' : rest.slice(q + 1)) };
}

function parseScenario(rest: string): Link {
  const q = rest.indexOf('?');
  const [id = '', step = '0', ...extra] = (q < 0 ? rest : rest.slice(0, q)).split('/');
  if (!SCENARIO_ID.test(id)) fail(`'${show(id)}' is not a scenario name (lowercase letters, digits and hyphens, at most 40).`);
  if (extra.length) fail('The scenario link has too many parts: it should be #/s/<scenario>/<step>.');
  if (!/^\d{1,6}$/.test(step) || +step > LIMITS.scenarioStep) fail(`The step '${show(step)}' is not a whole number from 0 to ${LIMITS.scenarioStep}.`);
  return { kind: 'scenario', id, step: +step, options: parseOptions(q < 0 ? '' : rest.slice(q + 1)) };
}

/** `talk&theme=dark&speed=4`: the view options after a route's `?`. */
function parseOptions(query: string, extra?: (key: string, value: string | null) => boolean): ViewOptions {
  const options: ViewOptions = { talk: false, embed: false };
  const seen = new Set<string>();
  for (const item of query.split('&')) {
    if (item === '') continue;
    const [key, value] = splitItem(item);
    once(seen, key);
    if (!viewItem(options, key, value) && !extra?.(key, value)) fail(`Unknown setting '${show(key)}' in the link.`);
  }
  return options;
}

/**
 * `#/blank?tasks=2000&cpus=16&talk`: a fresh machine of that size (tasks are
 * added to the usual ones), in those view options: an exploration at step 0,
 * so its steps are links like any other's.
 */
function parseBlank(query: string): Link {
  const config: Partial<KernelConfig> = {};
  const options = parseOptions(query, (key, value) => {
    if (key === 'tasks') config.extraTasks = num(need(key, value), key, LIMITS.extraTasks, true);
    else if (key === 'cpus') config.cpus = num(need(key, value), key, LIMITS.cpus, true);
    else if (key === 'seed') config.seed = num(need(key, value), key, [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], true);
    else if (key === 'kernel') config.release = release(need(key, value));
    else if (key === 'distro') config.distribution = distribution(need(key, value));
    else return false;
    return true;
  });
  runsItsRelease(config);
  return { kind: 'exploration', situation: { setup: { config, selftest: true, lines: [] }, inputs: [], step: 0, options } };
}

/** Sets a view option from `key[=value]`; false if the key is not one. */
function viewItem(o: ViewOptions, key: string, value: string | null): boolean {
  if (key === 'talk' || key === 'embed') {
    if (value !== null) fail(`The setting '${key}' takes no value.`);
    o[key] = true;
  } else if (key === 'speed') {
    o.speed = clampSpeed(num(need(key, value), key, [0, Infinity], false));
  } else if (key === 'theme') {
    const v = need(key, value);
    if (v !== 'light' && v !== 'dark') fail(`The theme '${show(v)}' is neither light nor dark.`);
    o.theme = v;
  } else if (key === 'compare') o.compare = release(need(key, value));
  else return false;
  return true;
}

function parseText(text: string): Situation {
  const config: Partial<KernelConfig> = {};
  const lines: string[] = [];
  const tasks: TaskSetup[] = [];
  const inputs: Input[] = [];
  const options: ViewOptions = { talk: false, embed: false };
  const seen = new Set<string>();
  let selftest = true;
  let step = 0;
  const add = (input: Input) => {
    if (inputs.length >= LIMITS.inputs) fail(`The link has too many inputs (more than ${LIMITS.inputs}).`);
    inputs.push(input);
  };
  for (const item of text.split(';')) {
    if (item === '') continue;
    if (item[0] === '$') {
      add({ kind: 'command', line: command(dec(item.slice(1))) });
      continue;
    }
    const [key, value] = splitItem(item);
    if (key === 'task' || key === 'setup' || key[0] === '@') {
      if (key === 'setup') {
        if (lines.length >= LIMITS.setupLines) fail(`The link has too many set-up commands (more than ${LIMITS.setupLines}).`);
        lines.push(command(dec(need(key, value))));
      } else if (key === 'task') {
        if (tasks.length >= LIMITS.tasks) fail(`The link has too many tasks (more than ${LIMITS.tasks}).`);
        tasks.push(task(need(key, value)));
      } else if (key === '@event') {
        const n = value === null ? 1 : num(value, key, [1, LIMITS.inputs], true);
        for (let i = 0; i < n; i++) add({ kind: 'event' });
      } else if (key === '@settle') {
        if (value !== null) fail("The input '@settle' takes no value.");
        add({ kind: 'settle' });
      } else if (key === '@advance') {
        add({ kind: 'advance', seconds: num(need(key, value), key, LIMITS.advance, false) });
      } else if (key === '@intr') {
        if (value !== null) fail("The input '@intr' takes no value.");
        add({ kind: 'interrupt' });
      } else if (key === '@wake') {
        add({ kind: 'wake', pid: num(need(key, value), key, LIMITS.pid, true) });
      } else fail(`Unknown input '${show(key)}' in the link.`);
      continue;
    }
    once(seen, key);
    if (key === 'kernel') config.release = release(need(key, value));
    else if (key === 'distro') config.distribution = distribution(need(key, value));
    else if (key === 'cpus' || key === 'extraTasks') config[key] = num(need(key, value), key, LIMITS[key], true);
    else if (key === 'seed') config.seed = num(need(key, value), key, [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], true);
    else if (key === 'reliableStacks' || key === 'forceMarksEveryPatch' || key === 'moduleForceUnload') config[key] = bool(key, value);
    else if (key === 'selftest') selftest = bool(key, value);
    else if (key === 'step') step = num(need(key, value), key, [0, LIMITS.scenarioStep], true);
    else if (!viewItem(options, key, value)) fail(`Unknown setting '${show(key)}' in the link.`);
  }
  if (step > inputs.length) fail(`The step (${step}) is past the last input (${inputs.length}).`);
  runsItsRelease(config);
  const cpus = config.cpus ?? DEFAULT_CONFIG.cpus;
  for (const t of tasks) if (t.cpu !== undefined && t.cpu >= cpus) fail(`The task '${t.comm}' is on CPU ${t.cpu}, but there are ${cpus} CPUs.`);
  const onCpu = new Map<number, string>();
  for (const t of tasks.filter((x) => x.state === 'R')) {
    const other = onCpu.get(t.cpu!);
    if (other !== undefined) fail(`The tasks '${show(other)}' and '${show(t.comm)}' both run on CPU ${t.cpu}.`);
    onCpu.set(t.cpu!, t.comm);
  }
  const setup: Setup = { config, selftest, lines, ...(tasks.length ? { tasks } : {}) };
  return { setup, inputs, step, options };
}

/** `kernel=4.19`: a release the dial offers (mainline is the default, and is not written). */
function release(value: string): Release {
  const r = parseRelease(value);
  if (!r || !DIAL_RELEASES.includes(r)) fail(`The kernel '${show(value)}' is not one klpscope simulates (${DIAL_RELEASES.join(', ')}).`);
  return r;
}

function distribution(value: string): DistributionId {
  if (!Object.hasOwn(DISTRIBUTION_RELEASE, value)) fail(`The distribution '${show(value)}' is not one whose kernel config klpscope has read (${Object.keys(DISTRIBUTION_RELEASE).join(', ')}).`);
  return value as DistributionId;
}

/** A distribution's kernel is its own release: the link may say so, not another. */
function runsItsRelease(config: Partial<KernelConfig>): void {
  const d = config.distribution;
  if (!d) return;
  if (config.release !== undefined && config.release !== DISTRIBUTION_RELEASE[d]) fail(`${DISTRIBUTION_NAME[d]} runs Linux ${DISTRIBUTION_RELEASE[d]}, not ${config.release}.`);
  config.release = DISTRIBUTION_RELEASE[d];
}

/** `comm,kind,flags,cpu,frame…` */
function task(value: string): TaskSetup {
  const [comm = '', kind, flags, cpu, ...sleepsIn] = value.split(',').map(dec);
  if (cpu === undefined) fail('A task in the link needs comm,kind,flags,cpu then its functions.');
  if (!COMM.test(comm)) fail(`The task name '${show(comm)}' is not 1 to 15 letters, digits or _.:/+-.`);
  if (kind !== 'user' && kind !== 'kthread') fail(`The task kind '${show(kind ?? '')}' is neither user nor kthread.`);
  const [, state, unreliable, freezable] =
    /^([SDR]?)(U?)(F?)$/.exec(flags ?? '') ??
    fail(`The task flags '${show(flags ?? '')}' should be S, D or R (running), then U if its stack is unreliable, then F if a running kthread sleeps freezably.`);
  if (sleepsIn.length > LIMITS.frames) fail(`A task in the link sleeps in too many functions (more than ${LIMITS.frames}).`);
  for (const f of sleepsIn) if (!FRAME.test(f)) fail(`'${show(f)}' is not a function name.`);
  if (state === 'R') {
    if (cpu === '') fail(`The running task '${show(comm)}' needs its CPU.`);
    if (kind === 'user' && sleepsIn.length > 0) fail(`The running user task '${show(comm)}' computes in user space: it takes no kernel functions.`);
    if (kind === 'kthread' && sleepsIn.length === 0) fail(`The running kthread '${show(comm)}' needs the functions it runs in, its loop function first.`);
  }
  if (freezable && (state !== 'R' || kind !== 'kthread')) fail(`Only a running kthread's sleep can be freezable (F): '${show(comm)}' is not one.`);
  const t: TaskSetup = { comm, kind, sleepsIn };
  if (state) t.state = state as 'S' | 'D' | 'R';
  if (unreliable) t.unreliable = true;
  if (freezable) t.freezable = true;
  if (cpu !== '') t.cpu = num(cpu, 'cpu', [0, LIMITS.cpus[1] - 1], true);
  return t;
}

function splitItem(item: string): [string, string | null] {
  const eq = item.indexOf('=');
  return eq < 0 ? [item, null] : [item.slice(0, eq), item.slice(eq + 1)];
}

function once(seen: Set<string>, key: string): void {
  if (seen.has(key)) fail(`The setting '${show(key)}' appears twice in the link.`);
  seen.add(key);
}

function need(key: string, value: string | null): string {
  return value ?? fail(`The setting '${show(key)}' needs a value.`);
}

function bool(key: string, value: string | null): boolean {
  if (value !== '0' && value !== '1') fail(`The setting '${key}' must be 0 or 1.`);
  return value === '1';
}

function command(line: string): string {
  if (line.length > LIMITS.command) fail(`A command in the link is too long (${line.length} characters; the limit is ${LIMITS.command}).`);
  return line;
}

/** A plain decimal number (no sign unless min < 0, no hex, no Infinity) within min…max. */
function num(text: string, what: string, [min, max]: readonly [number, number], integer: boolean): number {
  const re = integer ? /^-?\d{1,16}$/ : /^\d{1,21}(\.\d{1,30})?(e-\d{1,3})?$/;
  const n = re.test(text) ? Number(text) + 0 : NaN;
  if (!(n >= min && n <= max) || (integer && !Number.isSafeInteger(n))) {
    const range = max === Infinity ? `at least ${min}` : `from ${min} to ${max}`;
    fail(`'${show(text)}' for ${show(what)} is not ${integer ? 'a whole number' : 'a number'} ${range}.`);
  }
  return n;
}

function dec(s: string): string {
  let t: string;
  try {
    t = decodeURIComponent(s);
  } catch {
    return fail(`The link has a broken %-escape near '${show(s)}'.`);
  }
  // A lone surrogate cannot be written back into a link (it would come back as U+FFFD): refuse it, as its %-escape is refused.
  if (t.search(LONE_SURROGATE) >= 0) fail(`The link has a broken character (half a surrogate pair) near '${show(s)}'.`);
  return t;
}

/** Quotes untrusted text in a message: short, printable, and unable to reorder the text around it (no bidi controls). */
function show(s: string): string {
  const t = s.replace(/[^\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]/g, '?').replace(BIDI, '?');
  return t.length > 24 ? `${t.slice(0, 24)}…` : t;
}

// ------------------------------------------------------------ decompression

const LZ_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';

/**
 * lz-string's decompressFromEncodedURIComponent, strict and capped: a few
 * kilobytes can expand to megabytes, so this stops at LIMITS.inflated, and
 * a truncated or malformed payload is an error, not an empty string.
 */
function inflate(payload: string): string {
  let s = payload;
  if (s.includes('%')) s = dec(s); // a client that percent-encoded the hash
  s = s.replace(/ /g, '+');
  if (!/^[A-Za-z0-9+$-]*$/.test(s)) fail('The compressed part of the link has characters it cannot have.');
  let index = 0;
  let value = 0;
  let mask = 0;
  const bits = (n: number): number => {
    let r = 0;
    for (let p = 0; p < n; p++) {
      if (mask === 0) {
        if (index >= s.length) fail(CUT);
        value = LZ_ALPHABET.indexOf(s[index++]!);
        mask = 32;
      }
      if (value & mask) r |= 1 << p;
      mask >>= 1;
    }
    return r;
  };
  const literal = (code: number) => String.fromCharCode(bits(code === 0 ? 8 : 16));
  const first = bits(2);
  if (first === 2) return '';
  if (first === 3) fail(BROKEN);
  const dict: string[] = [];
  let w = (dict[3] = literal(first));
  const out = [w];
  let total = w.length;
  let size = 4;
  let numBits = 3;
  let enlargeIn = 4;
  const grow = () => {
    if (--enlargeIn === 0) enlargeIn = 2 ** numBits++;
  };
  for (;;) {
    let code = bits(numBits);
    if (code === 2) return out.join('');
    if (code < 2) {
      dict[size++] = literal(code);
      code = size - 1;
      grow();
    }
    const entry = dict[code] ?? (code === size ? w + w.charAt(0) : fail(BROKEN));
    total += entry.length;
    if (total > LIMITS.inflated) fail(`The compressed link expands to more than ${LIMITS.inflated} characters.`);
    out.push(entry);
    dict[size++] = w + entry.charAt(0);
    grow();
    w = entry;
  }
}
