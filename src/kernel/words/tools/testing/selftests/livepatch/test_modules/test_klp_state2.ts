/**
 * Version 2 of the console_loglevel state, which takes the change over from
 * the patch it replaces and hands it back (test_klp_state3 is built from
 * this file too).
 */
import { testModuleSource } from './test_module';
import { callbackInfo } from './callback_info';
import { consoleLoglevel } from './console_loglevel';

export const TEST_KLP_STATE2 = testModuleSource('test_klp_state2.c', (p) => ({
  ...callbackInfo(p),
  ...consoleLoglevel(p),
  alreadyAllocated: p.pr_info('allocate_loglevel_state', '%s: space to store console_loglevel already allocated\n', '__func__'),
  takingOver: p.pr_info('fix_console_loglevel', '%s: taking over the console_loglevel change\n', '__func__'),
  passingBack: p.pr_info('restore_console_loglevel', '%s: passing the console_loglevel change back to the old livepatch\n', '__func__'),
  keeping: p.pr_info('free_loglevel_state', '%s: keeping space to store console_loglevel\n', '__func__'),
}));
