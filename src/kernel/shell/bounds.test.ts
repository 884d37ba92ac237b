/**
 * The shell's own work is bounded and counted by the kernel's one work
 * budget (issue 10): grep's matcher, expansions, what a line writes, the
 * sleeps of a line, background sleeps (and jobs, job-run.test.ts), and
 * errors that must not end the shell. Bash's words were checked with Debian 12's bash 5.2 and grep 3.8
 * (../shared/realkernel/ask.sh).
 */
import { describe, expect, it } from 'vitest';
import { WorkLimitExceeded, type KernelConfig } from '../kernel';
import { bootKernel } from '../boot';
import { settle } from '../settle';
import { USEC_PER_SEC } from '../world/events';
import { Shell } from './shell';
import { COMMANDS } from './commands';
import { WORD_MAX, LINE_OUTPUT_MAX } from './limits';
import { SLEEP_MAX } from './commands/sleep';

function machine(config: Partial<KernelConfig> = {}) {
  const k = bootKernel(config);
  const sh = new Shell(k);
  const run = (line: string) => {
    const r = sh.run(line);
    settle(k);
    return r;
  };
  /** the work a line charged */
  const work = (line: string) => {
    const before = k.work;
    run(line);
    return k.work - before;
  };
  return { k, sh, run, work };
}

/** The byte count in wc's "lines words bytes". */
const bytes = (wc: string) => Number(wc.trim().split(/\s+/)[2]);

/** `X=a; X=$X$X; …` n times: a variable of 2^n a's, built by the shell. */
const doubling = (n: number) => `X=a; ${'X=$X$X; '.repeat(n)}`;

describe("grep's matcher is linear in its input, and its steps are charged", () => {
  it("grep -E '(a+)+$' on 28 a's and a b answers at once: no match, status 1", () => {
    const m = machine();
    m.run(`echo ${'a'.repeat(28)}b > /tmp/a`);
    const before = m.k.work;
    expect(m.run("grep -E '(a+)+$' /tmp/a")).toEqual({ stdout: '', stderr: '', status: 1 });
    expect(m.k.work).toBeGreaterThan(before);
  });

  it('the work charged grows with the line, about in proportion', () => {
    const m = machine();
    m.run(`echo ${'a'.repeat(1000)}b > /tmp/short`);
    m.run(`echo ${'a'.repeat(4000)}b > /tmp/long`);
    const short = m.work("grep -E '(a+)+$' /tmp/short");
    const long = m.work("grep -E '(a+)+$' /tmp/long");
    expect(long).toBeGreaterThan(3 * short);
    expect(long).toBeLessThan(5 * short);
  });

  it('a link budget stops a search that would take too long (the error is the budget\'s, not the shell\'s)', () => {
    const m = machine();
    m.run(`echo ${'ab'.repeat(4000)} > /tmp/f`);
    m.k.workLimit = m.k.work + 10_000;
    expect(() => m.run("grep -E '(a|b|ab|ba)*c' /tmp/f")).toThrow(WorkLimitExceeded);
  });

  it('a back-reference pattern whose matching would explode ends as grep out of memory: status 2', () => {
    const m = machine();
    m.run(`echo ${'a'.repeat(40)}b > /tmp/a`);
    expect(m.run("grep -E '^(a|a)*\\1c' /tmp/a; echo $?")).toEqual({ stdout: '2\n', stderr: 'grep: memory exhausted\n', status: 0 });
  });
});

describe('expansions are bounded, as bash out of memory', () => {
  it('X=$X$X thirty times fails where the word passes 4 MiB: xmalloc, status 2, X as it was, the shell stays', () => {
    const m = machine();
    const r = m.run(`${doubling(30)}echo never`);
    const n = Math.log2(WORD_MAX);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`bash: xmalloc: cannot allocate ${2 ** (n + 1) + 1} bytes`);
    expect(r.stderr).toContain('this shell stays, and the rest of the line was not run');
    // the failing assignment did not happen: X is the last word that fitted
    expect(bytes(m.run('echo $X | wc').stdout)).toBe(WORD_MAX + 1);
    expect(m.run('echo still here')).toEqual({ stdout: 'still here\n', stderr: '', status: 0 });
  });

  it('in a $(...) or a pipeline only that subshell ends, as in bash ("after 2"; wc counts nothing)', () => {
    const m = machine();
    m.run(doubling(Math.log2(WORD_MAX)));
    const sub = m.run('Y=$(echo $X$X); echo after $?');
    expect(sub.stdout).toBe('after 2\n');
    expect(sub.stderr).toMatch(/^bash: xmalloc: cannot allocate \d+ bytes\nklp: .*here, the subshell running it\.\n$/);
    expect(bytes(m.run('echo $X$X | wc').stdout)).toBe(0);
    // a redirection's target too
    expect(m.run('echo hi > /tmp/$X$X; echo never')).toMatchObject({ stdout: '', status: 2 });
  });

  it('the bytes expanded are charged: twice the doublings, about twice the work', () => {
    const m = machine();
    const small = m.work(doubling(16));
    const big = m.work(doubling(17));
    expect(small).toBeGreaterThan(2 ** 16);
    expect(big / small).toBeGreaterThan(1.8);
  });
});

describe('what one line writes is charged per byte, and bounded', () => {
  it('a line that writes past 16 MiB is cut there: the rest dropped, the rest of the line not run, status 1', () => {
    const m = machine();
    m.run(doubling(Math.log2(WORD_MAX) - 1)); // 2 MiB
    const copies = LINE_OUTPUT_MAX / (WORD_MAX / 2) + 2;
    const r = m.run(`${'echo $X; '.repeat(copies)}echo never`);
    expect(r.stdout.length).toBe(LINE_OUTPUT_MAX);
    expect(r.stdout).not.toContain('never');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('klp: this line wrote 16 MiB, the most the simulation lets one command line write; the rest of its output was dropped and the rest of the line not run.\n');
    // the next line has its own 16 MiB
    expect(m.run('echo $X').stdout.length).toBe(WORD_MAX / 2 + 1);
  });

  it('ps -e costs in proportion to the tasks it lists', () => {
    const small = machine({ extraTasks: 1000 });
    const big = machine({ extraTasks: 4000 });
    const a = small.work('ps -e');
    const b = big.work('ps -e');
    expect(a).toBeGreaterThan(1000 * 30);
    expect(b / a).toBeGreaterThan(3);
  });

  it('a glob or a listing under /proc costs with the tasks it looks up (each /proc/<pid> lookup scans the task list)', () => {
    const small = machine({ extraTasks: 1000 });
    const big = machine({ extraTasks: 2000 });
    const a = small.work('echo /proc/*/comm > /dev/null');
    const b = big.work('echo /proc/*/comm > /dev/null');
    expect(b / a).toBeGreaterThan(2.5);
    expect(big.work('ls -R /proc > /dev/null')).toBeGreaterThan(b);
  });
});

describe('sleep', () => {
  it('sleep 1d & returns at once with [1] PID; the job sleeps in clock_nanosleep() and ends a day later in virtual time', () => {
    const m = machine();
    const t0 = m.k.now;
    const r = m.run('sleep 1d &');
    const pid = Number(/^\[1\] (\d+)\n$/.exec(r.stderr)![1]);
    expect(r.status).toBe(0);
    expect(m.k.now).toBe(t0); // settling does not wait for its timer
    const task = m.k.taskByPid(pid)!;
    expect(task).toMatchObject({ comm: 'sleep', state: 'S' });
    expect(task.chain.map((f) => f.fn)).toContain('hrtimer_nanosleep');
    expect(m.run('jobs').stdout).toBe('[1]+  Running                 sleep 1d &\n');
    expect(m.run('echo $!').stdout).toBe(`${pid}\n`);
    // time passes by later commands: half a day, then the rest
    expect(m.run('sleep 12h').stderr).toBe('');
    expect(m.k.taskByPid(pid)).toBe(task);
    expect(m.run('sleep 12h').stderr).toBe('[1]+  Done                    sleep 1d\n');
    expect(m.k.taskByPid(pid)).toBeUndefined();
    expect(m.k.now - t0).toBe(SLEEP_MAX * USEC_PER_SEC);
  });

  it('wait lets time pass until the job ends, and shares the line\'s one day with its sleeps', () => {
    const m = machine();
    const t0 = m.k.now;
    expect(m.run('sleep 100 & wait %1; echo "w=$?"').stdout).toBe('w=0\n');
    expect(m.k.now - t0).toBe(100 * USEC_PER_SEC);
    const t1 = m.k.now;
    const r = m.run('sleep 2d & sleep 1h; wait; echo "w=$?"');
    expect(r.stdout).toBe('w=130\n');
    expect(r.stderr).toContain(`klp: wait: one command line runs at most a simulated day (${SLEEP_MAX} s); ${SLEEP_MAX - 3600} s passed`);
    expect(m.k.now - t1).toBe(SLEEP_MAX * USEC_PER_SEC);
    expect(m.run('jobs').stdout).toBe('[1]+  Running                 sleep 2d &\n');
  });

  it('a job of several commands sleeps in the background too: the prompt does not wait for it (job-run.ts)', () => {
    const m = machine();
    const t0 = m.k.now;
    const r = m.run('sleep 5 && echo hi &');
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^\[1\] \d+\n$/);
    expect(m.k.now).toBe(t0);
    expect(m.run('sleep 5').stdout).toBe('hi\n');
    expect(m.k.now - t0).toBe(5 * USEC_PER_SEC);
  });

  it('one whose sleep sits where it cannot pause still runs to its end at once, and the shell says why the prompt waited', () => {
    const m = machine();
    const t0 = m.k.now;
    const r = m.run('sleep 5 | cat && echo hi &');
    expect(r.stdout).toBe('hi\n');
    expect(r.stderr).toMatch(/^\[1\] \d+\nklp: a sleep of this job sits in a pipeline, where the simulation cannot pause a background job; the job ran to its end at once, its 5 s before the prompt\.\n/);
    expect(m.k.now - t0).toBe(5 * USEC_PER_SEC);
  });

  it('kill %1 ends a sleeping job (Terminated); its timer then finds nothing to end', () => {
    const m = machine();
    m.run('sleep 10 &');
    expect(m.run('kill %1').stderr).toBe('[1]+  Terminated              sleep 10\n');
    expect(m.run('sleep 20').stderr).toBe('');
    expect(m.run('jobs').stdout).toBe('');
  });

  it('sleeps in one line add up against the one-day cap, background ones aside', () => {
    const m = machine();
    const t0 = m.k.now;
    const r = m.run(`${'sleep 1d; '.repeat(5)}echo $?`);
    expect(m.k.now - t0).toBe(SLEEP_MAX * USEC_PER_SEC);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(4);
    expect(m.run(`${'sleep 1d & '.repeat(5)}echo $?`).stdout).toBe('0\n');
    expect(m.k.now - t0).toBe(SLEEP_MAX * USEC_PER_SEC);
  });
});

describe('errors do not end the shell', () => {
  it('a command that throws becomes an error line, status 1, and the line goes on', () => {
    const m = machine();
    COMMANDS['klp-test-throws'] = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'pid')");
    };
    try {
      expect(m.run('klp-test-throws; echo after $?')).toEqual({
        stdout: 'after 1\n',
        stderr: "bash: klp-test-throws: internal error: Cannot read properties of undefined (reading 'pid')\n",
        status: 0,
      });
      expect(m.k.tasks.some((t) => t.comm === 'klp-test-throws')).toBe(false);
    } finally {
      delete COMMANDS['klp-test-throws'];
    }
  });

  it('the end of the work budget still propagates', () => {
    const m = machine();
    m.k.workLimit = m.k.work + 1000;
    expect(() => m.run('ps -e')).toThrow(WorkLimitExceeded);
  });
});
