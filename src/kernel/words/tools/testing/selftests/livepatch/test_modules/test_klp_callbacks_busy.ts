import { testModuleSource } from './test_module';

export const TEST_KLP_CALLBACKS_BUSY = testModuleSource('test_klp_callbacks_busy.c', (p) => ({
  workEnter: p.pr_info('busymod_work_func', '%s enter\n', '__func__'),
  workExit: p.pr_info('busymod_work_func', '%s exit\n', '__func__'),
  init: p.pr_info('test_klp_callbacks_busy_init', '%s\n', '__func__'),
  exit: p.pr_info('test_klp_callbacks_busy_exit', '%s\n', '__func__'),
}));
