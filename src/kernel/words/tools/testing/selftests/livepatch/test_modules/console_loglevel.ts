/** The console_loglevel state's own messages, the same in test_klp_state.c and test_klp_state2.c. */
import type { Printers } from '../../../../../word';

export const consoleLoglevel = (p: Printers) => ({
  allocating: p.pr_info('allocate_loglevel_state', '%s: allocating space to store console_loglevel\n', '__func__'),
  fixing: p.pr_info('fix_console_loglevel', '%s: fixing console_loglevel\n', '__func__'),
  restoring: p.pr_info('restore_console_loglevel', '%s: restoring console_loglevel\n', '__func__'),
  freeing: p.pr_info('free_loglevel_state', '%s: freeing space for the stored console_loglevel\n', '__func__'),
});
