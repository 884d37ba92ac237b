/** kernel/params.c (mainline): no pr_fmt. */
import { source } from '../word';

export const PARAMS = source('kernel/params.c', { pr_fmt: '' }, (p) => ({
  invalid: p.pr_err('parse_args', "%s: `%s' invalid for parameter `%s'\n", 'doing', 'val', 'param'),
}));
