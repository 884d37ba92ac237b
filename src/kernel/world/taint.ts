/**
 * Taint flags, as kernel/panic.c's taint_flags[] lists them: the bit number
 * is the position in the table, and every printer (print_tainted(),
 * module_flags_taint() behind /proc/modules and /sys/module/<mod>/taint)
 * walks the table in bit order. So a livepatch module built out of tree and
 * unsigned reads "OEK": O (bit 12), E (13), K (15).
 */

export interface TaintFlag {
  /** TAINT_<name> */
  name: string;
  /** the letter when set */
  c: string;
  /** what print_tainted() prints when it is not set */
  cFalse: string;
  /** a module can carry it (module_flags_taint() prints it) */
  module: boolean;
}

/** Mainline's table (TAINT_FLAGS_COUNT = 20, since TAINT_FWCTL). */
export const TAINT_FLAGS: readonly TaintFlag[] = [
  { name: 'PROPRIETARY_MODULE', c: 'P', cFalse: 'G', module: true },
  { name: 'FORCED_MODULE', c: 'F', cFalse: ' ', module: true },
  { name: 'CPU_OUT_OF_SPEC', c: 'S', cFalse: ' ', module: false },
  { name: 'FORCED_RMMOD', c: 'R', cFalse: ' ', module: false },
  { name: 'MACHINE_CHECK', c: 'M', cFalse: ' ', module: false },
  { name: 'BAD_PAGE', c: 'B', cFalse: ' ', module: false },
  { name: 'USER', c: 'U', cFalse: ' ', module: false },
  { name: 'DIE', c: 'D', cFalse: ' ', module: false },
  { name: 'OVERRIDDEN_ACPI_TABLE', c: 'A', cFalse: ' ', module: false },
  { name: 'WARN', c: 'W', cFalse: ' ', module: false },
  { name: 'CRAP', c: 'C', cFalse: ' ', module: true },
  { name: 'FIRMWARE_WORKAROUND', c: 'I', cFalse: ' ', module: false },
  { name: 'OOT_MODULE', c: 'O', cFalse: ' ', module: true },
  { name: 'UNSIGNED_MODULE', c: 'E', cFalse: ' ', module: true },
  { name: 'SOFTLOCKUP', c: 'L', cFalse: ' ', module: false },
  { name: 'LIVEPATCH', c: 'K', cFalse: ' ', module: true },
  { name: 'AUX', c: 'X', cFalse: ' ', module: true },
  { name: 'RANDSTRUCT', c: 'T', cFalse: ' ', module: true },
  { name: 'TEST', c: 'N', cFalse: ' ', module: true },
  { name: 'FWCTL', c: 'J', cFalse: ' ', module: true },
];

export const TAINT_FORCED_RMMOD = 3;
export const TAINT_DIE = 7;
export const TAINT_OOT_MODULE = 12;
export const TAINT_UNSIGNED_MODULE = 13;
export const TAINT_LIVEPATCH = 15;

export function hasTaint(mask: number, bit: number): boolean {
  return (mask & (1 << bit)) !== 0;
}

/** module_flags_taint(): the module's letters, in bit order ("OEK"). */
export function moduleTaintLetters(mask: number): string {
  return TAINT_FLAGS.filter((f, bit) => f.module && hasTaint(mask, bit))
    .map((f) => f.c)
    .join('');
}

/** print_tainted(): "Not tainted", or one column per flag ("Tainted: G  R    D     OE K    "). */
export function printTainted(mask: number): string {
  if (!mask) return 'Not tainted';
  return `Tainted: ${TAINT_FLAGS.map((f, bit) => (hasTaint(mask, bit) ? f.c : f.cFalse)).join('')}`;
}

/** print_tainted_verbose(): "Tainted: [R]=FORCED_RMMOD, [O]=OOT_MODULE, …" */
export function printTaintedVerbose(mask: number): string {
  if (!mask) return 'Not tainted';
  return `Tainted: ${TAINT_FLAGS.flatMap((f, bit) => (hasTaint(mask, bit) ? [`[${f.c}]=${f.name}`] : [])).join(', ')}`;
}
