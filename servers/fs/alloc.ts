/*
 * Bitmap allocation, as MINIX's super.c. The entry points are:
 *   allocBit(fs, map, origin)   the first free bit at or after origin (wrapping), set; 0 when full
 *   freeBit(fs, map, bit)       clear a bit; freeing a free bit is a corrupt image, reported as such
 *   allocZone(fs, near)         a data zone near `near` (the file's first zone) or from s_zsearch; ENOSPC;
 *                               never one an inode in the table holds (a corrupt bitmap: the bit stays set)
 *   distrust(fs, message)       report a bitmap bit that contradicted the inode table
 *   freeZone(fs, zone)          give a zone back and lower s_zsearch
 *   countFree(fs, map)          free bits (statfs)
 */
import { ENOSPC, type KernelCall } from '../../kernel/index.js';
import { BlockType } from './cache.js';
import { holdsZones } from './bitcheck.js';
import { corrupt, FsError } from './errors.js';
import { NR_TZONES } from './layout.js';
import type { FsState } from './state.js';

export const enum BitMap { IMAP = 0, ZMAP = 1 }

interface MapShape { readonly startBlock: number; readonly bits: number; readonly blocks: number }

function shape(fs: FsState, map: BitMap): MapShape {
  return map === BitMap.IMAP
    ? { startBlock: fs.g.imapStart, bits: fs.sb.ninodes + 1, blocks: fs.sb.imapBlocks }
    : { startBlock: fs.g.zmapStart, bits: fs.g.zoneBits, blocks: fs.sb.zmapBlocks };
}

export function* allocBit(fs: FsState, map: BitMap, origin: number): Generator<KernelCall, number, any> {
  const { startBlock, bits, blocks } = shape(fs, map);
  const bitsPerBlock = fs.g.bitsPerBlock;
  if (origin >= bits || origin < 0) origin = 0;
  let block = Math.floor(origin / bitsPerBlock);
  let byte = (origin % bitsPerBlock) >> 3;
  // Bits below the origin in its byte count as taken on the first pass (the wrap-around pass sees them).
  let below = (1 << (origin & 7)) - 1;
  // Every block plus one: the search starts in the middle of one.
  for (let pass = 0; pass <= blocks; pass++) {
    const bp = fs.cache.hit(startBlock + block) ?? (yield* fs.cache.getBlock(startBlock + block));
    const data = bp.data;
    for (let i = byte; i < data.length; i++) {
      const k = data[i]!;
      const seen = k | below;
      below = 0;
      if (seen === 0xff) continue;
      let bit = 0;
      while (seen & (1 << bit)) bit++;
      const b = block * bitsPerBlock + i * 8 + bit;
      if (b >= bits) break; // past the end of the map
      fs.cache.markDirty(bp);
      data[i] = k | (1 << bit);
      if (!fs.cache.put(bp, BlockType.MAP)) yield* fs.cache.putBlock(bp, BlockType.MAP);
      return b;
    }
    yield* fs.cache.putBlock(bp, BlockType.MAP);
    if (++block >= blocks) block = 0;
    byte = 0;
  }
  return 0;
}

export function* freeBit(fs: FsState, map: BitMap, bit: number): Generator<KernelCall, void, any> {
  const { startBlock, bits } = shape(fs, map);
  const what = map === BitMap.IMAP ? 'inode' : 'zone bit';
  if (bit <= 0 || bit >= bits) throw corrupt(`freeing ${what} ${bit}: outside the bitmap (1..${bits - 1})`);
  const bitsPerBlock = fs.g.bitsPerBlock;
  const bp = yield* fs.cache.getBlock(startBlock + Math.floor(bit / bitsPerBlock));
  const i = (bit % bitsPerBlock) >> 3;
  const mask = 1 << (bit & 7);
  if ((bp.data[i]! & mask) === 0) {
    yield* fs.cache.putBlock(bp, BlockType.MAP);
    const name = map === BitMap.IMAP ? `inode ${bit}` : `zone ${bit + fs.sb.firstDataZone - 1}`;
    throw corrupt(`double free: ${name} is already free in the ${map === BitMap.IMAP ? 'inode' : 'zone'} bitmap`);
  }
  fs.cache.markDirty(bp);
  bp.data[i] = bp.data[i]! & ~mask;
  yield* fs.cache.putBlock(bp, BlockType.MAP);
}

export function* allocZone(fs: FsState, near: number): Generator<KernelCall, number, any> {
  const first = fs.sb.firstDataZone;
  const fromHint = near < first || near >= fs.sb.zones;
  let origin = fromHint ? fs.zsearch : near - (first - 1);
  // A bit found free may be a corrupt bitmap's lie: never hand out a zone an inode in the table holds.
  // The bit stays set (the zone is in use), and the search goes on; at most once per zone.
  for (let tries = 0; tries < fs.g.zoneBits; tries++) {
    const b = yield* allocBit(fs, BitMap.ZMAP, origin);
    if (b === 0) break;
    const zone = first - 1 + b;
    const holder = cachedHolder(fs, zone);
    if (holder === 0) {
      if (fromHint) fs.zsearch = b;
      return zone;
    }
    distrust(fs, `zone ${zone} is held by inode ${holder} but was free in the zone bitmap: marked used, not handed out`);
    origin = b + 1;
  }
  throw new FsError(ENOSPC, `no free zone (${fs.sb.zones - first} data zones)`);
}

/** The inode in the table (of those not vouched for at mount) whose i_zone names `zone` (0: none). Device files hold a device number there. */
function cachedHolder(fs: FsState, zone: number): number {
  // The mount's check vouched for the other inodes (and this FS's own allocations keep the bits right).
  for (const ino of fs.inodes.unvouched) {
    const z = ino.d.zone;
    for (let i = 0; i < NR_TZONES; i++) {
      if (z[i] === zone) {
        if (ino.d.mode !== 0 && holdsZones(ino.d.mode)) return ino.nr;
        break;
      }
    }
  }
  return 0;
}

/** A bitmap bit contradicted what is in use: say so (trace and console); the caller has fixed the bit. */
export function distrust(fs: FsState, message: string): void {
  fs.ctx?.trace('error', { call: 'alloc', message: `corrupt bitmap: ${message}` });
  fs.ctx?.print(`warning: corrupt bitmap: ${message}`);
}

export function* freeZone(fs: FsState, zone: number): Generator<KernelCall, void, any> {
  const first = fs.sb.firstDataZone;
  if (zone < first || zone >= fs.sb.zones) throw corrupt(`freeing zone ${zone}: outside the data zones [${first}, ${fs.sb.zones})`);
  const bit = zone - (first - 1);
  yield* freeBit(fs, BitMap.ZMAP, bit);
  if (bit < fs.zsearch) fs.zsearch = bit;
}

const POPCOUNT = new Uint8Array(256).map((_, i) => { let n = 0; for (let v = i; v; v &= v - 1) n++; return n; });

export function* countFree(fs: FsState, map: BitMap): Generator<KernelCall, number, any> {
  const { startBlock, bits, blocks } = shape(fs, map);
  let used = 0;
  let left = bits;
  for (let blk = 0; blk < blocks && left > 0; blk++) {
    const bp = yield* fs.cache.getBlock(startBlock + blk);
    const n = Math.min(left, fs.g.bitsPerBlock);
    for (let i = 0; i < n >> 3; i++) used += POPCOUNT[bp.data[i]!]!;
    for (let b = n & ~7; b < n; b++) if (bp.data[b >> 3]! & (1 << (b & 7))) used++;
    yield* fs.cache.putBlock(bp, BlockType.MAP | BlockType.ONE_SHOT);
    left -= n;
  }
  return bits - used;
}
