import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { FORMAT, readScenario, scenarioFile, ScenarioFormatError, TEXT_LIMITS } from './format';
import { wordById } from '../kernel/words';
import { decodeLink } from '../app/links';

const DIR = new URL('./builtin/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const read = (f: string) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Record<string, unknown>;
const knownWord = (id: string) => wordById(id) !== undefined;

/** The problems readScenario finds in `data`, or [] when it reads. */
function problems(data: unknown): string[] {
  try {
    readScenario(data, 'test.json', { knownWord });
    return [];
  } catch (e) {
    if (e instanceof ScenarioFormatError) return e.problems;
    throw e;
  }
}

const SMALL = {
  format: FORMAT,
  id: 'my-story',
  title: 'My story',
  summary: 'A patch, then its removal.',
  setup: { config: {}, selftest: true, lines: [] },
  intro: 'A fresh machine.',
  introFocus: { views: ['tasks'] },
  steps: [
    { do: { command: 'insmod test_modules/test_klp_livepatch.ko' }, caption: 'klp_enable_patch() runs.', fn: 'klp_enable_patch', focus: { views: ['patches'] } },
    { do: { settle: true }, caption: 'Every task switches.', focus: { views: ['tasks'], actors: [{ task: 'swapper/1' }] } },
  ],
};
/** SMALL with one change at a path ("steps.0.focus.views.0"); undefined deletes it. */
function changed(path: string, value: unknown): unknown {
  const copy = structuredClone(SMALL) as Record<string, unknown>;
  const keys = path.split('.');
  let o = copy as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  if (value === undefined) delete o[keys.at(-1)!];
  else o[keys.at(-1)!] = value;
  return copy;
}

describe('the scenario format', () => {
  it("takes a distribution's kernel as its release and its config, and says when the release disagrees", () => {
    const s = readScenario(changed('setup.config', { distribution: 'debian-12' }), 'test.json', { knownWord });
    expect(s.kind === 'timeline' && s.setup.config).toEqual({ distribution: 'debian-12', release: '6.1' });
    expect(problems(changed('setup.config', { distribution: 'debian-12', release: '5.10' }))).toEqual(['setup.config.release: is "5.10", but Debian 12 runs 6.1']);
    expect(problems(changed('setup.config', { distribution: 'fedora-40' }))[0]).toMatch(/setup\.config\.distribution: should be a distribution whose kernel config klpscope has read \(debian-12\)/);
  });

  it.each(FILES)('builtin/%s reads, and writes back as it was', (f) => {
    const data = read(f);
    const s = readScenario(data, f, { knownWord });
    expect(`${s.id}.json`).toBe(f);
    expect(scenarioFile(s)).toEqual(data);
  });

  it("reads the docs' example, and the README's link to it carries that very file", () => {
    const example = JSON.parse(readFileSync(new URL('../../docs/example-scenario.json', import.meta.url), 'utf8'));
    expect(problems(example)).toEqual([]);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const hash = /\]\(http:\/\/localhost:5173\/(#\/u\/[A-Za-z0-9+$-]+\/0)\)/.exec(readme)?.[1];
    const r = decodeLink(hash ?? '');
    expect(r.ok && r.link.kind === 'authored' && r.link.file).toEqual(example);
  });

  it('reads a small scenario of a user', () => {
    expect(problems(SMALL)).toEqual([]);
    expect(readScenario(SMALL).steps[1]!.do).toEqual({ settle: true });
    // The summary is the picker's: a user's own may go without.
    expect(readScenario(changed('summary', undefined)).summary).toBe('');
  });

  it.each([
    ['format', 'klpscope-scenario/9', /^format: is "klpscope-scenario\/9"; this page reads "klpscope-scenario\/1"$/],
    ['format', undefined, /^format: is missing/],
    ['id', 'My Story', /^id: 'My Story' is not lower-case letters, digits and dashes$/],
    ['title', 'x'.repeat(TEXT_LIMITS.title + 1), /^title: is 81 characters long; the limit is 80$/],
    ['intro', 'read \u202eevil', /^intro: holds a Unicode bidi control \(U\+202E\)/],
    ['steps.0.caption', 'two\nlines', /^steps\[0\]\.caption: holds a control character/],
    ['steps.0.caption', '', /^steps\[0\]\.caption: is empty$/],
    ['steps.1.focus.views.0', 'taks', /^steps\[1\]\.focus\.views\[0\]: "taks" is not a view \(they are patches, funcs, tasks/],
    ['steps.1.focus.actors.0', { task: 'a', patch: 'b' }, /^steps\[1\]\.focus\.actors\[0\]: should name one actor/],
    ['steps.0.do', { command: 'ls', settle: true }, /^steps\[0\]\.do: should be one of command/],
    ['steps.0.do', { advance: -1 }, /^steps\[0\]\.do\.advance: should be a number of seconds over 0/],
    ['steps.0.do', { jump: 3 }, /^steps\[0\]\.do: should be one of .*, not jump$/],
    ['steps.0.fn', 'klp_enable_patch()', /^steps\[0\]\.fn: 'klp_enable_patch\(\)' is not a kernel function name$/],
    ['steps.0.file', 'https://example.com/x.js', /^steps\[0\]\.file: .* is not a kernel source file/],
    ['steps.0.html', '<img src=x onerror=alert(1)>', /^steps\[0\]\.html: is not a field here/],
    ['steps.0.claims', [{ said: 'kernel/livepatch/core.c:noSuchEntry' }], /^steps\[0\]\.claims\[0\]\.said: 'kernel\/livepatch\/core\.c:noSuchEntry' is not an entry/],
    ['steps.0.claims', [{ mark: 'swapper/1', in: 'elsewhere' }], /^steps\[0\]\.claims\[0\]\.in: should be one of "unpatched", "patched", "none", not "elsewhere"$/],
    ['steps.0.claims', [{ switched: 3 }], /^steps\[0\]\.claims\[0\]\.of: is missing \(a switched claim has switched, of\)$/],
    ['steps.0.claims', [{ looksRight: true }], /^steps\[0\]\.claims\[0\]: is not a claim this page checks/],
    ['setup.config', { cpus: 1000 }, /^setup\.config\.cpus: is 1000; it may be 1 to 256$/],
    ['setup.config', { hz: 100 }, /^setup\.config\.hz: is not a kernel setting/],
    ['setup.tasks', [{ comm: 'fio', kind: 'user', sleepsIn: [], cpu: 9 }], /^setup\.tasks\[0\]\.cpu: should be a CPU of the machine, 0 to 3, not 9$/],
    ['steps', [], /^steps: is empty/],
  ])('%s = %j is refused in words that say where', (path, value, says) => {
    const found = problems(changed(path, value));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(says);
  });

  it('says every problem of a file at once', () => {
    const bad = changed('steps', [{ do: { event: true }, caption: '', focus: { views: [] } }, 'not a step']);
    expect(problems({ ...(bad as object), title: 7 })).toEqual([
      'title: should be text, not 7',
      'steps[0].caption: is empty',
      'steps[0].focus.views: is empty: a step needs at least one view',
      'steps[1]: should be an object, not "not a step"',
    ]);
  });

  it('refuses what is not an object at all', () => {
    expect(problems('hello')).toEqual(['the file: should be an object, not "hello"']);
    expect(problems(null)).toEqual(['the file: should be an object, not null']);
  });
});
