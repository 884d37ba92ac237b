/** A test module's source file: its pr_fmt is KBUILD_MODNAME ": ", the name of the module built from it. */
import { MODNAME_PREFIX, source, type Printers, type Word } from '../../../../../word';

export const testModuleSource = <T extends Record<string, Word>>(file: string, build: (p: Printers) => T): T =>
  source(`tools/testing/selftests/livepatch/test_modules/${file}`, { pr_fmt: MODNAME_PREFIX }, build);
