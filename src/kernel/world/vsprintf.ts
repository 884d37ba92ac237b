/**
 * How printk prints what module code hands it (lib/vsprintf.c). %p never
 * shows an address: ptr_to_id() prints a keyed hash of it, on 64-bit its low
 * 32 bits in 16 zero-padded hex digits. The key is random at boot; here the
 * machine's seed stands in for it, so the same machine prints the same ids.
 */

/** "%p" of `addr` with the boot's hash key `key`; NULL prints as "0000000000000000". */
export function hashedPointer(addr: number, key: number): string {
  if (addr === 0) return '0'.repeat(16);
  // Any keyed mix will do: only "same pointer, same id; different pointers, different-looking ids" matters.
  let h = Math.imul((addr % 2 ** 32) ^ key, 0x9e3779b1) ^ Math.floor(addr / 2 ** 32);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0).toString(16).padStart(16, '0');
}
