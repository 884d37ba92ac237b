/**
 * Bounds on the simulated shell's own work, so that no line a link brings or
 * a user types can run long or grow memory without end, and what that work
 * costs in the kernel's one work budget (Kernel.charge, whose unit is about
 * one task visit: 20,000 to 40,000 a millisecond). All counted from sizes
 * and steps, never from clocks, so a replay charges exactly the same.
 */

/**
 * A step of grep's matcher (one live thread at one position of a line):
 * measured at 10,000 to 30,000 a millisecond, so about two units.
 */
export const WORK_PER_REGEX_STEP = 2;
