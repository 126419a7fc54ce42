/*
 * Writing files, as MINIX's write.c. The entry points are:
 *   writeMap(fs, ino, blockIndex, zone)  point a file block at a zone, allocating indirect blocks on the way
 *   freshBlock(fs, zone)          the buffer of a newly allocated zone, zeroed (never stale cached data)
 *   writeFile(fs, ino, position, src)    copy bytes in (the FS's buffer or a caller's grant, uio.ts: one safe
 *                                 copy per STAGE_BYTES), allocating
 *                                 zones near the file's others; bytes written
 *                                 (fewer than asked when the disk fills after some went in)
 *   truncateInode(fs, ino, size)  shrink: free data zones and the indirect blocks left empty; zero the tail
 * Invariant: bytes past the end of file in its last block are zero, so a
 * hole or an extension reads as zeros.
 */
import { EFBIG, ENOSPC, type KernelCall } from '../../kernel/index.js';
import { allocZone, freeZone } from './alloc.js';
import { BlockType, GetMode, type Buf } from './cache.js';
import { corrupt, FsError } from './errors.js';
import type { Inode } from './inode.js';
import { maxFileBytes, NR_DZONES, NR_TZONES, readU32, writeU32 } from './layout.js';
import { checkZone, mapDirect, readMap, zonePath } from './read.js';
import { checkWritable, nowSec, type FsState } from './state.js';
import { copyinStaged, type UserData } from './uio.js';

/** A write's bytes fetched from the caller's grant per safe copy: 64 KiB, a typical write(). */
export const STAGE_BYTES = 64 * 1024;

export function* freshBlock(fs: FsState, zone: number): Generator<KernelCall, Buf, any> {
  // OVERWRITE, not NO_READ: every byte is zeroed just below, so a miss need not zero it first too
  // (the undo log knows no old image either way; the trace and the blocks got are the same).
  const bp = yield* fs.cache.getBlock(zone, GetMode.OVERWRITE);
  fs.cache.markDirty(bp);
  bp.data.fill(0);
  return bp;
}

export function* writeMap(fs: FsState, ino: Inode, blockIndex: number, zone: number): Generator<KernelCall, void, any> {
  const path = zonePath(fs, blockIndex);
  if (path === null) throw new FsError(EFBIG, `inode ${ino.nr}: block ${blockIndex} beyond the triple indirect range`);
  if (path.indexes.length === 0) {
    ino.d.zone[path.slot] = zone;
    ino.dirty = true;
    return;
  }
  let z = ino.d.zone[path.slot]!;
  checkZone(fs, ino, z);
  if (z === 0) {
    z = yield* allocZone(fs, ino.d.zone[0]!);
    yield* fs.cache.putBlock(yield* freshBlock(fs, z), BlockType.INDIRECT);
    ino.d.zone[path.slot] = z;
    ino.dirty = true;
  }
  const ancestors: number[] = [];
  for (let level = 0; level < path.indexes.length; level++) {
    const offset = path.indexes[level]! * 4;
    ancestors.push(z);
    const bp = fs.cache.hit(z) ?? (yield* fs.cache.getBlock(z));
    const last = level === path.indexes.length - 1;
    let child = last ? zone : readU32(bp.data, offset);
    try {
      if (!last) {
        checkZone(fs, ino, child);
        if (ancestors.includes(child)) throw corrupt(`inode ${ino.nr}: indirect block ${child} points at itself`);
        if (child === 0) {
          child = yield* allocZone(fs, z);
          yield* fs.cache.putBlock(yield* freshBlock(fs, child), BlockType.INDIRECT);
          fs.cache.markDirty(bp);
          writeU32(bp.data, offset, child);
        }
      } else {
        fs.cache.markDirty(bp);
        writeU32(bp.data, offset, zone);
      }
    } finally {
      if (!fs.cache.put(bp, BlockType.INDIRECT)) yield* fs.cache.putBlock(bp, BlockType.INDIRECT);
    }
    z = child;
  }
}

export function* writeFile(fs: FsState, ino: Inode, position: number, src: UserData): Generator<KernelCall, number, any> {
  checkWritable(fs, `inode ${ino.nr}`);
  const bs = fs.sb.blockSize;
  const limit = Math.min(maxFileBytes(bs), fs.sb.maxSize);
  if (position + src.length > limit) throw new FsError(EFBIG, `inode ${ino.nr}: writing to byte ${position + src.length} passes the maximum file size ${limit}`);
  const size = ino.d.size;
  let done = 0;
  let lastZone = 0;
  // The caller's bytes come first, up to STAGE_BYTES in one safe copy, so a bad grant stops the
  // write before a block is allocated or changed. A batch whose copy fails is fetched again block
  // by block (as MINIX's rw_chunk copies): the blocks before the bad byte go in, a short count.
  const stageBytes = Math.max(bs, STAGE_BYTES);
  const scratch = src instanceof Uint8Array ? src : (fs.stagingBlock !== undefined && fs.stagingBlock.length >= stageBytes ? fs.stagingBlock : (fs.stagingBlock = new Uint8Array(stageBytes)));
  let staged: Uint8Array = scratch.subarray(0, 0);
  let stagedAt = 0;
  let perBlock = false;
  while (done < src.length) {
    const pos = position + done;
    const index = Math.floor(pos / bs);
    const offset = pos % bs;
    const chunk = Math.min(bs - offset, src.length - done);
    if (done + chunk > stagedAt + staged.length) {
      try {
        const n = perBlock ? chunk : Math.min(src.length - done, stageBytes);
        try {
          staged = yield* copyinStaged(src, done, n, scratch);
        } catch (err) {
          if (!(err instanceof FsError) || n === chunk) throw err;
          perBlock = true;
          staged = yield* copyinStaged(src, done, chunk, scratch);
        }
        stagedAt = done;
      } catch (err) {
        if (err instanceof FsError && done > 0) break;
        throw err;
      }
    }
    const bytes = staged.subarray(done - stagedAt, done - stagedAt + chunk);
    let z = index < NR_DZONES ? mapDirect(fs, ino, index) : yield* readMap(fs, ino, index);
    let bp: Buf;
    if (z === 0) {
      // Near the previous block of this write, else near the file's first zone.
      try {
        z = yield* allocZone(fs, lastZone !== 0 ? lastZone : ino.d.zone[0]!);
        try {
          // A direct zone is writeMap's first case, done here without a generator (most small files).
          if (index < NR_DZONES) { ino.d.zone[index] = z; ino.dirty = true; } else yield* writeMap(fs, ino, index, z);
        } catch (err) {
          yield* freeZone(fs, z); // no indirect block for it: do not leak the zone
          throw err;
        }
      } catch (err) {
        // A disk that fills up mid-write: POSIX's partial write, the bytes that went in.
        if (err instanceof FsError && err.errno === ENOSPC && done > 0) break;
        throw err;
      }
      // A whole block: every byte is set just below, with nothing between (OVERWRITE: no zero fill either).
      bp = chunk === bs ? yield* fs.cache.getBlock(z, GetMode.OVERWRITE) : yield* freshBlock(fs, z);
    } else {
      // A block wholly overwritten, or wholly past the end of file (zeros by the invariant), need not be read.
      const noRead = chunk === bs || (offset === 0 && index * bs >= size);
      bp = yield* fs.cache.getBlock(z, chunk === bs ? GetMode.OVERWRITE : noRead ? GetMode.NO_READ : GetMode.NORMAL);
      fs.cache.markDirty(bp); // before any change: the undo log keeps the old image
      if (noRead && chunk < bs) bp.data.fill(0);
    }
    lastZone = z;
    fs.cache.markDirty(bp);
    bp.data.set(bytes, offset);
    const type = chunk === bs ? BlockType.FULL_DATA : BlockType.PARTIAL_DATA;
    if (!fs.cache.put(bp, type)) yield* fs.cache.putBlock(bp, type);
    done += chunk;
  }
  if (position + done > size) ino.d.size = position + done;
  ino.d.mtime = ino.d.ctime = nowSec(fs);
  ino.dirty = true;
  return done;
}

/**
 * Free the zones of the subtree under indirect block `z` (depth 1: it holds
 * data zones) that map file blocks at or past firstFree. Returns true when
 * the block itself was freed (all of it lay past firstFree).
 */
function* freeTree(fs: FsState, ino: Inode, z: number, depth: number, base: number, firstFree: number, ancestors: readonly number[]): Generator<KernelCall, boolean, any> {
  const n = fs.g.zonesPerIndirect;
  const span = n ** (depth - 1);
  if (z === 0 || firstFree >= base + n * span) return false;
  checkZone(fs, ino, z);
  if (ancestors.includes(z)) throw corrupt(`inode ${ino.nr}: indirect block ${z} points at itself`);
  const chain = [...ancestors, z];
  const bp = yield* fs.cache.getBlock(z);
  try {
    for (let i = 0; i < n; i++) {
      const childBase = base + i * span;
      if (childBase + span <= firstFree) continue;
      const child = readU32(bp.data, i * 4);
      if (child === 0) continue;
      if (depth === 1) {
        checkZone(fs, ino, child);
        yield* freeZone(fs, child);
      } else if (!(yield* freeTree(fs, ino, child, depth - 1, childBase, firstFree, chain))) {
        continue;
      }
      fs.cache.markDirty(bp);
      writeU32(bp.data, i * 4, 0);
    }
  } finally {
    yield* fs.cache.putBlock(bp, BlockType.INDIRECT);
  }
  if (firstFree > base) return false;
  yield* freeZone(fs, z);
  return true;
}

export function* truncateInode(fs: FsState, ino: Inode, newSize: number): Generator<KernelCall, void, any> {
  checkWritable(fs, `inode ${ino.nr}`);
  const bs = fs.sb.blockSize;
  const n = fs.g.zonesPerIndirect;
  if (newSize < ino.d.size) {
    const firstFree = Math.ceil(newSize / bs);
    for (let slot = 0; slot < NR_DZONES; slot++) {
      const z = ino.d.zone[slot]!;
      if (slot < firstFree || z === 0) continue;
      checkZone(fs, ino, z);
      yield* freeZone(fs, z);
      ino.d.zone[slot] = 0;
    }
    let base = NR_DZONES;
    for (let slot = NR_DZONES, depth = 1; slot < NR_TZONES; slot++, depth++) {
      if (yield* freeTree(fs, ino, ino.d.zone[slot]!, depth, base, firstFree, [])) ino.d.zone[slot] = 0;
      base += n ** depth;
    }
    const tail = newSize % bs;
    if (tail !== 0) {
      const z = yield* readMap(fs, ino, Math.floor(newSize / bs));
      if (z !== 0) {
        const bp = yield* fs.cache.getBlock(z);
        fs.cache.markDirty(bp);
        bp.data.fill(0, tail);
        yield* fs.cache.putBlock(bp, BlockType.PARTIAL_DATA);
      }
    }
  }
  ino.d.size = newSize;
  ino.d.mtime = ino.d.ctime = nowSec(fs);
  ino.dirty = true;
}
