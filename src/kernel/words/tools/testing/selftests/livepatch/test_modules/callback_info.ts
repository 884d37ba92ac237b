/**
 * callback_info(), which test_klp_callbacks_demo.c, test_klp_callbacks_demo2.c,
 * test_klp_state.c and test_klp_state2.c each define the same way: the
 * callback's name (its __func__), then the object's module and its state.
 */
import type { Printers } from '../../../../../word';

export const callbackInfo = (p: Printers) => ({
  callbackModule: p.pr_info('callback_info', '%s: %s -> %s\n', 'callback', 'module', 'state'),
  callbackVmlinux: p.pr_info('callback_info', '%s: vmlinux\n', 'callback'),
});
