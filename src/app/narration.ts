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
  return { ...caption(record), where: null };
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
