/** Version 1 of the console_loglevel state: it cannot take the change over from another patch. */
import { testModuleSource } from './test_module';
import { callbackInfo } from './callback_info';
import { consoleLoglevel } from './console_loglevel';

export const TEST_KLP_STATE = testModuleSource('test_klp_state.c', (p) => ({ ...callbackInfo(p), ...consoleLoglevel(p) }));
