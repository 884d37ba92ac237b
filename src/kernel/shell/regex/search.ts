/**
 * Running a program (program.ts) over a line: does some part of it match?
 *
 * Without back-references a Pike machine runs every alternative in step,
 * one list of live threads per position, each instruction at most once per
 * list: time proportional to the line's length times the program's, never
 * more (`(a+)+$` on a long line of a's costs what `a+$` costs). With
 * back-references no such machine exists (matching them is NP-complete), so
 * a backtracking one runs them, and gives up past a fixed number of steps
 * as glibc's matcher gives up when out of memory (errors.ts).
 *
 * Both count their steps on a meter, which charges the kernel's work budget.
 */
import { isWordChar } from './bracket';
import { RegexExhausted } from './errors';
import { ASSERT, BACKREF, CHAR, CHECK, JMP, MARK, MATCH, SAVE, SPLIT, type Program } from './program';
import type { Anchor } from './syntax';

/** Receives the steps a search took (in chunks, so a long line is charged as it goes). */
export type Meter = (steps: number) => void;

const CHUNK = 4096;

function holds(anchor: Anchor, s: string, i: number): boolean {
  if (anchor === 'bol') return i === 0;
  if (anchor === 'eol') return i === s.length;
  const before = i > 0 && isWordChar(s.charCodeAt(i - 1));
  const after = i < s.length && isWordChar(s.charCodeAt(i));
  switch (anchor) {
    case 'word':
      return before !== after;
    case 'notword':
      return before === after;
    case 'wordstart':
      return !before && after;
    case 'wordend':
      return before && !after;
    case 'nowordbefore':
      return !before;
    case 'nowordafter':
      return !after;
  }
}

/** The Pike machine, with its lists allocated once for its program. */
export class PikeMachine {
  private cur: Int32Array;
  private next: Int32Array;
  private readonly seen: Int32Array;
  private readonly stack: Int32Array;
  private steps = 0;
  /** seen[pc] holds base + position when pc is on that position's list: no clearing between lines */
  private base = 0;

  constructor(
    private readonly prog: Program,
    private readonly meter: Meter,
  ) {
    const n = prog.length;
    this.cur = new Int32Array(n);
    this.next = new Int32Array(n);
    this.seen = new Int32Array(n).fill(-1);
    this.stack = new Int32Array(2 * n + 2);
  }

  /** Is there a match anywhere in s? */
  search(s: string): boolean {
    const prog = this.prog;
    const op = prog.op;
    if (this.base + s.length + 1 >= 0x7fffffff) {
      this.seen.fill(-1);
      this.base = 0;
    }
    let cur = this.cur;
    let next = this.next;
    this.steps = 0;
    let count = this.add(cur, 0, 0, s, 0);
    let found = false;
    for (let i = 0; ; i++) {
      for (let k = 0; k < count; k++) if (op[cur[k]!] === MATCH) found = true;
      if (found || i === s.length) break;
      const c = s.charCodeAt(i);
      let n = 0;
      for (let k = 0; k < count; k++) {
        const pc = cur[k]!;
        if (op[pc] === CHAR && prog.takes(pc, c)) n = this.add(next, n, pc + 1, s, i + 1);
      }
      this.steps += count;
      // a match may start at every position
      n = this.add(next, n, 0, s, i + 1);
      const t = cur;
      cur = next;
      next = t;
      count = n;
      if (this.steps >= CHUNK) this.flush();
    }
    this.flush();
    this.base += s.length + 1;
    return found;
  }

  private flush(): void {
    if (this.steps) this.meter(this.steps);
    this.steps = 0;
  }

  /** Adds the thread at pc, following every jump, to the list for position i; returns the list's length. */
  private add(list: Int32Array, count: number, start: number, s: string, i: number): number {
    const { op, x, y, anchor } = this.prog;
    const seen = this.seen;
    const stack = this.stack;
    const stamp = this.base + i;
    let sp = 0;
    stack[sp++] = start;
    while (sp > 0) {
      const pc = stack[--sp]!;
      if (seen[pc] === stamp) continue;
      seen[pc] = stamp;
      this.steps++;
      switch (op[pc]) {
        case JMP:
          stack[sp++] = x[pc]!;
          break;
        case SPLIT:
          stack[sp++] = y[pc]!;
          stack[sp++] = x[pc]!;
          break;
        case ASSERT:
          if (holds(anchor[pc]!, s, i)) stack[sp++] = pc + 1;
          break;
        case SAVE:
        case MARK:
        case CHECK:
          stack[sp++] = pc + 1;
          break;
        default:
          list[count++] = pc;
      }
    }
    return count;
  }
}

/** Steps a backtracking search may take on one line before it gives up (RegexExhausted). */
export const BACKTRACK_LIMIT = 1_000_000;

/**
 * Backtracking over the program, for patterns with back-references. Its
 * stack holds the alternatives still to try and the register values to
 * put back on the way (so no state is copied).
 */
export function backtrackSearch(prog: Program, s: string, ignoreCase: boolean, meter: Meter, limit = BACKTRACK_LIMIT): boolean {
  const { op, x, y, anchor } = prog;
  const regs = new Int32Array(prog.registers);
  // entries of three numbers: [pc, position, -1] to try, or [register, value, -2] to restore
  const stack: number[] = [];
  let steps = 0;
  let charged = 0;
  const fold = (c: number) => (ignoreCase && c >= 65 && c <= 90 ? c + 32 : c);
  try {
    for (let start = 0; start <= s.length; start++) {
      regs.fill(-1);
      stack.push(0, start, -1);
      while (stack.length) {
        const kind = stack.pop()!;
        const b = stack.pop()!;
        const a = stack.pop()!;
        if (kind === -2) {
          regs[a] = b;
          continue;
        }
        let pc = a;
        let i = b;
        for (;;) {
          if (++steps > limit) throw new RegexExhausted();
          if (steps - charged >= CHUNK) {
            meter(steps - charged);
            charged = steps;
          }
          const o = op[pc];
          if (o === MATCH) return true;
          if (o === CHAR) {
            if (i < s.length && prog.takes(pc, s.charCodeAt(i))) {
              pc++;
              i++;
              continue;
            }
          } else if (o === JMP) {
            pc = x[pc]!;
            continue;
          } else if (o === SPLIT) {
            stack.push(y[pc]!, i, -1);
            pc = x[pc]!;
            continue;
          } else if (o === ASSERT) {
            if (holds(anchor[pc]!, s, i)) {
              pc++;
              continue;
            }
          } else if (o === SAVE || o === MARK) {
            stack.push(x[pc]!, regs[x[pc]!]!, -2);
            regs[x[pc]!] = i;
            pc++;
            continue;
          } else if (o === CHECK) {
            // after an iteration that consumed nothing the loop ends (another would change nothing)
            pc = regs[x[pc]!] === i ? y[pc]! : pc + 1;
            continue;
          } else if (o === BACKREF) {
            const from = regs[2 * x[pc]!]!;
            const to = regs[2 * x[pc]! + 1]!;
            const len = to - from;
            if (from >= 0 && to >= from && i + len <= s.length) {
              let k = 0;
              while (k < len && fold(s.charCodeAt(from + k)) === fold(s.charCodeAt(i + k))) k++;
              steps += len;
              if (k === len) {
                i += len;
                pc++;
                continue;
              }
            }
          }
          break; // this path fails: try the next alternative
        }
      }
    }
    return false;
  } finally {
    if (steps > charged) meter(steps - charged);
  }
}
