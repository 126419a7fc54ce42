/*
 * Bit operations on MINIX bitmaps (bit b is bit b&7 of byte b>>3).
 *   testBit, setBit, clearBit   one bit
 *   fillBits(map, from, to, on) a range, a byte at a time where it can
 */

export const testBit = (map: Uint8Array, bit: number): boolean => (map[bit >> 3]! & (1 << (bit & 7))) !== 0;
export function setBit(map: Uint8Array, bit: number): void { map[bit >> 3]! |= 1 << (bit & 7); }
export function clearBit(map: Uint8Array, bit: number): void { map[bit >> 3]! &= ~(1 << (bit & 7)); }

/** Set (on) or clear bits [from, to). */
export function fillBits(map: Uint8Array, from: number, to: number, on: boolean): void {
  const one = on ? setBit : clearBit;
  let b = from;
  for (; b < to && (b & 7) !== 0; b++) one(map, b);
  const fullEnd = to & ~7;
  if (fullEnd > b) {
    map.fill(on ? 0xff : 0, b >> 3, fullEnd >> 3);
    b = fullEnd;
  }
  for (; b < to; b++) one(map, b);
}
