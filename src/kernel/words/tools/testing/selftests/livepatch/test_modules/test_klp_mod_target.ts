import { testModuleSource } from './test_module';

export const TEST_KLP_MOD_TARGET = testModuleSource('test_klp_mod_target.c', (p) => ({
  init: p.pr_info('test_klp_mod_target_init', '%s\n', '__func__'),
  exit: p.pr_info('test_klp_mod_target_exit', '%s\n', '__func__'),
}));
