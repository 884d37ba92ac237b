/**
 * The engine's import graph (src/kernel, tests left out). Kernel is a leaf
 * that the rules depend on, not the other way round: kernel.ts loads none of
 * livepatch/, module/ and the rest, and the composition root (boot.ts) wires
 * the rules in. The cycles left are where livepatch/ and module/ call each
 * other as the kernel's sources do (load_module() and klp_module_coming(), a
 * module's init and klp_enable_patch(), core.c and transition.c).
 *
 * Only value imports count: `import type`, and a clause that names only
 * types (`import { type A }`), bring no code.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = dirname(fileURLToPath(import.meta.url));

/** The most files one cycle may hold: the livepatch/ ↔ module/ knot (core, transition, register, callbacks, api, loader, work). */
const LARGEST_CYCLE = 7;

/** Directories whose code Kernel reaches only through KernelRules. */
const RULES = ['livepatch/', 'module/', 'shell/', 'selftest/', 'catalog/', 'boot.ts'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A relative specifier as the file it names (path relative to src/kernel), or null for a package. */
function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = join(ROOT, dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return relative(ROOT, candidate);
  throw new Error(`${from}: cannot resolve ${specifier}`);
}

const onlyTypes = (elements: readonly { isTypeOnly: boolean }[]) => elements.length > 0 && elements.every((e) => e.isTypeOnly);

/** The files `file` imports or re-exports values from. */
function valueImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const st of sf.statements) {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(st)) {
      const clause = st.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      if (clause && !clause.name && named && ts.isNamedImports(named) && onlyTypes(named.elements)) continue;
      specifier = st.moduleSpecifier;
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier) {
      if (st.isTypeOnly) continue;
      if (st.exportClause && ts.isNamedExports(st.exportClause) && onlyTypes(st.exportClause.elements)) continue;
      specifier = st.moduleSpecifier;
    }
    if (!specifier || !ts.isStringLiteral(specifier)) continue;
    const target = resolveSpecifier(file, specifier.text);
    if (target) out.push(target);
  }
  return out;
}

/** file → the files it imports values from. */
function importGraph(): Map<string, string[]> {
  const files = sources(ROOT).map((f) => relative(ROOT, f));
  return new Map(files.map((f) => [f, valueImports(f)]));
}

/** Tarjan's strongly connected components with more than one file: the import cycles. */
function cycles(g: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) out.push(component.sort());
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** Every file `from` loads, itself included. */
function reach(g: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set([from]);
  for (const v of seen) for (const w of g.get(v) ?? []) seen.add(w);
  return seen;
}

describe('the engine import graph', () => {
  const g = importGraph();
  const found = cycles(g);

  it('reads the engine', () => {
    expect(g.get('kernel.ts')).toBeDefined();
    expect(g.get('boot.ts')).toContain('kernel.ts');
  });

  it('kernel.ts imports no value from the rules', () => {
    expect(g.get('kernel.ts')!.filter((f) => RULES.some((r) => f.startsWith(r)))).toEqual([]);
  });

  it('nothing kernel.ts loads is a rule, or imports it back', () => {
    const loaded = [...reach(g, 'kernel.ts')];
    expect(loaded.filter((f) => RULES.some((r) => f.startsWith(r)))).toEqual([]);
    expect(found.filter((c) => c.includes('kernel.ts'))).toEqual([]);
  });

  it(`has no import cycle of more than ${LARGEST_CYCLE} files, and none outside livepatch/ and module/`, () => {
    const largest = Math.max(0, ...found.map((c) => c.length));
    expect(largest, found.map((c) => c.join(' ')).join('\n')).toBeLessThanOrEqual(LARGEST_CYCLE);
    expect(found.flat().filter((f) => !f.startsWith('livepatch/') && !f.startsWith('module/'))).toEqual([]);
  });
});
