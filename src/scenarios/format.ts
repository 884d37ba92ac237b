/**
 * The scenario format (docs/scenario-format.md): what a narrated scenario
 * is as a file, the same for the built-in ones (./builtin/*.json) and a
 * user's own. `readScenario` checks a parsed file against the format and
 * says every problem with where it is ("steps[3].focus.views[0]: …"), so a
 * file that reads is a scenario the page can open: its text is plain text
 * (no bidi controls, no control characters, bounded lengths), its set-up is
 * what a link may ask for, and its claims have the shapes the tests check.
 */
import { DISTRIBUTION_NAME, DISTRIBUTION_RELEASE, type DistributionId } from '../kernel/release/distributions';
import { VIEW_IDS, type Focus } from '../views/focus';
import type { Setup, TaskSetup } from '../session/situation';
import { LIMITS } from '../app/links';
import { BIDI, showBidi } from '../views/untrusted';
import type { Claim, ScenarioStep, TimelineScenario } from './types';
import { DIAL_RELEASES } from '../kernel/release/profile';

/** The format's name and version, the file's first field. */
export const FORMAT = 'klpscope-scenario/1';

/** How long a text may be, in characters. */
export const TEXT_LIMITS = { id: 40, title: 80, summary: 240, intro: 1200, caption: 1200, fn: 64, file: 120, actor: 120, claim: 600 } as const;
/** At most this many steps (a talk's worth many times over). */
export const MAX_STEPS = 200;

/** A file that is not a scenario: every problem found, each with where it is. */
export class ScenarioFormatError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a klpscope scenario:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export interface ReadOptions {
  /** whether a `said` claim's entry exists in the kernel's words (tests and the CLI pass wordById) */
  knownWord?: (id: string) => boolean;
}

/** The scenario a parsed file holds, or a ScenarioFormatError with every problem. */
export function readScenario(data: unknown, source = 'the scenario', opts: ReadOptions = {}): TimelineScenario {
  const r = new Reader(opts);
  const s = r.scenario(data);
  if (r.problems.length || !s) throw new ScenarioFormatError(source, r.problems.length ? r.problems : ['it is not an object']);
  return s;
}

/** A built-in scenario as its file holds it (the inverse of readScenario). */
export function scenarioFile(s: TimelineScenario): Record<string, unknown> {
  const { kind: _kind, ...rest } = s;
  return { format: FORMAT, ...rest };
}

const ID = /^[a-z0-9][a-z0-9-]*$/;
const C_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const SOURCE_FILE = /^[A-Za-z0-9_./-]+\.[chS]$/;
const COMM = /^[A-Za-z0-9_.:/+-]{1,15}$/;
// Control characters but tab: a caption is one paragraph of plain text.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

const ACTOR_KINDS = ['task', 'patch', 'func', 'module', 'kobject', 'file', 'state', 'machine', 'shadow', 'part'] as const;
const CONFIG: Record<string, 'int' | 'bool' | 'release' | 'distribution' | readonly [number, number]> = {
  /** the kernel release simulated: one the dial offers */
  release: 'release',
  /** a distribution whose kernel config klpscope has read (release/kconfig.ts); its release comes with it */
  distribution: 'distribution',
  cpus: LIMITS.cpus,
  seed: 'int',
  extraTasks: LIMITS.extraTasks,
  reliableStacks: 'bool',
  forceMarksEveryPatch: 'bool',
  moduleForceUnload: 'bool',
};

/** A field's type: a JSON type, a list of allowed values, or either with null. */
type FieldType = 'string' | 'number' | 'boolean' | 'strings' | 'args' | readonly string[];
interface ClaimShape {
  /** the fields it must have, with their types ('?' in front: may be null) */
  needs: Record<string, FieldType | `?${'string' | 'number'}`>;
  may?: Record<string, FieldType | `?${'string' | 'number'}`>;
}

const UNIVERSES = ['unpatched', 'patched', 'none'] as const;
/**
 * Every claim's shape, by the field that names it (types.ts says what each means). A claim is
 * told by its first naming field; `file` names two (with `equals` or with `contains`).
 */
const CLAIMS: Record<string, ClaimShape> = {
  log: { needs: { log: 'string' } },
  said: { needs: { said: 'string' }, may: { with: 'args', modname: 'string' } },
  noLog: { needs: { noLog: 'string' } },
  term: { needs: { term: 'string' } },
  termLine: { needs: { termLine: 'string' } },
  'file=': { needs: { file: 'string', equals: '?string' } },
  'file~': { needs: { file: 'string', contains: 'string' } },
  exists: { needs: { exists: 'string', is: 'boolean' } },
  transitionPatch: { needs: { transitionPatch: '?string' } },
  pending: { needs: { pending: 'number' } },
  taskPending: { needs: { taskPending: 'string', is: 'boolean' } },
  refcnt: { needs: { refcnt: 'string', is: 'number' } },
  mark: { needs: { mark: 'string', in: UNIVERSES } },
  switched: { needs: { switched: 'number', of: 'number' } },
  pendingShown: { needs: { pendingShown: 'strings' } },
  oldCode: { needs: { oldCode: 'string', is: '?string' } },
  blocker: { needs: { blocker: 'string', is: ['running', 'unreliable', 'sleeping', 'null'] }, may: { on: 'string' } },
  inStack: { needs: { inStack: 'string', fn: 'string' } },
  signalled: { needs: { signalled: 'string', is: 'boolean' } },
  tries: { needs: { tries: 'number' }, may: { nextTryIn: '?number' } },
  card: {
    needs: { card: 'string' },
    may: { on: ['stack', 'offList', 'none'], tone: ['patching', 'unpatching', 'enabled', 'gone', 'busy'], forced: 'boolean', top: 'boolean', replacedBy: '?string' },
  },
  object: { needs: { object: 'string' }, may: { loaded: 'boolean', patched: 'boolean' } },
  funcStack: { needs: { funcStack: 'string', is: 'strings' }, may: { transition: 'boolean' } },
  freeWork: { needs: { freeWork: 'strings' } },
  freePhase: { needs: { freePhase: 'string', is: ['in-use', 'unpatching', 'started', 'queued', 'freed'] }, may: { modulePut: ['done', 'next', 'waiting', 'skipped'] } },
  moduleRef: { needs: { moduleRef: 'string', is: 'number' }, may: { pinned: 'boolean' } },
  moduleGone: { needs: { moduleGone: 'string' } },
  sysfs: { needs: { sysfs: 'string' }, may: { value: '?string', status: ['same', 'added', 'removed', 'changed'] } },
  shadowVars: { needs: { shadowVars: 'number', count: 'number' }, may: { onFreed: 'number', owners: 'strings' } },
};
const CLAIM_NAMES = Object.keys(CLAIMS).filter((k) => !k.startsWith('file')).concat('file');

type Obj = Record<string, unknown>;

class Reader {
  problems: string[] = [];
  constructor(private readonly opts: ReadOptions) {}

  private bad(at: string, what: string): undefined {
    this.problems.push(`${at}: ${what}`);
    return undefined;
  }

  private object(v: unknown, at: string): Obj | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
    return this.bad(at, `should be an object, not ${describe(v)}`);
  }

  /** No field but these. */
  private only(o: Obj, at: string, fields: readonly string[]): void {
    for (const k of Object.keys(o)) if (!fields.includes(k)) this.bad(join(at, showBidi(k)), `is not a field here (the fields are ${fields.join(', ')})`);
  }

  /** Plain text of at most `max` characters. */
  text(v: unknown, at: string, max: number, optional = false): string | undefined {
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string') return this.bad(at, `should be text, not ${describe(v)}`);
    if (v.trim() === '') return this.bad(at, 'is empty');
    if (v.length > max) return this.bad(at, `is ${v.length} characters long; the limit is ${max}`);
    const bidi = v.match(BIDI);
    if (bidi) return this.bad(at, `holds a Unicode bidi control (U+${bidi[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}), which would reorder the text on screen`);
    if (CONTROL.test(v)) return this.bad(at, 'holds a control character (a caption is one paragraph of plain text)');
    return v;
  }

  private matching(v: unknown, at: string, re: RegExp, what: string, max: number, optional = false): string | undefined {
    const s = this.text(v, at, max, optional);
    if (s !== undefined && !re.test(s)) return this.bad(at, `'${s}' is not ${what}`);
    return s;
  }

  scenario(data: unknown): TimelineScenario | undefined {
    const o = this.object(data, 'the file');
    if (!o) return undefined;
    this.only(o, 'the file', ['format', 'id', 'title', 'summary', 'setup', 'intro', 'introFocus', 'steps']);
    if (o.format !== FORMAT) this.bad('format', o.format === undefined ? `is missing (it should be "${FORMAT}")` : `is ${describe(o.format)}; this page reads "${FORMAT}"`);
    const id = this.matching(o.id, 'id', ID, 'lower-case letters, digits and dashes', TEXT_LIMITS.id);
    const title = this.text(o.title, 'title', TEXT_LIMITS.title);
    // A one-sentence summary is the picker's: a user's own story may go without.
    const summary = o.summary === undefined || o.summary === '' ? '' : this.text(o.summary, 'summary', TEXT_LIMITS.summary);
    const setup = this.setup(o.setup, 'setup');
    const intro = this.text(o.intro, 'intro', TEXT_LIMITS.intro);
    const introFocus = this.focus(o.introFocus, 'introFocus');
    let steps: ScenarioStep[] = [];
    if (!Array.isArray(o.steps)) this.bad('steps', `should be a list of steps, not ${describe(o.steps)}`);
    else if (o.steps.length === 0) this.bad('steps', 'is empty: a scenario has at least one step');
    else if (o.steps.length > MAX_STEPS) this.bad('steps', `has ${o.steps.length} steps; the limit is ${MAX_STEPS}`);
    else steps = o.steps.map((s, i) => this.step(s, `steps[${i}]`)).filter((s): s is ScenarioStep => s !== undefined);
    if (this.problems.length || !id || !title || summary === undefined || !setup || !intro || !introFocus) return undefined;
    return { kind: 'timeline', id, title, summary, setup, intro, introFocus, steps };
  }

  private setup(v: unknown, at: string): Setup | undefined {
    const o = this.object(v, at);
    if (!o) return undefined;
    this.only(o, at, ['config', 'selftest', 'lines', 'tasks']);
    const config: Obj = {};
    const c = o.config === undefined ? {} : this.object(o.config, join(at, 'config'));
    for (const [k, val] of Object.entries(c ?? {})) {
      const where = join(at, `config.${k}`);
      const type = CONFIG[k];
      if (!type) this.bad(where, `is not a kernel setting (they are ${Object.keys(CONFIG).join(', ')})`);
      else if (type === 'bool') typeof val === 'boolean' ? (config[k] = val) : this.bad(where, `should be true or false, not ${describe(val)}`);
      else if (type === 'release')
        typeof val === 'string' && (DIAL_RELEASES as readonly string[]).includes(val)
          ? (config[k] = val)
          : this.bad(where, `should be one of the releases klpscope simulates (${DIAL_RELEASES.join(', ')}), not ${describe(val)}`);
      else if (type === 'distribution')
        typeof val === 'string' && Object.hasOwn(DISTRIBUTION_RELEASE, val)
          ? (config[k] = val)
          : this.bad(where, `should be a distribution whose kernel config klpscope has read (${Object.keys(DISTRIBUTION_RELEASE).join(', ')}), not ${describe(val)}`);
      else if (typeof val !== 'number' || !Number.isSafeInteger(val)) this.bad(where, `should be a whole number, not ${describe(val)}`);
      else if (type !== 'int' && (val < type[0] || val > type[1])) this.bad(where, `is ${val}; it may be ${type[0]} to ${type[1]}`);
      else config[k] = val;
    }
    if (typeof o.selftest !== 'boolean') this.bad(join(at, 'selftest'), `should be true or false (run the selftests' set-up first), not ${describe(o.selftest)}`);
    const lines = this.list(o.lines ?? [], join(at, 'lines'), LIMITS.setupLines, (l, w) => this.text(l, w, LIMITS.command));
    const tasks = o.tasks === undefined ? undefined : this.list(o.tasks, join(at, 'tasks'), LIMITS.tasks, (t, w) => this.task(t, w, (config.cpus as number) ?? 4));
    const d = config.distribution as DistributionId | undefined;
    if (d && config.release !== undefined && config.release !== DISTRIBUTION_RELEASE[d])
      this.bad(join(at, 'config.release'), `is ${describe(config.release)}, but ${DISTRIBUTION_NAME[d]} runs ${DISTRIBUTION_RELEASE[d]}`);
    else if (d) config.release = DISTRIBUTION_RELEASE[d];
    const setup: Setup = { config, selftest: o.selftest === true, lines: lines ?? [] };
    if (tasks) setup.tasks = tasks;
    return setup;
  }

  private task(v: unknown, at: string, cpus: number): TaskSetup | undefined {
    const o = this.object(v, at);
    if (!o) return undefined;
    this.only(o, at, ['comm', 'kind', 'sleepsIn', 'state', 'cpu', 'unreliable', 'freezable']);
    const comm = this.matching(o.comm, join(at, 'comm'), COMM, '1 to 15 letters, digits or _.:/+-', 15);
    if (o.kind !== 'user' && o.kind !== 'kthread') this.bad(join(at, 'kind'), `should be "user" or "kthread", not ${describe(o.kind)}`);
    const sleepsIn = this.list(o.sleepsIn, join(at, 'sleepsIn'), LIMITS.frames, (f, w) => this.matching(f, w, C_NAME, 'a function name', TEXT_LIMITS.fn));
    if (o.state !== undefined && o.state !== 'S' && o.state !== 'D' && o.state !== 'R') this.bad(join(at, 'state'), `should be "S", "D" or "R", not ${describe(o.state)}`);
    if (o.cpu !== undefined && (typeof o.cpu !== 'number' || !Number.isInteger(o.cpu) || o.cpu < 0 || o.cpu >= cpus))
      this.bad(join(at, 'cpu'), `should be a CPU of the machine, 0 to ${cpus - 1}, not ${describe(o.cpu)}`);
    for (const k of ['unreliable', 'freezable'] as const) if (o[k] !== undefined && typeof o[k] !== 'boolean') this.bad(join(at, k), `should be true or false, not ${describe(o[k])}`);
    if (!comm || !sleepsIn) return undefined;
    return { ...(o as unknown as TaskSetup), comm, sleepsIn };
  }

  private list<T>(v: unknown, at: string, max: number, item: (x: unknown, at: string) => T | undefined): T[] | undefined {
    if (!Array.isArray(v)) return this.bad(at, `should be a list, not ${describe(v)}`);
    if (v.length > max) return this.bad(at, `has ${v.length} entries; the limit is ${max}`);
    const out = v.map((x, i) => item(x, `${at}[${i}]`));
    return out.every((x) => x !== undefined) ? (out as T[]) : undefined;
  }

  private step(v: unknown, at: string): ScenarioStep | undefined {
    const o = this.object(v, at);
    if (!o) return undefined;
    this.only(o, at, ['do', 'caption', 'fn', 'file', 'focus', 'claims']);
    const act = this.act(o.do, join(at, 'do'));
    const caption = this.text(o.caption, join(at, 'caption'), TEXT_LIMITS.caption);
    const fn = this.matching(o.fn, join(at, 'fn'), C_NAME, 'a kernel function name', TEXT_LIMITS.fn, true);
    const file = this.matching(o.file, join(at, 'file'), SOURCE_FILE, 'a kernel source file (a path ending in .c or .h)', TEXT_LIMITS.file, true);
    const focus = this.focus(o.focus, join(at, 'focus'));
    const claims = o.claims === undefined ? undefined : this.list(o.claims, join(at, 'claims'), 64, (c, w) => this.claim(c, w));
    if (!act || !caption || !focus) return undefined;
    return { do: act, caption, ...(fn ? { fn } : {}), ...(file ? { file } : {}), focus, ...(claims ? { claims } : {}) };
  }

  private act(v: unknown, at: string): ScenarioStep['do'] | undefined {
    const o = this.object(v, at);
    if (!o) return undefined;
    const keys = Object.keys(o);
    const what = 'one of command (a shell line), event: true, settle: true, advance (seconds) or wake (a task)';
    if (keys.length !== 1) return this.bad(at, `should be ${what}`);
    if ('command' in o) {
      const line = this.text(o.command, join(at, 'command'), LIMITS.command);
      return line === undefined ? undefined : { command: line };
    }
    if ('event' in o || 'settle' in o) return o.event === true || o.settle === true ? (o as ScenarioStep['do']) : this.bad(at, `${keys[0]} should be true`);
    if ('advance' in o) {
      const s = o.advance;
      const [lo, hi] = LIMITS.advance;
      if (typeof s !== 'number' || !(s > lo) || s > hi) return this.bad(join(at, 'advance'), `should be a number of seconds over ${lo}, at most ${hi}, not ${describe(s)}`);
      return { advance: s };
    }
    if ('wake' in o) {
      const comm = this.matching(o.wake, join(at, 'wake'), COMM, 'a task name', 15);
      return comm === undefined ? undefined : { wake: comm };
    }
    return this.bad(at, `should be ${what}, not ${keys[0]}`);
  }

  private focus(v: unknown, at: string): Focus | undefined {
    const o = this.object(v, at);
    if (!o) return undefined;
    this.only(o, at, ['views', 'actors']);
    const views = this.list(o.views, join(at, 'views'), VIEW_IDS.length, (x, w) =>
      typeof x === 'string' && (VIEW_IDS as readonly string[]).includes(x) ? x : this.bad(w, `${describe(x)} is not a view (they are ${VIEW_IDS.join(', ')})`),
    );
    if (views && views.length === 0) this.bad(join(at, 'views'), 'is empty: a step needs at least one view');
    const actors =
      o.actors === undefined
        ? undefined
        : this.list(o.actors, join(at, 'actors'), 16, (x, w) => {
            const a = this.object(x, w);
            if (!a) return undefined;
            const keys = Object.keys(a);
            if (keys.length !== 1 || !(ACTOR_KINDS as readonly string[]).includes(keys[0]!))
              return this.bad(w, `should name one actor: one of ${ACTOR_KINDS.join(', ')}`);
            return this.text(a[keys[0]!], join(w, keys[0]!), TEXT_LIMITS.actor) === undefined ? undefined : a;
          });
    if (!views || views.length === 0) return undefined;
    return { views: views as Focus['views'], ...(actors ? { actors: actors as Focus['actors'] } : {}) };
  }

  private claim(v: unknown, at: string): Claim | undefined {
    const o = this.object(v, at);
    if (!o) return undefined;
    const name = CLAIM_NAMES.find((k) => k in o);
    if (!name) return this.bad(at, `is not a claim this page checks (a claim is one of ${CLAIM_NAMES.join(', ')})`);
    const shape = CLAIMS[name === 'file' ? ('equals' in o ? 'file=' : 'file~') : name]!;
    const fields = { ...shape.needs, ...shape.may };
    this.only(o, at, Object.keys(fields));
    for (const [k, type] of Object.entries(fields)) {
      if (!(k in o)) {
        if (k in shape.needs) this.bad(join(at, k), `is missing (a ${name} claim has ${Object.keys(shape.needs).join(', ')})`);
        continue;
      }
      this.value(o[k], join(at, k), type);
    }
    if (name === 'said' && typeof o.said === 'string' && this.opts.knownWord && !this.opts.knownWord(o.said))
      this.bad(join(at, 'said'), `'${o.said}' is not an entry of the kernel's words (file:key, as src/kernel/words names them)`);
    return o as Claim;
  }

  private value(v: unknown, at: string, type: FieldType | `?${string}`): void {
    if (typeof type === 'string' && type.startsWith('?')) {
      if (v !== null) this.value(v, at, type.slice(1) as FieldType);
      return;
    }
    if (Array.isArray(type)) {
      const ok = type.includes(v === null ? 'null' : String(v)) && (v === null || typeof v === 'string');
      if (!ok) this.bad(at, `should be one of ${type.map((t) => (t === 'null' ? 'null' : `"${t}"`)).join(', ')}, not ${describe(v)}`);
      return;
    }
    if (type === 'string') this.text(v, at, TEXT_LIMITS.claim);
    else if (type === 'number') typeof v === 'number' && Number.isFinite(v) ? undefined : this.bad(at, `should be a number, not ${describe(v)}`);
    else if (type === 'boolean') typeof v === 'boolean' ? undefined : this.bad(at, `should be true or false, not ${describe(v)}`);
    else if (type === 'strings') this.list(v, at, 64, (x, w) => this.text(x, w, TEXT_LIMITS.claim));
    else if (type === 'args') {
      const o = this.object(v, at);
      for (const [k, x] of Object.entries(o ?? {})) if (typeof x !== 'string' && typeof x !== 'number') this.bad(join(at, k), `should be text or a number, not ${describe(x)}`);
    }
  }
}

function join(at: string, field: string): string {
  return at === 'the file' ? field : `${at}.${field}`;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return showBidi(`"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`);
  if (typeof v === 'object') return 'an object';
  return String(v);
}
