/** Pointers print as PTR<n>: ptr_id() numbers them in order of first appearance, so the output is the same every run. */
import { testModuleSource } from './test_module';

const ALLOC = 'klp_%s(obj=PTR%d, id=0x%lx, size=%zx, gfp_flags=%pGg), ctor=PTR%d, ctor_data=PTR%d = PTR%d\n';

export const TEST_KLP_SHADOW_VARS = testModuleSource('test_klp_shadow_vars.c', (p) => ({
  get: p.pr_info('shadow_get', 'klp_%s(obj=PTR%d, id=0x%lx) = PTR%d\n', '__func__', 'obj', 'id', 'sv'),
  alloc: p.pr_info('shadow_alloc', ALLOC, '__func__', 'obj', 'id', 'size', 'gfp_flags', 'ctor', 'ctor_data', 'sv'),
  getOrAlloc: p.pr_info('shadow_get_or_alloc', ALLOC, '__func__', 'obj', 'id', 'size', 'gfp_flags', 'ctor', 'ctor_data', 'sv'),
  free: p.pr_info('shadow_free', 'klp_%s(obj=PTR%d, id=0x%lx, dtor=PTR%d)\n', '__func__', 'obj', 'id', 'dtor'),
  freeAll: p.pr_info('shadow_free_all', 'klp_%s(id=0x%lx, dtor=PTR%d)\n', '__func__', 'id', 'dtor'),
  ctor: p.pr_info('shadow_ctor', '%s: PTR%d -> PTR%d\n', '__func__', 'sv', 'var'),
  dtor: p.pr_info('shadow_dtor', '%s(obj=PTR%d, shadow_data=PTR%d)\n', '__func__', 'obj', 'sv'),
  expected: p.pr_info('test_klp_shadow_vars_init', '  got expected PTR%d -> PTR%d result\n', 'sv', 'var'),
  expectedNull: p.pr_info('test_klp_shadow_vars_init', '  got expected NULL result\n'),
}));
