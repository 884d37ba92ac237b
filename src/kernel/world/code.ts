/**
 * Code identity. A function is named by the object that holds its code
 * ("vmlinux" or a module name) and its symbol: the stack check compares
 * addresses, and two modules may both define livepatch_cmdline_proc_show.
 */
export interface CodeRef {
  obj: string;
  fn: string;
}

export const VMLINUX = 'vmlinux';

export function codeKey(c: CodeRef): string {
  return `${c.obj}:${c.fn}`;
}

export function sameCode(a: CodeRef | null | undefined, b: CodeRef | null | undefined): boolean {
  return !!a && !!b && a.obj === b.obj && a.fn === b.fn;
}

/** How /proc/<pid>/stack and stack dumps name a frame. */
export function formatFrame(c: CodeRef): string {
  return c.obj === VMLINUX ? c.fn : `${c.fn} [${c.obj}]`;
}
