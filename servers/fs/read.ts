/*
 * Reading files, as MINIX's read.c. The entry points are:
 *   readMap(fs, ino, blockIndex)   the zone holding a file block (0: a hole), through single, double, triple indirect
 *   mapDirect(fs, ino, blockIndex)  the same for a direct zone (blockIndex < NR_DZONES), without a generator
 *   readFile(fs, ino, position, dst)  copy file bytes into dst, the FS's buffer or a caller's grant (uio.ts;
 *                                  holes read as zeros; one vectored copy per batch of blocks); bytes read
 *   checkZone(fs, ino, zone)       a pointer read from disk must lie among the data zones
 * Indirect chains have a fixed depth and a pointer equal to one of its own
 * ancestors is refused, so a corrupt image gives an error, never a loop.
 */
import type { KernelCall } from '../../kernel/index.js';
import { BlockType, type Buf } from './cache.js';
import { corrupt } from './errors.js';
import type { Inode } from './inode.js';
import { NR_DZONES, readU32, SINGLE_SLOT, DOUBLE_SLOT, TRIPLE_SLOT } from './layout.js';
import type { FsState } from './state.js';
import { copyoutVector, MAX_COPY_PIECES, type CopyPiece, type UserData } from './uio.js';

export function checkZone(fs: FsState, ino: Inode, zone: number): void {
  if (zone !== 0 && (zone < fs.sb.firstDataZone || zone >= fs.sb.zones)) {
    throw corrupt(`inode ${ino.nr}: zone ${zone} out of range [${fs.sb.firstDataZone}, ${fs.sb.zones})`);
  }
}

/** Where a file block lives: the i_zone slot and the indexes into each indirect level (empty past the triple range). */
export function zonePath(fs: FsState, blockIndex: number): { slot: number; indexes: number[] } | null {
  const n = fs.g.zonesPerIndirect;
  let i = blockIndex;
  if (i < NR_DZONES) return { slot: i, indexes: [] };
  i -= NR_DZONES;
  if (i < n) return { slot: SINGLE_SLOT, indexes: [i] };
  i -= n;
  if (i < n * n) return { slot: DOUBLE_SLOT, indexes: [Math.floor(i / n), i % n] };
  i -= n * n;
  if (i < n * n * n) return { slot: TRIPLE_SLOT, indexes: [Math.floor(i / (n * n)), Math.floor(i / n) % n, i % n] };
  return null;
}

/**
 * read_map. The path is zonePath's, computed in place (no arrays: this runs
 * for every block of every read and write): at depth d, the index at level l
 * is floor(i / n^(d-1-l)) mod n. A direct zone needs no generator: mapZone.
 */
export function* readMap(fs: FsState, ino: Inode, blockIndex: number): Generator<KernelCall, number, any> {
  if (blockIndex < NR_DZONES) return mapDirect(fs, ino, blockIndex);
  const n = fs.g.zonesPerIndirect;
  let i = blockIndex - NR_DZONES;
  let slot = SINGLE_SLOT;
  let span = 1;
  if (i >= n) {
    i -= n;
    slot = DOUBLE_SLOT;
    span = n;
    if (i >= n * n) {
      i -= n * n;
      slot = TRIPLE_SLOT;
      span = n * n;
      if (i >= n * n * n) return 0;
    }
  }
  let z = ino.d.zone[slot]!;
  checkZone(fs, ino, z);
  // The chain's blocks so far (at most three): a pointer back to one of them is a loop.
  let a0 = 0;
  let a1 = 0;
  for (let level = 0; span >= 1; level++, span /= n) {
    if (z === 0) return 0;
    if (level === 0) a0 = z; else if (level === 1) a1 = z;
    const bp = fs.cache.hit(z) ?? (yield* fs.cache.getBlock(z));
    const child = readU32(bp.data, (Math.floor(i / span) % n) * 4);
    if (!fs.cache.put(bp, BlockType.INDIRECT)) yield* fs.cache.putBlock(bp, BlockType.INDIRECT);
    checkZone(fs, ino, child);
    if (child !== 0 && (child === a0 || child === a1 || child === z)) throw corrupt(`inode ${ino.nr}: indirect block ${child} points at itself`);
    z = child;
  }
  return z;
}

/** read_map of a direct zone (blockIndex < NR_DZONES), without a generator. */
export function mapDirect(fs: FsState, ino: Inode, blockIndex: number): number {
  const z = ino.d.zone[blockIndex]!;
  checkZone(fs, ino, z);
  return z;
}

export function* readFile(fs: FsState, ino: Inode, position: number, dst: UserData): Generator<KernelCall, number, any> {
  const size = ino.d.size;
  if (position >= size || dst.length === 0) return 0;
  const length = Math.min(dst.length, size - position);
  const bs = fs.sb.blockSize;
  const firstIndex = Math.floor(position / bs);
  const lastIndex = Math.floor((position + length - 1) / bs);
  if (lastIndex > firstIndex || fs.readAheadBlocks > 0) {
    // The blocks this read needs (and the read-ahead) in one scattered read: the elevator at work.
    const end = Math.min(lastIndex + fs.readAheadBlocks, Math.floor((size - 1) / bs));
    const wanted: number[] = [];
    for (let i = firstIndex; i <= end && wanted.length < fs.cache.bufs.length / 2; i++) {
      const z = i < NR_DZONES ? mapDirect(fs, ino, i) : yield* readMap(fs, ino, i);
      if (z !== 0) wanted.push(z);
    }
    yield* fs.cache.prefetch(wanted);
  }
  // rw_chunk's blocks, a batch at a time, held while one vectored copy moves them all to the caller
  // (a grant: one sys_vsafecopy per batch); holes come from a block of zeros. A bad grant fails the
  // copy, and the blocks go back all the same. A batch holds at most a quarter of the cache.
  const maxHeld = Math.max(1, Math.min(MAX_COPY_PIECES, Math.floor(fs.cache.bufs.length / 4)));
  const held: Buf[] = [];
  const types: BlockType[] = [];
  const pieces: CopyPiece[] = [];
  let done = 0;
  while (done < length) {
    held.length = types.length = pieces.length = 0;
    try {
      while (done < length && pieces.length < maxHeld) {
        const pos = position + done;
        const offset = pos % bs;
        const chunk = Math.min(bs - offset, length - done);
        const index = Math.floor(pos / bs);
        const z = index < NR_DZONES ? mapDirect(fs, ino, index) : yield* readMap(fs, ino, index);
        if (z === 0) {
          pieces.push({ at: done, src: fs.zeroBlock ??= new Uint8Array(bs), from: 0, bytes: chunk });
        } else {
          const bp = fs.cache.hit(z) ?? (yield* fs.cache.getBlock(z));
          held.push(bp);
          types.push(chunk === bs ? BlockType.FULL_DATA : BlockType.PARTIAL_DATA);
          pieces.push({ at: done, src: bp.data, from: offset, bytes: chunk });
        }
        done += chunk;
      }
      yield* copyoutVector(dst, pieces);
    } finally {
      for (let i = 0; i < held.length; i++) if (!fs.cache.put(held[i]!, types[i]!)) yield* fs.cache.putBlock(held[i]!, types[i]!);
    }
  }
  return length;
}
