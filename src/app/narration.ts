/**
 * What the caption says at a position: the scenario's own narration while the
 * situation is still the scenario's, else what the step did (captions.ts).
 */
import type { Scenario, StoryStep } from '../scenarios/types';
import type { StepRecord } from '../session/situation';
import { caption, type Caption } from './captions';

export interface Narration extends Caption {
  /** "step 3 of 12", when narrated: the same number as the link and the playback bar */
  where: string | null;
}

export function narration(
  scenario: Scenario | null,
  scenarioInputs: number,
  position: number,
  record: StepRecord | undefined,
  storySteps: readonly StoryStep[] = [],
  left = false,
  /** the kernel shown is of the register + enable API (before 5.1) */
  oldApi = false,
): Narration {
  if (scenario?.kind === 'story') {
    const s = storySteps[position];
    return { fn: s?.fn ?? '', text: s ? withoutLead(s.caption, s.fn) : 'Loading the story…', where: `step ${position} of ${Math.max(0, storySteps.length - 1)}` };
  }
  if (scenario && position <= scenarioInputs) {
    // Once the user has left the scenario its length is not the timeline's: say only which step this was.
    const where = left ? `step ${position}, before you left the scenario` : `step ${position} of ${scenario.steps.length}`;
    if (position === 0) return { fn: '', text: scenario.intro, where };
    const s = scenario.steps[position - 1]!;
    return { fn: s.fn ?? '', text: withoutLead(s.caption, s.fn), where };
  }
  return { ...caption(record, oldApi), where: null };
}

/**
 * The caption band shows the step's function, linked, before the text: a
 * caption that opens by naming it ("klp_module_coming(): the pre_patch…")
 * would say it twice.
 */
function withoutLead(caption: string, fn: string | undefined): string {
  const lead = `${fn}(): `;
  return fn && caption.startsWith(lead) ? caption[lead.length]!.toUpperCase() + caption.slice(lead.length + 1) : caption;
}

/** A piece of a caption: plain text, or a `code` span (`fn` when it names a function call, `name()`: linked to its source). */
export interface CaptionPart {
  text: string;
  code: boolean;
  fn?: string;
}

/**
 * A caption's text in pieces: between backticks is code (the scenario
 * format's one piece of markup); a backtick without its pair is text.
 */
export function captionParts(text: string): CaptionPart[] {
  const out: CaptionPart[] = [];
  let rest = text;
  for (;;) {
    const open = rest.indexOf('`');
    const close = open < 0 ? -1 : rest.indexOf('`', open + 1);
    if (close < 0 || close === open + 1) {
      if (rest) out.push({ text: rest, code: false });
      return merge(out);
    }
    if (open > 0) out.push({ text: rest.slice(0, open), code: false });
    const code = rest.slice(open + 1, close);
    const call = /^([A-Za-z_][A-Za-z0-9_]*)\(\)$/.exec(code);
    out.push(call ? { text: code, code: true, fn: call[1]! } : { text: code, code: true });
    rest = rest.slice(close + 1);
  }
}

/** Neighbouring text pieces as one (an empty pair of backticks stays text). */
function merge(parts: CaptionPart[]): CaptionPart[] {
  const out: CaptionPart[] = [];
  for (const p of parts) {
    const last = out.at(-1);
    if (last && !last.code && !p.code) last.text += p.text;
    else out.push({ ...p });
  }
  return out;
}
