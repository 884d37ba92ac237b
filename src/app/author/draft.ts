/**
 * A speaker's scenario while it is written (issue 11): a file in the
 * scenario format (docs/scenario-format.md), kept in the browser's storage
 * so a reload or a followed link never loses it. Steps come from what the
 * author does on the machine: each input of the situation is a step, with
 * the page's own caption and focus for it as a start, for the author to
 * rewrite. Pure functions: the author panel holds the state.
 */
import type { Focus } from '../../views/focus';
import type { Input, Setup, StepRecord } from '../../session/situation';
import type { ScenarioStep, TimelineScenario } from '../../scenarios/types';
import { FORMAT } from '../../scenarios/format';

/** The draft: what its file holds (only the fields the format has; `claims` are the tests' business). */
export interface Draft {
  format: typeof FORMAT;
  id: string;
  title: string;
  summary: string;
  setup: Setup;
  intro: string;
  introFocus: Focus;
  steps: DraftStep[];
}
export type DraftStep = Pick<ScenarioStep, 'do' | 'caption' | 'fn' | 'focus'>;

export const DRAFT_KEY = 'klpscope:draft';

/** A deep copy of plain data; unlike structuredClone it also copies the page's reactive proxies of it. */
const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** A step's action as the format writes it; null for what a scenario cannot hold (Ctrl-C). */
export function stepAction(input: Input, commOf: (pid: number) => string | null): ScenarioStep['do'] | null {
  switch (input.kind) {
    case 'command':
      return { command: input.line };
    case 'event':
      return { event: true };
    case 'settle':
      return { settle: true };
    case 'advance':
      return { advance: input.seconds };
    case 'wake': {
      const comm = commOf(input.pid);
      return comm === null ? null : { wake: comm };
    }
    case 'interrupt':
      return null;
  }
}

/** What a step does, in a line: the command as typed, or the button that does it. */
export function actionText(d: ScenarioStep['do']): string {
  if ('command' in d) return `# ${d.command}`;
  if ('settle' in d) return 'run to settled';
  if ('advance' in d) return `+${d.advance} s`;
  if ('wake' in d) return `${d.wake} returns`;
  return 'step ▶ (the next kernel event)';
}

const sameAction = (a: ScenarioStep['do'], b: ScenarioStep['do']) => JSON.stringify(a) === JSON.stringify(b);

/** What the page said of a step it ran: the author's first caption for it. */
export interface Said {
  caption: string;
  fn: string;
  focus: Focus;
}

/**
 * A new draft from what is shown: its set-up, and its steps up to the one
 * shown, narrated as the scenario they come from narrates them (else as
 * the page does).
 */
export function newDraft(opts: {
  setup: Setup;
  steps: ScenarioStep['do'][];
  from: TimelineScenario | null;
  /** how many of `steps` are the scenario's own */
  scenarioSteps: number;
  said: (i: number) => Said;
}): Draft {
  const { from } = opts;
  return {
    format: FORMAT,
    id: 'my-scenario',
    title: from ? `${from.title}, told my way` : 'My scenario',
    summary: from ? from.summary : '',
    setup: copy(opts.setup),
    intro: from ? from.intro : 'A fresh machine: four CPUs, the usual daemons and kernel threads, and a shell.',
    introFocus: from ? copy(from.introFocus) : { views: ['patches', 'tasks'] },
    steps: opts.steps.map((d, i) => {
      const own = from && i < opts.scenarioSteps ? from.steps[i] : null;
      const said = own ? { caption: own.caption, fn: own.fn ?? '', focus: own.focus } : opts.said(i);
      return { do: d, caption: said.caption, ...(said.fn ? { fn: said.fn } : {}), focus: copy(said.focus) };
    }),
  };
}

/**
 * The draft after the author acted at the end of its story: the situation's
 * steps begin with the draft's own, and those after them are new. Null when
 * the situation is not the draft's (another set-up, or an action in its
 * past): the draft then stays as it is.
 */
export function withNewSteps(draft: Draft, setup: Setup, steps: (ScenarioStep['do'] | null)[], said: (i: number) => Said): Draft | null {
  if (JSON.stringify(setup) !== JSON.stringify(draft.setup)) return null;
  if (steps.length <= draft.steps.length) return null;
  if (!draft.steps.every((s, i) => steps[i] !== null && sameAction(s.do, steps[i]!))) return null;
  const added: DraftStep[] = [];
  for (let i = draft.steps.length; i < steps.length; i++) {
    const d = steps[i];
    if (!d) return null; // Ctrl-C is no step of a scenario: the author sees why in the panel
    const s = said(i);
    added.push({ do: d, caption: s.caption, ...(s.fn ? { fn: s.fn } : {}), focus: copy(s.focus) });
  }
  return { ...draft, steps: [...draft.steps, ...added] };
}

export function moveStep(draft: Draft, i: number, by: -1 | 1): Draft {
  const j = i + by;
  if (i < 0 || j < 0 || i >= draft.steps.length || j >= draft.steps.length) return draft;
  const steps = draft.steps.slice();
  [steps[i], steps[j]] = [steps[j]!, steps[i]!];
  return { ...draft, steps };
}

/**
 * A "run to settled" step split in two: the first kernel event it ran, as a
 * step of its own, then the rest (split again for the next). Null for a step
 * that is one thing already.
 */
export function splitStep(draft: Draft, i: number): Draft | null {
  const s = draft.steps[i];
  if (!s || !('settle' in s.do)) return null;
  const first: DraftStep = { do: { event: true }, caption: 'The next kernel event.', focus: copy(s.focus) };
  return { ...draft, steps: [...draft.steps.slice(0, i), first, ...draft.steps.slice(i)] };
}

export function deleteStep(draft: Draft, i: number): Draft {
  return { ...draft, steps: draft.steps.filter((_, k) => k !== i) };
}

export function editStep(draft: Draft, i: number, change: Partial<DraftStep>): Draft {
  return { ...draft, steps: draft.steps.map((s, k) => (k === i ? { ...s, ...change } : s)) };
}

/** Only the texts differ (the set-up and every step's action are the same): no replay is needed. */
export function sameRun(a: Pick<Draft, 'setup' | 'steps'>, b: Pick<Draft, 'setup' | 'steps'>): boolean {
  return (
    JSON.stringify(a.setup) === JSON.stringify(b.setup) && a.steps.length === b.steps.length && a.steps.every((s, i) => sameAction(s.do, b.steps[i]!.do))
  );
}

/** The draft kept in storage, if any: whatever it holds is checked when it is played, not here. */
export function loadDraft(storage: Pick<Storage, 'getItem'>): { draft: Draft | null; error: string | null } {
  let text: string | null = null;
  try {
    text = storage.getItem(DRAFT_KEY);
  } catch {
    return { draft: null, error: null }; // storage refused (a sandboxed frame): nothing kept
  }
  if (text === null) return { draft: null, error: null };
  try {
    const d = JSON.parse(text) as Draft;
    if (typeof d !== 'object' || d === null || !Array.isArray(d.steps) || typeof d.setup !== 'object') throw new Error('not a draft');
    return { draft: d, error: null };
  } catch {
    return { draft: null, error: 'The draft kept in this browser could not be read; it is set aside.' };
  }
}

/** Keeps the draft (null: forgets it). False if the browser refused. */
export function saveDraft(storage: Pick<Storage, 'setItem' | 'removeItem'>, draft: Draft | null): boolean {
  try {
    if (draft) storage.setItem(DRAFT_KEY, JSON.stringify(draft));
    else storage.removeItem(DRAFT_KEY);
    return true;
  } catch {
    return false;
  }
}

/** Actors as the author types them: `task:kworker/0:1, patch:test_klp_livepatch`. */
export function actorsText(focus: Focus): string {
  return (focus.actors ?? []).map((a) => Object.entries(a).map(([k, v]) => `${k}:${v}`)[0]).join(', ');
}

export function parseActors(text: string): Focus['actors'] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const colon = s.indexOf(':');
      // "kworker/0:1" alone is a task: the kind is the part before the first colon only when it is a kind's name.
      const kind = colon > 0 ? s.slice(0, colon) : 'task';
      const known = ['task', 'patch', 'func', 'module', 'kobject', 'file', 'state', 'machine', 'shadow'].includes(kind);
      return (known ? { [kind]: s.slice(colon + 1) } : { task: s }) as NonNullable<Focus['actors']>[number];
    });
}

/** The steps of the situation shown, as the format writes them (null where one cannot be a step). */
export function situationSteps(records: readonly StepRecord[], commOf: (pid: number) => string | null): (ScenarioStep['do'] | null)[] {
  return records.map((r) => stepAction(r.input, commOf));
}
