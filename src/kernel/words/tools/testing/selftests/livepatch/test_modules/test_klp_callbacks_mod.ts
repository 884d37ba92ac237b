import { testModuleSource } from './test_module';

export const TEST_KLP_CALLBACKS_MOD = testModuleSource('test_klp_callbacks_mod.c', (p) => ({
  init: p.pr_info('test_klp_callbacks_mod_init', '%s\n', '__func__'),
  exit: p.pr_info('test_klp_callbacks_mod_exit', '%s\n', '__func__'),
}));
