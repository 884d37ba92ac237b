import { testModuleSource } from './test_module';
import { callbackInfo } from './callback_info';

export const TEST_KLP_CALLBACKS_DEMO = testModuleSource('test_klp_callbacks_demo.c', (p) => ({
  ...callbackInfo(p),
  patchedWorkFunc: p.pr_info('patched_work_func', '%s\n', '__func__'),
}));
