/**
 * Each entry prints as its call does: the record has the entry's level and
 * function, its pr_fmt prefix, its text; pr_debug() only while dynamic debug
 * enables the site, pr_*_once() once, pr_cont() onto the open record,
 * functions.sh's log() as a user-space write.
 */
import { describe, expect, it } from 'vitest';
import { bootKernel } from '../boot';
import { KERN_DEBUG, KERN_DEFAULT, KERN_INFO } from '../world/log';
import { ALL_SOURCES, LIVEPATCH_TRANSITION, MODULE_MAIN, SCHED_CORE, X86_FAULT, body, debugSite, line, say, type Word } from '.';
import { argCount, kprintf, parseFormat, type Arg } from './printf';
import { MODNAME_PREFIX } from './word';

const WORDS: Word[] = ALL_SOURCES.flatMap((g) => Object.values(g));

/** Arguments a format accepts: a string for %s %c %p, a number for the rest and for a `*`. */
function sampleArgs(w: Word): Record<string, Arg> {
  const kinds: ('n' | 's')[] = [];
  for (const s of parseFormat(w.fmt).specs) {
    if (s.conv === '%') continue;
    if (s.width === '*') kinds.push('n');
    if (s.precision === '*') kinds.push('n');
    kinds.push('scp'.includes(s.conv) ? 's' : 'n');
  }
  return Object.fromEntries(w.args.map((name, i) => [name, kinds[i] === 's' ? `${name}-x` : 7]));
}

/** a module's name for the test modules' prefix, a caller's level for the printk("%s…", log_lvl) ones */
const OPTS = { modname: 'test_mod', logLvl: KERN_INFO };

describe('the words catalogue', () => {
  it('has entries with a function, a file and unique ids', () => {
    expect(WORDS.length).toBeGreaterThan(60);
    for (const w of WORDS) {
      expect(w.func, w.id).toMatch(/^\w+$/);
      expect(w.id).toBe(`${w.file}:${w.key}`);
    }
    expect(new Set(WORDS.map((w) => w.id)).size).toBe(WORDS.length);
  });

  it('names as many arguments as each format takes', () => {
    for (const w of WORDS) expect(w.args.length, `${w.id}: "${w.fmt}"`).toBe(argCount(w.fmt));
  });

  it.each(WORDS.filter((w) => w.call !== 'pr_debug' && w.call !== 'pr_cont' && w.call !== 'log').map((w) => [w.id, w]))(
    '%s prints with its level and function',
    (_id, w) => {
      const k = bootKernel();
      const from = k.log.records.length;
      say(k, w, sampleArgs(w), OPTS);
      const rec = k.log.records.slice(from);
      expect(rec).toHaveLength(1);
      expect(rec[0]!.level).toBe(w.level === 'log_lvl' ? KERN_INFO : w.level);
      expect(rec[0]!.func).toBe(w.func);
      expect(rec[0]!.msg).toBe(w.id);
      expect(rec[0]!.facility).toBe(0);
      expect(rec[0]!.text).toBe(line(w, sampleArgs(w), OPTS));
      const prefix = w.prefix === MODNAME_PREFIX ? 'test_mod: ' : w.prefix;
      expect(rec[0]!.text).toBe(prefix + body(w, sampleArgs(w)));
      // pr_*_once(): the same call site again prints nothing
      say(k, w, sampleArgs(w), OPTS);
      expect(k.log.records.length - from).toBe(w.once ? 1 : 2);
    },
  );

  it('gives pr_fmt only to the pr_*() calls', () => {
    for (const w of WORDS) if (!w.call.startsWith('pr_') || w.call === 'pr_cont') expect(w.prefix, w.id).toBe('');
  });

  it.each(WORDS.filter((w) => w.call === 'pr_debug').map((w) => [w.id, w]))(
    '%s prints at KERN_DEBUG only while dynamic debug enables its site, and the control file lists it',
    (_id, w) => {
      const k = bootKernel();
      const from = k.log.records.length;
      say(k, w, sampleArgs(w));
      expect(k.log.records.length).toBe(from);
      const site = debugSite(w);
      expect(k.dyndbg.control()).toContain(`${w.file}:${w.line} [${w.module}]${w.func} =_ "${w.fmt.replace(/\n/g, '\\n')}"`);
      k.dyndbg.exec(`file ${site.file} line ${site.line} +p`);
      say(k, w, sampleArgs(w));
      const rec = k.log.records.slice(from);
      expect(rec.map((r) => [r.level, r.func, r.text])).toEqual([[KERN_DEBUG, w.func, line(w, sampleArgs(w))]]);
    },
  );

  it('continues the open record with pr_cont(), as print_modules() and sched_show_task() build theirs', () => {
    const k = bootKernel();
    const from = k.log.records.length;
    say(k, MODULE_MAIN.modulesLinkedIn);
    say(k, MODULE_MAIN.linkedModule, { module: 'a', flags: '(OK)' });
    say(k, MODULE_MAIN.lastUnloaded, { module: 'b', taints: '' });
    say(k, MODULE_MAIN.modulesEnd);
    say(k, SCHED_CORE.task, { comm: 'insmod', state: 'D' });
    say(k, SCHED_CORE.taskIds, { free: 0, pid: 9, tgid: 9, ppid: 1, task_flags: 0x400100, flags: 0x4000 });
    // nothing is open any more: a continuation starts a record of its own
    say(k, SCHED_CORE.running);
    expect(k.log.records.slice(from).map((r) => [r.level, r.text])).toEqual([
      [KERN_DEFAULT, 'Modules linked in: a(OK) [last unloaded: b]'],
      [KERN_INFO, 'task:insmod          state:D stack:0     pid:9     tgid:9     ppid:1      task_flags:0x400100 flags:0x00004000'],
      [KERN_DEFAULT, '  running task    '],
    ]);
  });

  it("writes functions.sh's lines as user space does, to /dev/kmsg", () => {
    for (const w of WORDS.filter((x) => x.call === 'log')) {
      const k = bootKernel();
      const from = k.log.records.length;
      say(k, w, sampleArgs(w));
      expect(k.log.records.slice(from).map((r) => [r.facility, r.level, r.text])).toEqual([[1, KERN_DEFAULT, body(w, sampleArgs(w))]]);
    }
  });

  it('keeps a record plain data, a 64-bit argument included (a log is serialised)', () => {
    const k = bootKernel();
    say(k, X86_FAULT.cr2, { address: 0xffffffffc041b058n });
    const rec = k.log.records.at(-1)!;
    expect(rec.text).toBe('CR2: ffffffffc041b058');
    expect(JSON.parse(JSON.stringify(rec)).args).toEqual({ address: '18446744072640114776' });
  });

  it("fills __func__ with the entry's function", () => {
    expect(body(LIVEPATCH_TRANSITION.running, { comm: 'cat', pid: 12 })).toBe('klp_try_switch_task: cat:12 is running');
  });
});

describe('kprintf', () => {
  it('formats as the kernel vsnprintf() does', () => {
    expect(kprintf('task:%-15.15s state:%c', ['a-rather-long-command', 'D'])).toBe('task:a-rather-long-c state:D');
    expect(kprintf('#PF: error_code(0x%04lx) - %s', [2, 'x'])).toBe('#PF: error_code(0x0002) - x');
    expect(kprintf('---[ end trace %016llx ]---', [0])).toBe('---[ end trace 0000000000000000 ]---');
    expect(kprintf('CR2: %016lx', [0xffffffffc041b058n])).toBe('CR2: ffffffffc041b058');
    expect(kprintf('      %s %.*s', ['G', 2, '#1 SMP'])).toBe('      G #1');
    expect(kprintf('%% %s, %d%%, %#x, %+d', ['cmd', -5, 255, 3])).toBe('% cmd, -5%, 0xff, +3');
    expect(kprintf('RIP: %04x:%pS', [0x10, 'sysfs_kf_seq_show+0x19/0xe0'])).toBe('RIP: 0010:sysfs_kf_seq_show+0x19/0xe0');
    expect(kprintf('%sCall Trace:', [''])).toBe('Call Trace:');
  });

  it('refuses arguments that do not fit the format', () => {
    expect(() => kprintf('%d', ['x'])).toThrow();
    expect(() => kprintf('%s', [1])).toThrow();
    expect(() => kprintf('%s %s', ['a'])).toThrow();
    expect(() => kprintf('%s', ['a', 'b'])).toThrow();
  });
});
