import { testModuleSource } from './test_module';
import { callbackInfo } from './callback_info';

export const TEST_KLP_CALLBACKS_DEMO2 = testModuleSource('test_klp_callbacks_demo2.c', (p) => ({ ...callbackInfo(p) }));
