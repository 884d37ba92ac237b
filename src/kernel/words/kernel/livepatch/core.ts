/** kernel/livepatch/core.c (mainline, and what older releases print differently): pr_fmt is KBUILD_MODNAME ": ", and KBUILD_MODNAME is livepatch. */
import { source } from '../../word';

export const LIVEPATCH_CORE = source('kernel/livepatch/core.c', { pr_fmt: 'livepatch: ', module: 'livepatch' }, (p) => ({
  symbolNotFound: p.pr_err('klp_find_object_symbol', "symbol '%s' not found in symbol table\n", 'symbol'),
  symbolAmbiguous: p.pr_err('klp_find_object_symbol', "unresolvable ambiguity for symbol '%s' in object '%s'\n", 'symbol', 'object'),
  symbolPositionNotFound: p.pr_err(
    'klp_find_object_symbol',
    "symbol position %lu for symbol '%s' in object '%s' not found\n",
    'sympos',
    'symbol',
    'object',
  ),
  sizeLookupFailed: p.pr_err('klp_init_object_loaded', "kallsyms size lookup failed for '%s' replacement\n", 'symbol'),
  enablingPatch: p.pr_notice('__klp_enable_patch', "enabling patch '%s'\n", 'patch'),
  prePatchFailed: p.pr_warn('__klp_enable_patch', "pre-patch callback failed for object '%s'\n", 'object'),
  patchObjectFailed: p.pr_warn('__klp_enable_patch', "failed to patch object '%s'\n", 'object'),
  enableFailed: p.pr_warn('__klp_enable_patch', "failed to enable patch '%s'\n", 'patch'),
  notLivepatchModule: p.pr_err('klp_enable_patch', 'module %s is not marked as a livepatch module\n', 'patch'),
  noConsistencyModel: p.pr_warn('klp_enable_patch', "This architecture doesn't have support for the livepatch consistency model.\n"),
  // 4.12–5.0 (4.19's klp_register_patch()): an error that refuses the patch, -ENOSYS
  noConsistencyModelRefused: p.pr_err('klp_register_patch', "This architecture doesn't have support for the livepatch consistency model.\n"),
  mayNeverComplete: p.pr_warn('klp_enable_patch', 'The livepatch transition may never complete.\n'),
  incompatible: p.pr_err('klp_enable_patch', 'Livepatch patch (%s) is not compatible with the already installed livepatches.\n', 'patch'),
  revertingOnUnload: p.pr_notice('klp_cleanup_module_patches_limited', "reverting patch '%s' on unloading module '%s'\n", 'patch', 'module'),
  vmlinuxInvalid: p.pr_err('klp_module_coming', 'vmlinux.ko: invalid module name\n'),
  comingInitFailed: p.pr_warn('klp_module_coming', "failed to initialize patch '%s' for module '%s' (%d)\n", 'patch', 'module', 'ret'),
  applyingToLoading: p.pr_notice('klp_module_coming', "applying patch '%s' to loading module '%s'\n", 'patch', 'module'),
  comingPrePatchFailed: p.pr_warn('klp_module_coming', "pre-patch callback failed for object '%s'\n", 'object'),
  comingApplyFailed: p.pr_warn('klp_module_coming', "failed to apply patch '%s' to module '%s' (%d)\n", 'patch', 'module', 'ret'),
  refusingModule: p.pr_warn(
    'klp_module_coming',
    "patch '%s' failed for module '%s', refusing to load module '%s'\n",
    'patch',
    'module',
    'module',
  ),
}));
