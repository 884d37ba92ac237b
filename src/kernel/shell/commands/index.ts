/**
 * Command tables: builtins run in the shell process itself; the others are
 * programs the shell forks.
 */
import type { Command } from '../types';
import { insmod, lsmod, modinfo, modprobe, rmmod } from './kmod';
import { cat, cd, echo, grep, head, ls, pwd, stat, tail } from './text';
import { wc } from './wc';
import { dmesg, exitCmd, exportCmd, falseCmd, help, history, jobs, kill, ps, sysctl, trueCmd, uname, wait } from './system';
import { sleep } from './sleep';
import {
  callGetpid,
  cleanup_tracing,
  kill_getpid_helpers,
  set_ftrace_enabled,
  start_getpid_helpers,
  trace_function,
} from './selftest';

export const BUILTINS: Record<string, Command> = {
  echo,
  cd,
  pwd,
  kill,
  jobs,
  wait,
  true: trueCmd,
  false: falseCmd,
  export: exportCmd,
  exit: exitCmd,
  history,
  help,
  set_ftrace_enabled,
  trace_function,
  cleanup_tracing,
  start_getpid_helpers,
  kill_getpid_helpers,
};

export const COMMANDS: Record<string, Command> = {
  cat,
  grep,
  head,
  tail,
  wc,
  ls,
  stat,
  insmod,
  rmmod,
  modprobe,
  lsmod,
  modinfo,
  dmesg,
  sleep,
  sysctl,
  uname,
  ps,
  'test_klp-call_getpid': callGetpid,
};
