/*
 * Bitmaps against the inode table, at mount: mksim goes beyond MINIX here
 * (MINIX's read_super trusts the bitmaps; a clear bit over a live inode or
 * zone gets it handed out again and a file overwritten). The entry point:
 *   checkBitmaps(fs)   problems (each names the inode or zone): an inode in use whose
 *                      imap bit is clear, a zone an in-use inode holds whose zmap bit is clear;
 *                      and shared zones: a zone two inodes hold (or one inode twice), which a
 *                      write through one of them would overwrite under the other
 * Bounded cost, said in docs/fs.md: the two bitmaps, the inode-table blocks
 * whose inodes the imap marks partly used (allocation fills the table from
 * the front, so this is the used prefix), and the indirect blocks of the
 * inodes found there, at most MOUNT_CHECK_BLOCKS blocks in all. Inodes and
 * zones beyond are covered by the checks at allocation (alloc.ts, inode.ts).
 */
import type { KernelCall } from '../../kernel/index.js';
import { testBit } from './bitmap.js';
import { BlockType } from './cache.js';
import { FsError } from './errors.js';
import { decodeInode, emptyInode, INODE_BYTES, NR_DZONES, readU32, S_IFBLK, S_IFCHR, S_IFMT } from './layout.js';
import type { FsState } from './state.js';

/** Blocks the check may read (bitmaps, inode table, indirect blocks): a bound on the mount's cost. */
export const MOUNT_CHECK_BLOCKS = 1024;
/** Problems reported by name before "and N more". */
const MAX_NAMED = 8;

export interface BitmapCheck {
  readonly problems: string[];
  /** Zones held twice (named, at most MAX_NAMED; the rest counted in `more`). */
  readonly shared: string[];
  /** Problems beyond the named ones. */
  more: number;
  /** Why the check ended before every used inode was checked (the budget, a block that cannot be read), or null. */
  stopped: string | null;
  blocksRead: number;
  /** Inode-table blocks (indexes) whose inodes were checked through to their last zone. */
  readonly inodeBlocks: Set<number>;
}

/** Does inode `mode` hold zones in i_zone? (A device file keeps its device number in i_zone[0], MINIX new_node.) */
export const holdsZones = (mode: number): boolean => (mode & S_IFMT) !== S_IFCHR && (mode & S_IFMT) !== S_IFBLK;

function* readMap(fs: FsState, start: number, blocks: number, check: BitmapCheck): Generator<KernelCall, Uint8Array, any> {
  const out = new Uint8Array(blocks * fs.sb.blockSize);
  for (let i = 0; i < blocks; i++) {
    const bp = yield* fs.cache.getBlock(start + i);
    out.set(bp.data, i * fs.sb.blockSize);
    yield* fs.cache.putBlock(bp, BlockType.MAP);
    check.blocksRead++;
  }
  return out;
}

/**
 * The check; a block that cannot be read ends it early (check.stopped) instead of
 * refusing the mount: a read error is not a contradiction, and the call that
 * needs that block gets its EIO.
 */
export function* checkBitmaps(fs: FsState): Generator<KernelCall, BitmapCheck, any> {
  const check: BitmapCheck = { problems: [], shared: [], more: 0, stopped: null, blocksRead: 0, inodeBlocks: new Set() };
  try {
    yield* checkAll(fs, check);
  } catch (err) {
    if (!(err instanceof FsError)) throw err;
    check.stopped = err.message;
  }
  return check;
}

function* checkAll(fs: FsState, check: BitmapCheck): Generator<KernelCall, void, any> {
  const { sb, g } = fs;
  const budget = `the budget of ${MOUNT_CHECK_BLOCKS} blocks ran out`;
  if (sb.imapBlocks + sb.zmapBlocks > MOUNT_CHECK_BLOCKS) { check.stopped = budget; return; }
  const imap = yield* readMap(fs, g.imapStart, sb.imapBlocks, check);
  const zmap = yield* readMap(fs, g.zmapStart, sb.zmapBlocks, check);
  const report = (text: string): void => {
    if (check.problems.length < MAX_NAMED) check.problems.push(text); else check.more++;
  };
  const zoneOk = (z: number): boolean => z >= sb.firstDataZone && z < sb.zones;
  const zoneMarked = (z: number): boolean => testBit(zmap, z - sb.firstDataZone + 1);
  /** The inode that holds each data zone, of those walked (0: none yet). */
  const owners = new Uint32Array(sb.zones - sb.firstDataZone);
  /** Check one pointer (and, for an indirect block, what it points to); false when the budget ran out. */
  const walk = function* (nr: number, z: number, depth: number): Generator<KernelCall, boolean, any> {
    if (z === 0 || !zoneOk(z)) return true; // out of range: reading the file gives EIO (read.ts checkZone); fsck's business
    if (!zoneMarked(z)) report(`zone ${z} (inode ${nr}) is in use but free in the zone bitmap`);
    const owner = owners[z - sb.firstDataZone]!;
    if (owner === 0) owners[z - sb.firstDataZone] = nr;
    else {
      const text = owner === nr ? `zone ${z} is held twice by inode ${nr}` : `zone ${z} is held by inode ${owner} and by inode ${nr}`;
      if (check.shared.length < MAX_NAMED) check.shared.push(text); else check.more++;
      return true; // its subtree was walked under the first owner
    }
    if (depth === 0) return true;
    if (check.blocksRead >= MOUNT_CHECK_BLOCKS) return false;
    const bp = yield* fs.cache.getBlock(z);
    check.blocksRead++;
    const children: number[] = [];
    for (let i = 0; i < g.zonesPerIndirect; i++) { const c = readU32(bp.data, i * 4); if (c !== 0) children.push(c); }
    yield* fs.cache.putBlock(bp, BlockType.INDIRECT | BlockType.ONE_SHOT);
    for (const c of children) if (!(yield* walk(nr, c, depth - 1))) return false;
    return true;
  };
  const d = emptyInode();
  for (let blk = 0; blk < g.inodeBlocks; blk++) {
    const first = blk * g.inodesPerBlock + 1;
    const last = Math.min(sb.ninodes, first + g.inodesPerBlock - 1);
    let marked = false;
    for (let nr = first; nr <= last && !marked; nr++) marked = testBit(imap, nr);
    if (!marked) continue;
    if (check.blocksRead >= MOUNT_CHECK_BLOCKS) { check.stopped = budget; return; }
    const bp = yield* fs.cache.getBlock(g.inodeStart + blk);
    check.blocksRead++;
    const inodes: { nr: number; mode: number; zone: number[] }[] = [];
    for (let nr = first; nr <= last; nr++) {
      decodeInode(bp.data, (nr - first) * INODE_BYTES, d);
      if (d.mode !== 0) inodes.push({ nr, mode: d.mode, zone: [...d.zone] });
    }
    yield* fs.cache.putBlock(bp, BlockType.INODE);
    for (const ino of inodes) {
      if (!testBit(imap, ino.nr)) report(`inode ${ino.nr} is in use (mode 0o${ino.mode.toString(8)}) but free in the inode bitmap`);
      if (!holdsZones(ino.mode)) continue;
      for (let slot = 0; slot < NR_DZONES; slot++) yield* walk(ino.nr, ino.zone[slot]!, 0);
      for (let depth = 1; depth <= 3; depth++) {
        if (!(yield* walk(ino.nr, ino.zone[NR_DZONES + depth - 1]!, depth))) { check.stopped = budget; return; }
      }
    }
    check.inodeBlocks.add(blk);
  }
}
