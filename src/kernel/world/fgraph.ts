/**
 * The function graph tracer, as ftrace's `function_graph` would show a step:
 * which kernel functions ran, each indented under its caller. The kernel's
 * functions that matter to a reader (a system call, klp_enable_patch(),
 * enabled_store(), a work function …) announce themselves with
 * `using _ = fentry(k, 'name')`; nothing else is recorded. With no recorder
 * attached (the app's workbench, the CLI, every test but the ones that ask),
 * an entry costs one null check. The simulation never reads the graph.
 */

export interface GraphCall {
  /** e.g. `klp_enable_patch()` */
  fn: string;
  /** below the first function of the step (0) */
  depth: number;
  /** a user-space function (kmod's), not the kernel's */
  user?: true;
}

export class FunctionGraph {
  readonly calls: GraphCall[] = [];
  depth = 0;
}

/** Symbol.dispose where the runtime has it; esbuild's lowering of `using` falls back to the same key. */
const DISPOSE: typeof Symbol.dispose = Symbol.dispose ?? (Symbol.for('Symbol.dispose') as typeof Symbol.dispose);

const NOTHING: Disposable = { [DISPOSE]() {} };

/** Records `fn` as called (at the current depth) until the returned value is disposed. */
export function fentry(k: { fgraph: FunctionGraph | null }, fn: string, user?: true): Disposable {
  const g = k.fgraph;
  if (!g) return NOTHING;
  g.calls.push(user ? { fn: `${fn}()`, depth: g.depth, user } : { fn: `${fn}()`, depth: g.depth });
  g.depth++;
  return {
    [DISPOSE]() {
      g.depth--;
    },
  };
}

/** A call that returns at once, recorded as a leaf (a helper the engine does not model as a function of its own). */
export function fcall(k: { fgraph: FunctionGraph | null }, fn: string, user?: true): void {
  using _ = fentry(k, fn, user);
}

/** A call the function tracer saw: `fn`, and, when klp_ftrace_handler() sent it elsewhere, the function that ran instead. */
export function graphCall(k: { fgraph: FunctionGraph | null }, fn: string, ran: string | null): void {
  using _ = fentry(k, fn);
  if (ran === null) return;
  fcall(k, 'klp_ftrace_handler');
  fcall(k, ran);
}
