/*
 * mkfs: lay out an empty MINIX V3 file system, as util-linux `mkfs.minix -3`
 * does, byte for byte at 1 KiB blocks (same inode count rule, bitmap sizes,
 * root directory).
 *   planFileSystem(options)   the superblock for an image size, or a usage problem
 *   formatMetadata(plan)      blocks 0 .. firstdatazone (inclusive) as bytes: write them at offset 0
 *   formatImage(options)      a whole image in memory (tests, ramdisks)
 */
import {
  DIRENT_BYTES, encodeInode, encodeName, encodeSuperblock, emptyInode, geometryOf, MAGIC_V3, MAX_SIZE_V3,
  ROOT_INODE, BLOCK_SIZES, S_IFDIR, START_BLOCK, SUPER_OFFSET_BYTES, writeDirent, type Superblock,
} from '../layout.js';
import { fillBits, setBit } from '../bitmap.js';

export interface MkfsOptions {
  readonly sizeBytes: number;
  readonly blockSize?: number;
  /** Inode count; by default util-linux's rule (a third of the blocks, fewer on big images). */
  readonly inodes?: number;
  /** Owner of the root directory and its times (seconds); deterministic defaults 0. */
  readonly uid?: number;
  readonly gid?: number;
  readonly timeSec?: number;
}

export interface MkfsPlan {
  readonly sb: Superblock;
  readonly uid: number;
  readonly gid: number;
  readonly timeSec: number;
}

export class MkfsError extends Error {
  readonly userFacing = true;
  readonly exitCode = 2;
}

const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b);

export function planFileSystem(options: MkfsOptions): MkfsPlan {
  const blockSize = options.blockSize ?? 1024;
  if (!BLOCK_SIZES.includes(blockSize)) throw new MkfsError(`block size ${blockSize}: expected one of ${BLOCK_SIZES.join(', ')}`);
  const blocks = Math.min(Math.floor(options.sizeBytes / blockSize), 0xffffffff);
  const inodesPerBlock = blockSize / 64;
  // util-linux's default: blocks/3, blocks/8 above 512 Ki blocks, blocks/16 above 2 Gi blocks.
  let inodes = options.inodes ?? (blocks > 2048 * 1024 ? blocks / 16 : blocks > 512 * 1024 ? blocks / 8 : blocks / 3);
  inodes = Math.floor(inodes);
  if (!(inodes >= 1)) throw new MkfsError(`inode count ${inodes}: at least 1 is needed`);
  inodes = ceilDiv(inodes, inodesPerBlock) * inodesPerBlock;
  if (inodes > 0xffffffff) throw new MkfsError(`inode count ${inodes} exceeds 2^32-1`);
  const bits = blockSize * 8;
  const imapBlocks = ceilDiv(inodes + 1, bits);
  const inodeBlocks = inodes / inodesPerBlock;
  const zmapBlocks = ceilDiv(Math.max(0, blocks - (1 + imapBlocks + inodeBlocks)), bits + 1);
  const firstDataZone = START_BLOCK + imapBlocks + zmapBlocks + inodeBlocks;
  if (imapBlocks > 0xffff || zmapBlocks > 0xffff || firstDataZone > 0xffff) {
    throw new MkfsError(`too many inodes (${inodes}) or blocks (${blocks}): the V3 superblock's 16-bit map fields overflow`);
  }
  // The root directory needs one data zone beyond the metadata.
  if (firstDataZone + 1 > blocks) {
    throw new MkfsError(`image of ${options.sizeBytes} bytes is too small: ${blocks} blocks of ${blockSize}, the metadata alone takes ${firstDataZone}`);
  }
  const sb: Superblock = {
    ninodes: inodes, imapBlocks, zmapBlocks, firstDataZone, logZoneSize: 0, maxSize: MAX_SIZE_V3,
    zones: blocks, magic: MAGIC_V3, blockSize, diskVersion: 0,
  };
  return { sb, uid: options.uid ?? 0, gid: options.gid ?? 0, timeSec: options.timeSec ?? 0 };
}

export function formatMetadata(plan: MkfsPlan): Uint8Array {
  const { sb } = plan;
  const g = geometryOf(sb);
  const bs = sb.blockSize;
  const out = new Uint8Array((sb.firstDataZone + 1) * bs);
  encodeSuperblock(sb, out.subarray(SUPER_OFFSET_BYTES, SUPER_OFFSET_BYTES + 32));

  // As mkfs.minix: every bit set, then the real inodes and zones cleared, so
  // bit 0 and the bits past the end stay set. Then the root takes inode 1, zone bit 1.
  const imap = out.subarray(g.imapStart * bs, g.zmapStart * bs);
  imap.fill(0xff);
  fillBits(imap, 1, sb.ninodes + 1, false);
  const zmap = out.subarray(g.zmapStart * bs, g.inodeStart * bs);
  zmap.fill(0xff);
  fillBits(zmap, 1, g.zoneBits, false);
  setBit(imap, ROOT_INODE);
  setBit(zmap, 1);

  const root = emptyInode();
  root.mode = S_IFDIR | 0o755;
  root.nlinks = 2;
  root.uid = plan.uid;
  root.gid = plan.gid;
  root.size = 2 * DIRENT_BYTES;
  root.atime = root.mtime = root.ctime = plan.timeSec;
  root.zone[0] = sb.firstDataZone;
  encodeInode(root, out, g.inodeStart * bs + (ROOT_INODE - 1) * 64);

  const dir = out.subarray(sb.firstDataZone * bs);
  writeDirent(dir, 0, ROOT_INODE, encodeName('.'));
  writeDirent(dir, DIRENT_BYTES, ROOT_INODE, encodeName('..'));
  return out;
}

export function formatImage(options: MkfsOptions): Uint8Array {
  const plan = planFileSystem(options);
  const image = new Uint8Array(plan.sb.zones * plan.sb.blockSize);
  image.set(formatMetadata(plan));
  return image;
}
