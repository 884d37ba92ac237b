/**
 * A background job of several commands runs for real in the background
 * (job-run.ts): the prompt comes back at once, its commands run at the
 * simulated times its sleeps end, with the kernel's events in between, and
 * bash reports it Done, Exit N or Terminated. The terminal transcripts are
 * those Debian 12's bash 5.2 printed for the same lines
 * (../shared/realkernel/ask.sh), but for the pids.
 */
import { describe, expect, it } from 'vitest';
import { WorkLimitExceeded, type KernelConfig } from '../kernel';
import { bootKernel } from '../boot';
import { settle } from '../settle';
import { USEC_PER_SEC } from '../world/events';
import { selftestMachine } from '../selftest/replay';
import { Shell } from './shell';
import { jobText } from './jobs';
import { parse } from './parse';
import { SLEEP_MAX } from './commands/sleep';

function machine(opts: { selftest?: boolean; config?: Partial<KernelConfig> } = {}) {
  const made = opts.selftest ? selftestMachine(opts.config) : null;
  const k = made?.kernel ?? bootKernel(opts.config);
  const sh = made?.shell ?? new Shell(k);
  sh.takeTerminal();
  const t0 = k.now;
  /** Runs a line and settles; returns what the terminal showed meanwhile, both streams in order. */
  const run = (line: string) => {
    sh.run(line);
    settle(k);
    return screen();
  };
  const screen = () =>
    sh
      .takeTerminal()
      .map((c) => c.text)
      .join('');
  /** Seconds since the machine was made. */
  const elapsed = () => (k.now - t0) / USEC_PER_SEC;
  /** The lines written to /dev/kmsg by the jobs, each with the second it was written at. */
  const marks = () => k.log.records.filter((r) => r.text.startsWith('mark ')).map((r) => `${(r.usec - t0) / USEC_PER_SEC} ${r.text}`);
  return { k, sh, run, screen, elapsed, marks };
}

/** The pid bash printed for job N in this text. */
const pidOf = (text: string, n = 1) => Number(new RegExp(`^\\[${n}\\] (\\d+)$`, 'm').exec(text)![1]);

describe('a job of several commands runs in the background', () => {
  it('sleep 5 && echo hi &: the prompt comes back at once; hi and Done when the 5 s have passed', () => {
    const m = machine();
    const started = m.run('sleep 5 && echo hi &');
    const pid = pidOf(started);
    expect(started).toBe(`[1] ${pid}\n`);
    expect(m.elapsed()).toBe(0);
    expect(m.run('jobs')).toBe('[1]+  Running                 sleep 5 && echo hi &\n');
    // its subshell waits in wait4() for its sleep, which sleeps in clock_nanosleep()
    const sub = m.k.taskByPid(pid)!;
    expect(sub).toMatchObject({ comm: 'bash', state: 'S', ppid: m.k.loginShell.pid });
    expect(sub.chain.map((f) => f.fn)).toContain('do_wait');
    const sleeper = m.k.tasks.find((t) => t.ppid === pid)!;
    expect(sleeper).toMatchObject({ comm: 'sleep', state: 'S' });
    expect(sleeper.chain.map((f) => f.fn)).toContain('hrtimer_nanosleep');
    expect(m.run('ps')).toContain(`${String(sleeper.pid).padStart(7)} pts/0    00:00:00 sleep\n`);
    expect(m.run('sleep 4')).toBe('');
    expect(m.run('sleep 1')).toBe('hi\n[1]+  Done                    sleep 5 && echo hi\n');
    expect(m.elapsed()).toBe(5);
    expect(m.k.taskByPid(pid)).toBeUndefined();
    expect(m.k.taskByPid(sleeper.pid)).toBeUndefined();
  });

  it('its output comes when it runs, between a foreground line\'s own (as bash 5.2 printed it)', () => {
    const m = machine();
    const out = m.run('{ sleep 1; echo bg1; sleep 2; echo bg2; } & echo fg0; sleep 2; echo fg1; sleep 2; echo fg2');
    expect(out).toBe(
      `[1] ${pidOf(out)}\nfg0\nbg1\nfg1\nbg2\n[1]+  Done                    { sleep 1; echo bg1; sleep 2; echo bg2; }\nfg2\n`,
    );
    expect(m.elapsed()).toBe(4);
  });

  it('each command runs at the time its sleeps end, as the log shows', () => {
    const m = machine();
    m.run('{ sleep 2; echo mark a > /dev/kmsg; sleep 3; echo mark b > /dev/kmsg; } &');
    m.run('(sleep 1; echo mark c > /dev/kmsg) &');
    expect(m.marks()).toEqual([]);
    m.run('sleep 10');
    expect(m.marks()).toEqual(['1 mark c', '2 mark a', '5 mark b']);
  });

  it('only the last item of a list is the job: sleep 1; echo a; sleep 1; echo b &', () => {
    const m = machine();
    const out = m.run('sleep 1; echo a; sleep 1; echo b &');
    expect(out).toBe(`a\n[1] ${pidOf(out)}\nb\n[1]+  Done                    echo b\n`);
    expect(m.elapsed()).toBe(2);
  });

  it('a job reading sysfs after 2 s sees the transition as it is then', () => {
    const m = machine({ selftest: true });
    m.run('insmod test_modules/test_klp_callbacks_busy.ko block_transition=Y');
    m.run('insmod test_modules/test_klp_callbacks_demo.ko');
    const t0 = m.k.now;
    const f = '/sys/kernel/livepatch/test_klp_callbacks_demo/transition';
    m.run(`(sleep 2; echo "mark read $(cat ${f})" > /dev/kmsg; sleep 5; echo "mark read $(cat ${f})" > /dev/kmsg) &`);
    m.run('sleep 3; echo N > /sys/module/test_klp_callbacks_busy/parameters/block_transition; sleep 6');
    const log = m.k.log.records.filter((r) => r.usec >= t0 && /^mark read|patching complete/.test(r.text)).map((r) => r.text);
    expect(log).toEqual(['mark read 1', "livepatch: 'test_klp_callbacks_demo': patching complete", 'mark read 0']);
  });

  it('its variables and directory are its own; $$ is still bash\'s', () => {
    const m = machine();
    const pwd = m.sh.cwd;
    const out = m.run('{ X=5; cd /tmp; sleep 1; echo "in $X $PWD $$"; } & echo "out $X $PWD"; wait');
    expect(out).toBe(`[1] ${pidOf(out)}\nout  ${pwd}\nin 5 /tmp ${m.k.loginShell.pid}\n`);
    expect(m.sh.cwd).toBe(pwd);
    expect(m.run('echo "[$X]"')).toBe('[]\n');
  });
});

describe('how a job ends', () => {
  it('Exit N: the status of its last command (bash 5.2)', () => {
    const m = machine();
    m.run('sleep 1 && false &');
    m.run('{ sleep 1; false; } &');
    m.run('{ sleep 1; ( exit 4 ); } &');
    expect(m.run('sleep 2')).toBe(
      '[1]   Exit 1                  sleep 1 && false\n[2]-  Exit 1                  { sleep 1; false; }\n[3]+  Exit 4                  { sleep 1; ( exit 4 ); }\n',
    );
  });

  it('exit in the job ends the job with its status; in a ( ) inside it, only the ( )', () => {
    const m = machine();
    const out = m.run('{ sleep 1; (exit 7); echo "after $?"; exit 3; echo never; } & wait %1; echo "w=$?"');
    expect(out).toBe(`[1] ${pidOf(out)}\nafter 7\n[1]+  Exit 3                  { sleep 1; ( exit 7 ); echo "after $?"; exit 3; echo never; }\nw=3\n`);
  });

  it('kill %1 mid-way: nothing more of it runs, its sleep goes too, Terminated', () => {
    const m = machine();
    const pid = pidOf(m.run('{ sleep 3; echo mark never > /dev/kmsg; } &'));
    const sleeper = m.k.tasks.find((t) => t.ppid === pid)!;
    expect(m.run('sleep 1; kill %1')).toBe('[1]+  Terminated              { sleep 3; echo mark never > /dev/kmsg; }\n');
    expect(m.k.taskByPid(pid)).toBeUndefined();
    expect(m.k.taskByPid(sleeper.pid)).toBeUndefined();
    expect(m.run('sleep 5')).toBe('');
    expect(m.marks()).toEqual([]);
    expect(m.run('jobs')).toBe('');
  });

  it('kill of its sleep alone: the subshell goes on, with the status 143', () => {
    const m = machine();
    const pid = pidOf(m.run('{ sleep 30; echo "after $?"; } &'));
    const sleeper = m.k.tasks.find((t) => t.ppid === pid)!;
    expect(m.run(`kill ${sleeper.pid}`)).toBe('after 143\n[1]+  Done                    { sleep 30; echo "after $?"; }\n');
    expect(m.elapsed()).toBe(0);
  });

  it('kill of its subshell alone: the job is Terminated, its sleep lives on to its end', () => {
    const m = machine();
    const pid = pidOf(m.run('{ sleep 2; echo mark never > /dev/kmsg; } &'));
    const sleeper = m.k.tasks.find((t) => t.ppid === pid)!;
    expect(m.run(`kill ${pid}`)).toBe('[1]+  Terminated              { sleep 2; echo mark never > /dev/kmsg; }\n');
    expect(m.k.taskByPid(sleeper.pid)).toBe(sleeper);
    m.run('sleep 2');
    expect(m.k.taskByPid(sleeper.pid)).toBeUndefined();
    expect(m.marks()).toEqual([]);
  });
});

describe('wait', () => {
  it('waits for the job, sleep after sleep, and reports it (bash 5.2)', () => {
    const m = machine();
    const out = m.run('{ sleep 1; echo w; sleep 2; } & wait %1; echo "w=$?"');
    expect(out).toBe(`[1] ${pidOf(out)}\nw\n[1]+  Done                    { sleep 1; echo w; sleep 2; }\nw=0\n`);
    expect(m.elapsed()).toBe(3);
  });

  it.each([
    ['wait with no job named waits for them all, and returns 0', 'wait', ['{ sleep 1; exit 3; } &', 'sleep 2 && sleep 2 &'], 'w=0\n', 4],
    ['wait -n returns when the first job ends, with its status', 'wait -n', ['{ sleep 1; sleep 1; exit 5; } &', '{ sleep 10; } &'], 'w=5\n', 2],
  ])('%s', (_name, wait, jobs, shown, seconds) => {
    const m = machine();
    for (const job of jobs) m.run(job);
    expect(m.run(`${wait}; echo "w=$?"`)).toBe(shown);
    expect(m.elapsed()).toBe(seconds);
  });

  it('a job killed before wait gives 143 (bash 5.2)', () => {
    const m = machine();
    const out = m.run('{ sleep 2; echo k; } & sleep 1; kill %1; wait %1; echo "w=$?"');
    expect(out).toBe(`[1] ${pidOf(out)}\n[1]+  Terminated              { sleep 2; echo k; }\nw=143\n`);
  });

  it('a job\'s own wait has no jobs to wait for', () => {
    const m = machine();
    m.run('sleep 100 &');
    const out = m.run('{ sleep 1; wait %1; echo "w=$?"; wait; echo "w=$?"; } & sleep 2');
    expect(out).toBe(`[2] ${pidOf(out, 2)}\nbash: wait: %1: no such job\nw=127\nw=0\n[2]+  Done                    { sleep 1; wait %1; echo "w=$?"; wait; echo "w=$?"; }\n`);
  });
});

describe('jobs', () => {
  it('lists jobs of groups and subshells as bash 5.2 prints them', () => {
    const m = machine();
    for (const line of ['{ { sleep 1; }; echo n; } &', '(sleep 1) &', '(sleep 1; (echo inner; sleep 1)) &', '{ sleep 1 &&   echo   "a  b" ; } &']) m.run(line);
    // the pid in five columns: `[1]-   116 Running` (bash 5.2)
    expect(m.run('jobs -l').replace(/^(\[\d\].) {1,4}\d{1,5} /gm, '$1 PID ')).toBe(
      [
        '[1]  PID Running                 { { sleep 1; }; echo n; } &',
        '[2]  PID Running                 ( sleep 1 ) &',
        '[3]- PID Running                 ( sleep 1; ( echo inner; sleep 1 ) ) &',
        '[4]+ PID Running                 { sleep 1 && echo "a  b"; } &',
        '',
      ].join('\n'),
    );
  });

  it('prints a group in a pipeline, with redirections, and a & inside, as bash 5.2 does', () => {
    const text = (line: string) => jobText(parse(line).items[0]!);
    expect(text('{ sleep 1; echo q; } | cat &')).toBe('{ sleep 1; echo q; } | cat');
    expect(text('{ X=1 sleep 1; echo $X; } >>/tmp/g 2>&1 &')).toBe('{ X=1 sleep 1; echo $X; } >> /tmp/g 2>&1');
    expect(text('{ sleep 1 & echo m; } &')).toBe('{ sleep 1 & echo m; }');
    expect(text('( sleep 1 | cat ; echo p ) &')).toBe('( sleep 1 | cat; echo p )');
  });
});

describe('where a sleep cannot pause the job, it runs at once as before', () => {
  it('a sleep in a pipeline: the job runs to its end before the prompt, and the shell says why', () => {
    const m = machine();
    const out = m.run('{ sleep 5; echo q; } | cat &');
    expect(out).toBe(
      `[1] ${pidOf(out)}\nq\nklp: a sleep of this job sits in a pipeline, where the simulation cannot pause a background job; the job ran to its end at once, its 5 s before the prompt.\n[1]+  Done                    { sleep 5; echo q; } | cat\n`,
    );
    expect(m.elapsed()).toBe(5);
  });

  it('in a $(...), a group with redirections, a & inside the job: each named', () => {
    const m = machine();
    expect(m.run('sleep 1 && echo $(sleep 1) &')).toContain('klp: a sleep of this job sits in a $(...), where');
    expect(m.run('{ sleep 1; echo x; } > /tmp/f &')).toContain('sits in a group with redirections, where');
    expect(m.run('cat /tmp/f')).toBe('x\n');
    expect(m.run('{ sleep 1 & echo m; } &')).toContain('sits in a command started with & inside the job, where');
  });
});

describe('what runs at once', () => {
  it('sleep 0 pauses nothing: the job ends before the prompt, as a lone sleep 0 & does', () => {
    const m = machine();
    const out = m.run('sleep 0 && echo x &');
    expect(out).toBe(`[1] ${pidOf(out)}\nx\n[1]+  Done                    sleep 0 && echo x\n`);
    expect(m.run('sleep 0 &')).toMatch(/^\[1\] \d+\n\[1\]\+  Done                    sleep 0\n$/);
  });

  it('& inside ( … ) starts no job of bash\'s: it runs there and then, and the shell says it made the line wait', () => {
    const m = machine();
    expect(m.run('( sleep 2 & echo a )')).toBe("klp: `sleep 2 &' inside a subshell ran to its end at once here, its 2 s before the prompt.\na\n");
    expect(m.run('jobs')).toBe('');
    expect(m.elapsed()).toBe(2);
  });
});

describe('bounds', () => {
  it('background jobs do not count against the line\'s day', () => {
    const m = machine();
    expect(m.run(`${'{ sleep 1d; echo late; } & '.repeat(3)}echo $?`)).toMatch(/^\[1\] \d+\n\[2\] \d+\n\[3\] \d+\n0\n$/);
    expect(m.elapsed()).toBe(0);
    expect(m.run('sleep 1d')).toBe('late\nlate\nlate\n[1]   Done                    { sleep 1d; echo late; }\n[2]-  Done                    { sleep 1d; echo late; }\n[3]+  Done                    { sleep 1d; echo late; }\n');
    expect(m.elapsed()).toBe(SLEEP_MAX);
  });

  it('the work budget holds for the commands a job runs when its sleep ends', () => {
    const m = machine({ config: { extraTasks: 2000 } });
    m.run('{ sleep 1; ps -e > /dev/null; } &');
    m.k.workLimit = m.k.work + 1000;
    expect(() => m.run('sleep 2')).toThrow(WorkLimitExceeded);
  });
});
