/**
 * kmod's insmod, rmmod, modprobe, lsmod and modinfo, with their messages.
 */
import { fcall, fentry } from '../../world/fgraph';
import type { Command } from '../types';
import { modStrError, strError } from '../../world/errno';
import { lookup, moduleFiles } from '../../fs/vfs';
import { normalizePath } from '../../fs/node';
import { findModuleByName } from '../../catalog';
import { load_module, delete_module, O_NONBLOCK, O_TRUNC } from '../../module/loader';
import { moduleRefcnt, moduleState } from '../../module/types';
import type { CommandContext } from '../types';
import type { Kernel } from '../../kernel';
import type { ModuleSpec } from '../../catalog/types';
import { VMLINUX } from '../../world/code';


/**
 * kmod_new(): every kmod tool starts by reading /proc/cmdline, for module
 * options given on the kernel command line (kmod_config_parse_kcmdline()).
 * So with cmdline_proc_show patched, lsmod, insmod, rmmod, modprobe and
 * modinfo each call the patched function, which is how a bare `lsmod`
 * Oopses after `rmmod -f` freed test_klp_livepatch (Debian's 6.1: Comm:
 * lsmod, RIP klp_ftrace_handler, under cmdline_proc_show and seq_read_iter).
 */
function kmodNew(ctx: CommandContext): void {
  ctx.k.callFunction(ctx.task, { obj: VMLINUX, fn: 'cmdline_proc_show' }, 'seq_read_iter');
}

/** The finit_module() system call kmod makes with the file and its parameters. */
function finit_module(k: Kernel, spec: ModuleSpec, params: string[]): number {
  using _ = fentry(k, 'finit_module');
  return load_module(k, spec, params.join(' '));
}

export const insmod: Command = (ctx, args) => {
  const [path, ...params] = args;
  if (!path) {
    ctx.err('insmod: ERROR: missing filename.\n');
    return 1;
  }
  kmodNew(ctx);
  const abs = normalizePath(path, ctx.shell.cwd);
  const name = moduleFiles(ctx.k).get(abs);
  const spec = name ? findModuleByName(name, ctx.k.profile) : undefined;
  if (!spec) {
    const node = lookup(ctx.k, path, ctx.shell.cwd);
    ctx.err(`insmod: ERROR: could not load module ${path}: ${node ? 'Invalid module format' : 'No such file or directory'}\n`);
    return 1;
  }
  const ret = finit_module(ctx.k, spec, params);
  if (ret) {
    ctx.err(`insmod: ERROR: could not insert module ${path}: ${modStrError(ret)}\n`);
    return 1;
  }
  return 0;
};

/**
 * How libkmod reports a failed delete_module(): its ERR() names the source
 * line and function, then rmmod says it again in its own words. Debian 12's
 * kmod 30 printed exactly this; newer kmod prints the same two lines (only
 * the line number moves).
 */
const LIBKMOD_REMOVE = '../libkmod/libkmod-module.c:856 kmod_module_remove_module()';

/**
 * kmod's rmmod: check_module_inuse() (skipped with -f), then
 * kmod_module_remove_module(), which calls delete_module() with O_NONBLOCK
 * (and O_TRUNC for -f).
 */
function removeModule(ctx: CommandContext, arg: string, err: (msg: string) => void, tool: 'rmmod' | 'modprobe', force = false): number {
  const name = arg.replace(/^.*\//, '').replace(/\.ko$/, '').replace(/-/g, '_');
  const mod = ctx.k.modules.get(name);
  if (!force) {
    fcall(ctx.k, 'check_module_inuse', true);
    if (!mod || moduleState(mod) === 'gone' || moduleState(mod) === 'unformed') {
      err(`Module ${name} is not currently loaded`);
      return 1;
    }
    if (moduleRefcnt(mod) > 0) {
      err(`Module ${name} is in use`);
      return 1;
    }
  }
  const ret = delete_module(ctx.k, name, O_NONBLOCK | (force ? O_TRUNC : 0));
  if (ret) {
    ctx.err(`${tool}: ERROR: ${LIBKMOD_REMOVE} could not remove '${name}': ${strError(ret)}\n`);
    if (tool === 'rmmod') err(`could not remove module ${arg}: ${strError(ret)}`);
    return 1;
  }
  return 0;
}

export const rmmod: Command = (ctx, args) => {
  const force = args.some((a) => a === '-f' || a === '--force' || /^-[a-z]*f/.test(a));
  const names = args.filter((a) => !a.startsWith('-'));
  if (names.length === 0) {
    ctx.err('rmmod: ERROR: missing module name.\n');
    return 1;
  }
  kmodNew(ctx);
  let status = 0;
  for (const n of names) status |= removeModule(ctx, n, (m) => ctx.err(`rmmod: ERROR: ${m}\n`), 'rmmod', force);
  return status;
};

export const modprobe: Command = (ctx, args) => {
  const remove = args.includes('-r') || args.includes('--remove');
  const firstTime = args.includes('--first-time');
  const [name, ...params] = args.filter((a) => !['-r', '--remove', '-v', '--verbose', '--first-time'].includes(a));
  if (!name) {
    ctx.err('modprobe: ERROR: missing parameters. See -h.\n');
    return 1;
  }
  kmodNew(ctx);
  const spec = findModuleByName(name, ctx.k.profile);
  if (!spec) {
    // kmod's modprobe: the lookup found no module of that name (insmod() and rmmod() word it differently)
    ctx.err(remove ? `modprobe: FATAL: Module ${name} not found.\n` : `modprobe: FATAL: Module ${name} not found in directory /lib/modules/${ctx.k.uts}\n`);
    return 1;
  }
  if (remove) {
    // rmmod_do_module(): a module that is not loaded is nothing to do, unless --first-time asks for it
    const mod = ctx.k.modules.get(spec.name);
    if (!mod || moduleState(mod) === 'gone' || moduleState(mod) === 'unformed') {
      if (!firstTime) return 0;
      ctx.err(`modprobe: FATAL: Module ${spec.name} is not in kernel.\n`);
      return 1;
    }
    return removeModule(ctx, spec.name, (m) => ctx.err(`modprobe: FATAL: ${m}.\n`), 'modprobe');
  }
  if (ctx.k.modules.has(spec.name)) return 0;
  const ret = finit_module(ctx.k, spec, params);
  if (ret) {
    ctx.err(`modprobe: ERROR: could not insert '${spec.name}': ${strError(ret)}\n`);
    return 1;
  }
  return 0;
};

export const lsmod: Command = (ctx) => {
  kmodNew(ctx);
  ctx.out('Module                  Size  Used by\n');
  const mods = [...ctx.k.modules.values()].sort((a, b) => b.loadSeq - a.loadSeq);
  for (const m of mods) ctx.out(`${m.name.padEnd(19)} ${String(m.spec.size).padStart(8)}  ${moduleRefcnt(m)}\n`);
  return 0;
};

export const modinfo: Command = (ctx, args) => {
  const arg = args.find((a) => !a.startsWith('-'));
  if (!arg) {
    ctx.err('modinfo: ERROR: missing module or filename.\n');
    return 1;
  }
  kmodNew(ctx);
  const byPath = moduleFiles(ctx.k).get(normalizePath(arg, ctx.shell.cwd));
  const spec = findModuleByName(byPath ?? arg.replace(/\.ko$/, ''), ctx.k.profile);
  if (!spec) {
    ctx.err(`modinfo: ERROR: Module ${arg} not found.\n`);
    return 1;
  }
  const file = [...moduleFiles(ctx.k)].find(([, n]) => n === spec.name)![0];
  const line = (k: string, v: string) => ctx.out(`${`${k}:`.padEnd(16)}${v}\n`);
  line('filename', file);
  if (spec.livepatch) line('livepatch', 'Y');
  line('license', 'GPL');
  line('description', spec.description);
  line('depends', '');
  line('retpoline', 'Y');
  line('name', spec.name);
  line('vermagic', `${ctx.k.uts} SMP preempt mod_unload modversions`);
  for (const p of spec.params ?? []) line('parm', `${p.name}:${p.description} (${p.type === 'intarray' ? 'array of int' : p.type})`);
  return 0;
};
