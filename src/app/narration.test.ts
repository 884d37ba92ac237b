import { describe, expect, it } from 'vitest';
import { captionParts, narration } from './narration';
import { SCENARIOS } from '../scenarios';

describe('narration', () => {
  const s = SCENARIOS[0]!;
  if (s.kind !== 'timeline') throw new Error('the first scenario is a timeline scenario');

  it('tells the scenario while the situation is still the scenario', () => {
    expect(narration(s, s.steps.length, 0, undefined)).toEqual({ fn: '', text: s.intro, where: `step 0 of ${s.steps.length}` });
    expect(narration(s, s.steps.length, 2, undefined).text).toBe(s.steps[1]!.caption);
  });

  it('falls back to what the step did once the user acted', () => {
    const n = narration(s, 1, 2, undefined);
    expect(n.where).toBeNull();
    expect(n.text).toMatch(/booted/);
  });

  it('does not name the step’s function twice when the caption opens with it', () => {
    const t: typeof s = { ...s, steps: [{ do: { command: 'lsmod' }, caption: 'klp_module_coming(): the pre_patch callback fails.', fn: 'klp_module_coming', focus: { views: ['log'] } }] };
    expect(narration(t, 1, 1, undefined)).toMatchObject({ fn: 'klp_module_coming', text: 'The pre_patch callback fails.' });
  });
});

describe('captionParts', () => {
  it('reads `code` spans, links a function call, and leaves a lone backtick as text', () => {
    expect(captionParts('Write `0` to `enabled`: `klp_disable_patch()` runs.')).toEqual([
      { text: 'Write ', code: false },
      { text: '0', code: true },
      { text: ' to ', code: false },
      { text: 'enabled', code: true },
      { text: ': ', code: false },
      { text: 'klp_disable_patch()', code: true, fn: 'klp_disable_patch' },
      { text: ' runs.', code: false },
    ]);
    expect(captionParts('a lone ` here')).toEqual([{ text: 'a lone ` here', code: false }]);
    expect(captionParts('an empty `` pair')).toEqual([{ text: 'an empty `` pair', code: false }]);
    expect(captionParts('`<b>x</b>`')).toEqual([{ text: '<b>x</b>', code: true }]);
    expect(captionParts('')).toEqual([]);
  });
});
