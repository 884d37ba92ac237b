/**
 * tools/testing/selftests/livepatch/functions.sh: not the kernel, but its
 * log() writes lines into the kernel log (echo "$msg" > /dev/kmsg), and the
 * transcripts expect them there. Written as printf formats too ("%%" is a
 * percent sign).
 */
import { source } from '../../../../word';

export const FUNCTIONS_SH = source('tools/testing/selftests/livepatch/functions.sh', { pr_fmt: '' }, (p) => ({
  /** every helper logs the command it runs (load_mod, unload_mod, disable_lp …) */
  command: p.log('log', '%% %s\n', 'cmd'),
  /** load_failing_mod logs insmod's error text */
  failedLoad: p.log('load_failing_mod', '%s\n', 'ret'),
  /** set_ftrace_enabled logs what sysctl said: the value read back, or its error */
  ftraceEnabled: p.log('set_ftrace_enabled', 'livepatch: %s\n', 'result'),
  skip: p.log('skip', 'SKIP: %s\n', 'msg'),
}));
