/**
 * A parsed pattern as a program for a Thompson/Pike machine (Russ Cox,
 * "Regular Expression Matching: the Virtual Machine Approach"): CHAR
 * consumes a character, SPLIT and JMP choose, ASSERT tests the place, SAVE
 * and BACKREF serve back-references, MARK and CHECK end a loop after an
 * iteration that matched nothing (a backtracking machine would otherwise
 * repeat it for ever), MATCH accepts.
 */
import { RegexError, type CharTest } from './errors';
import type { Anchor, Node } from './syntax';

export const CHAR = 0;
export const SPLIT = 1;
export const JMP = 2;
export const ASSERT = 3;
export const SAVE = 4;
export const BACKREF = 5;
export const MARK = 6;
export const CHECK = 7;
export const MATCH = 8;

/**
 * The most instructions a program may have. Intervals copy what they
 * repeat, so `(a{100}){400}` is 40,000 of them; GNU grep builds its DFA
 * from as many positions and takes minutes over such a pattern.
 */
export const MAX_INSTRUCTIONS = 100_000;

/** Only \1 … \9 exist, so only groups 1 to 9 are recorded. */
const SAVED_GROUPS = 9;

export class Program {
  readonly op: number[] = [];
  /** CHAR: unused; SPLIT, JMP: the target; SAVE, MARK, CHECK: the register; BACKREF: the group */
  readonly x: number[] = [];
  /** SPLIT: the other target; CHECK: where the loop ends */
  readonly y: number[] = [];
  readonly test: (CharTest | null)[] = [];
  /** CHAR: the test's answers for ASCII, looked up instead of called (shared between copies of one test) */
  readonly ascii: (Uint8Array | null)[] = [];
  private readonly tables = new Map<CharTest, Uint8Array>();
  readonly anchor: (Anchor | null)[] = [];
  /** registers: 2 per saved group, then one per loop (MARK/CHECK) */
  registers = 2 * (SAVED_GROUPS + 1);

  get length(): number {
    return this.op.length;
  }

  emit(op: number, x = 0, y = 0, test: CharTest | null = null, anchor: Anchor | null = null): number {
    if (this.op.length >= MAX_INSTRUCTIONS) throw new RegexError('regular expression too big');
    this.op.push(op);
    this.x.push(x);
    this.y.push(y);
    this.test.push(test);
    this.ascii.push(test ? this.table(test) : null);
    this.anchor.push(anchor);
    return this.op.length - 1;
  }

  private table(test: CharTest): Uint8Array {
    let t = this.tables.get(test);
    if (!t) {
      t = new Uint8Array(128);
      for (let c = 0; c < 128; c++) t[c] = test(c) ? 1 : 0;
      this.tables.set(test, t);
    }
    return t;
  }

  /** Does the CHAR instruction at pc take c? */
  takes(pc: number, c: number): boolean {
    return c < 128 ? this.ascii[pc]![c] === 1 : this.test[pc]!(c);
  }
}

/** Compiles the tree; `saves`: record groups for back-references. */
export function compile(node: Node, saves: boolean): Program {
  const prog = new Program();
  emitNode(prog, node, saves);
  prog.emit(MATCH);
  return prog;
}

function emitNode(prog: Program, node: Node, saves: boolean): void {
  switch (node.kind) {
    case 'char':
      prog.emit(CHAR, 0, 0, node.test);
      return;
    case 'assert':
      prog.emit(ASSERT, 0, 0, null, node.anchor);
      return;
    case 'backref':
      prog.emit(BACKREF, node.index);
      return;
    case 'cat':
      for (const item of node.items) emitNode(prog, item, saves);
      return;
    case 'group': {
      const saved = saves && node.index <= SAVED_GROUPS;
      if (saved) prog.emit(SAVE, 2 * node.index);
      emitNode(prog, node.body, saves);
      if (saved) prog.emit(SAVE, 2 * node.index + 1);
      return;
    }
    case 'alt': {
      const jumps: number[] = [];
      node.items.forEach((item, i) => {
        const last = i === node.items.length - 1;
        const split = last ? -1 : prog.emit(SPLIT);
        if (!last) prog.x[split] = prog.length;
        emitNode(prog, item, saves);
        if (!last) {
          jumps.push(prog.emit(JMP));
          prog.y[split] = prog.length;
        }
      });
      for (const j of jumps) prog.x[j] = prog.length;
      return;
    }
    case 'repeat':
      emitRepeat(prog, node.body, node.min, node.max, saves);
  }
}

/** x{min,max}: min copies, then x* or nested optional copies (x(x(x)?)?)?. */
function emitRepeat(prog: Program, body: Node, min: number, max: number, saves: boolean): void {
  for (let i = 0; i < min; i++) emitNode(prog, body, saves);
  if (max === Infinity) {
    const reg = prog.registers++;
    const loop = prog.emit(SPLIT);
    prog.x[loop] = prog.length;
    prog.emit(MARK, reg);
    emitNode(prog, body, saves);
    const check = prog.emit(CHECK, reg);
    prog.emit(JMP, loop);
    prog.y[loop] = prog.y[check] = prog.length;
    return;
  }
  const splits: number[] = [];
  for (let i = min; i < max; i++) {
    const split = prog.emit(SPLIT);
    prog.x[split] = prog.length;
    splits.push(split);
    emitNode(prog, body, saves);
  }
  for (const s of splits) prog.y[s] = prog.length;
}
