/**
 * The debugfs and tracefs files the selftests use: the dynamic debug
 * control file, the function tracer, and the kprobes switch.
 */
import type { Kernel } from '../kernel';
import { EINVAL } from '../world/errno';
import { kstrtobool } from '../world/kstrtox';
import { dir, roFile, rwFile, type FsNode } from './node';

export function tracingNode(k: Kernel, parts: string[]): FsNode | null {
  const f = k.ftrace;
  if (parts.length === 0)
    return dir(() => ['available_filter_functions', 'available_tracers', 'current_tracer', 'set_ftrace_filter', 'trace', 'tracing_on'], 0o700);
  if (parts.length > 1) return null;
  switch (parts[0]) {
    case 'tracing_on':
      return rwFile(
        () => `${f.tracingOn ? 1 : 0}\n`,
        (d) => {
          const v = kstrtobool(d.trim() || 'x');
          if (v === null) return -EINVAL;
          f.tracingOn = v;
          return 0;
        },
      );
    case 'current_tracer':
      return rwFile(() => `${f.tracer}\n`, (d) => f.setTracer(d.trim()));
    case 'available_tracers':
      return roFile(() => 'function nop\n');
    case 'set_ftrace_filter':
      return rwFile(
        () => (f.filter.length ? f.filter.map((n) => `${n}\n`).join('') : '#### all functions enabled ####\n'),
        (d, append) => f.setFilter(d, append),
      );
    case 'available_filter_functions':
      return roFile(() => [...k.vmlinuxSymbols].sort().map((s) => `${s}\n`).join(''));
    case 'trace':
      return rwFile(() => f.traceText(), (_d, append) => {
        if (!append) f.clearBuffer();
        return 0;
      });
  }
  return null;
}

export function debugNode(k: Kernel, parts: string[]): FsNode | null {
  if (parts.length === 0) return dir(() => ['dynamic_debug', 'kprobes', 'tracing'], 0o700);
  const [first, ...rest] = parts as [string, ...string[]];
  if (first === 'tracing') return tracingNode(k, rest);
  if (first === 'dynamic_debug') {
    if (rest.length === 0) return dir(() => ['control']);
    if (rest.length === 1 && rest[0] === 'control')
      return rwFile(() => k.dyndbg.control(), (d) => k.dyndbg.exec(d));
    return null;
  }
  if (first === 'kprobes') {
    if (rest.length === 0) return dir(() => ['blacklist', 'enabled', 'list']);
    if (rest.length !== 1) return null;
    if (rest[0] === 'enabled')
      return rwFile(
        () => `${k.ftrace.kprobesEnabled ? 1 : 0}\n`,
        (d) => {
          const v = kstrtobool(d.trim() || 'x');
          if (v === null) return -EINVAL;
          k.ftrace.setKprobesEnabled(v);
          return 0;
        },
        0o600,
      );
    if (rest[0] === 'list')
      return roFile(
        () => k.ftrace.kprobes.map((p) => `ffffffff81000000  k  ${p.symbol}+0x0    [FTRACE]${p.ops ? '' : ' [DISABLED]'}\n`).join(''),
        0o400,
      );
    if (rest[0] === 'blacklist') return roFile(() => '', 0o400);
  }
  return null;
}
