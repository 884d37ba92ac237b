/**
 * What a freshly booted machine runs: per-CPU idle tasks and kernel threads,
 * the usual daemons, a login shell, and (for large set-ups) many more user
 * processes sleeping in ordinary system calls.
 */
import type { Kernel } from '../kernel';
import { KTHREAD_SITES, SLEEP_SITES, IDLE_RUNNING_CHAIN, vmlinuxFunctionsInChains, type Task } from './tasks';
import { VMLINUX_FUNCTIONS } from './vmlinux';

type KthreadSite = keyof typeof KTHREAD_SITES;
type SleepSite = keyof typeof SLEEP_SITES;

export function bootTasks(k: Kernel): void {
  for (const fn of [...VMLINUX_FUNCTIONS, ...vmlinuxFunctionsInChains()]) k.vmlinuxSymbols.add(fn);
  const n = k.config.cpus;
  for (let cpu = 0; cpu < n; cpu++) {
    const idle = k.spawn({
      comm: `swapper/${cpu}`,
      kind: 'idle',
      cpu,
      chain: IDLE_RUNNING_CHAIN,
      behavior: { type: 'idle' },
      state: 'R',
      pid: 0,
    });
    k.cpus.push({ id: cpu, online: true, idle });
  }
  const user = (comm: string, site: SleepSite, cpu = k.rng.int(n), parent?: Task): Task =>
    k.spawn({ comm, kind: 'user', cpu, chain: [...SLEEP_SITES[site]], behavior: { type: 'sleeper' }, parent });
  const kthread = (comm: string, site: KthreadSite, cpu = k.rng.int(n)): Task => {
    const s = KTHREAD_SITES[site];
    const type = site === 'worker' ? 'worker' : 'kthread';
    return k.spawn({ comm, kind: 'kthread', cpu, chain: [...s.chain], behavior: { type, loopAt: s.loopAt } });
  };

  const systemd = user('systemd', 'epoll', 0);
  k.kthreadd = kthread('kthreadd', 'kthreadd', 0);
  kthread('rcu_preempt', 'rcu', 0);
  for (let cpu = 0; cpu < n; cpu++) {
    kthread(`cpuhp/${cpu}`, 'smpboot', cpu);
    kthread(`migration/${cpu}`, 'smpboot', cpu);
    kthread(`ksoftirqd/${cpu}`, 'smpboot', cpu);
    kthread(`kworker/${cpu}:0H`, 'worker', cpu);
    kthread(`kworker/${cpu}:1`, 'worker', cpu);
  }
  kthread(`kworker/u${2 * n}:0`, 'worker');
  kthread(`kworker/u${2 * n}:1`, 'worker');
  kthread('khungtaskd', 'hungtask');
  kthread('oom_reaper', 'oom');
  kthread('kswapd0', 'kswapd');
  kthread('kcompactd0', 'kcompactd');
  kthread('khugepaged', 'khugepaged');
  kthread('jbd2/vda1-8', 'jbd2');
  for (let cpu = 0; cpu < n; cpu++) kthread(`kworker/${cpu}:2`, 'worker', cpu);

  user('systemd-journal', 'epoll', undefined, systemd);
  user('systemd-udevd', 'epoll', undefined, systemd);
  user('systemd-logind', 'epoll', undefined, systemd);
  user('dbus-daemon', 'epoll', undefined, systemd);
  user('rsyslogd', 'select', undefined, systemd);
  user('cron', 'nanosleep', undefined, systemd);
  user('agetty', 'ttyRead', undefined, systemd);
  const sshd = user('sshd', 'poll', undefined, systemd);
  const session = user('sshd', 'poll', undefined, sshd);
  const extras: [string, SleepSite][] = [
    ['postgres', 'epoll'],
    ['nginx', 'epoll'],
    ['java', 'futex'],
    ['python3', 'select'],
    ['node', 'epoll'],
    ['redis-server', 'epoll'],
    ['php-fpm', 'accept'],
    ['sleep', 'nanosleep'],
  ];
  for (let i = 0; i < k.config.extraTasks; i++) {
    const [comm, site] = k.rng.pick(extras);
    user(comm, site, undefined, systemd);
  }
  // The login shell the commands run from, last so its pid reads like one.
  const bash = user('bash', 'wait4', 0, session);
  k.loginShell = bash;
}
