/*
 * The MINIX V3 on-disk format, shared by the FS server, mkfs and fsck.
 *   Superblock, decodeSuperblock, encodeSuperblock   the 32 bytes at byte 1024
 *   checkSuperblock(sb, imageBytes)                  every field against the image; problems name the field
 *   DiskInode, decodeInode, encodeInode, inodeModeAt 64-byte V2/V3 inodes (inodeModeAt: i_mode alone)
 *   decodeDirent, encodeDirent, DIRENT_BYTES         64-byte entries: u32 inode + 60-byte name
 *   Geometry, geometryOf(sb)                         where the bitmaps, inode table and data zones start
 *   encodeName, encodedNameBytes, NameCache          names as entries hold them (NameCache: one per FS instance)
 * All integers are little endian, as util-linux and MINIX write them.
 */

export const SUPER_OFFSET_BYTES = 1024;
export const MAGIC_V3 = 0x4d5a;
export const INODE_BYTES = 64;
export const DIRENT_BYTES = 64;
export const NAME_MAX = 60;
/** Bitmaps start at block 2 whatever the block size (block 0: boot, block 1: super, as in MINIX's START_BLOCK). */
export const START_BLOCK = 2;
export const ROOT_INODE = 1;
export const NR_DZONES = 7;
export const NR_TZONES = 10;
/** The i_zone slots of the single, double and triple indirect blocks. */
export const SINGLE_SLOT = 7;
export const DOUBLE_SLOT = 8;
export const TRIPLE_SLOT = 9;
export const MAX_SIZE_V3 = 0x7fffffff;
export const BLOCK_SIZES: readonly number[] = [1024, 2048, 4096, 8192, 16384, 32768];

export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;
const VALID_TYPES: ReadonlySet<number> = new Set([S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO]);

export const isDir = (mode: number): boolean => (mode & S_IFMT) === S_IFDIR;
export const isReg = (mode: number): boolean => (mode & S_IFMT) === S_IFREG;
export const validFileType = (mode: number): boolean => VALID_TYPES.has(mode & S_IFMT);

export interface Superblock {
  ninodes: number;
  imapBlocks: number;
  zmapBlocks: number;
  firstDataZone: number;
  logZoneSize: number;
  maxSize: number;
  zones: number;
  magic: number;
  blockSize: number;
  diskVersion: number;
}

/** Field names as in util-linux's struct minix3_super_block, for messages. */
export const FIELD_NAME: Readonly<Record<keyof Superblock, string>> = {
  ninodes: 's_ninodes', imapBlocks: 's_imap_blocks', zmapBlocks: 's_zmap_blocks',
  firstDataZone: 's_firstdatazone', logZoneSize: 's_log_zone_size', maxSize: 's_max_size',
  zones: 's_zones', magic: 's_magic', blockSize: 's_blocksize', diskVersion: 's_disk_version',
};

/** Decode the superblock from the 32 bytes at `bytes[0]` (the caller passes the slice at byte 1024). */
export function decodeSuperblock(bytes: Uint8Array): Superblock {
  const v = new DataView(bytes.buffer, bytes.byteOffset, 32);
  return {
    ninodes: v.getUint32(0, true),
    imapBlocks: v.getUint16(6, true),
    zmapBlocks: v.getUint16(8, true),
    firstDataZone: v.getUint16(10, true),
    logZoneSize: v.getUint16(12, true),
    maxSize: v.getUint32(16, true),
    zones: v.getUint32(20, true),
    magic: v.getUint16(24, true),
    blockSize: v.getUint16(28, true),
    diskVersion: v.getUint8(30),
  };
}

export function encodeSuperblock(sb: Superblock, out: Uint8Array): void {
  const v = new DataView(out.buffer, out.byteOffset, 32);
  v.setUint32(0, sb.ninodes, true);
  v.setUint16(4, 0, true);
  v.setUint16(6, sb.imapBlocks, true);
  v.setUint16(8, sb.zmapBlocks, true);
  v.setUint16(10, sb.firstDataZone, true);
  v.setUint16(12, sb.logZoneSize, true);
  v.setUint16(14, 0, true);
  v.setUint32(16, sb.maxSize, true);
  v.setUint32(20, sb.zones, true);
  v.setUint16(24, sb.magic, true);
  v.setUint16(26, 0, true);
  v.setUint16(28, sb.blockSize, true);
  v.setUint8(30, sb.diskVersion);
}

export interface Geometry {
  readonly blockSize: number;
  readonly imapStart: number;
  readonly zmapStart: number;
  readonly inodeStart: number;
  readonly inodeBlocks: number;
  readonly inodesPerBlock: number;
  /** Zone numbers held by one indirect block. */
  readonly zonesPerIndirect: number;
  readonly bitsPerBlock: number;
  /** Bits used in the zone bitmap: bit 0 plus one per data zone. */
  readonly zoneBits: number;
}

export function geometryOf(sb: Superblock): Geometry {
  const inodesPerBlock = sb.blockSize / INODE_BYTES;
  return {
    blockSize: sb.blockSize,
    imapStart: START_BLOCK,
    zmapStart: START_BLOCK + sb.imapBlocks,
    inodeStart: START_BLOCK + sb.imapBlocks + sb.zmapBlocks,
    inodeBlocks: Math.ceil(sb.ninodes / inodesPerBlock),
    inodesPerBlock,
    zonesPerIndirect: sb.blockSize / 4,
    bitsPerBlock: sb.blockSize * 8,
    zoneBits: sb.zones - sb.firstDataZone + 1,
  };
}

/**
 * Every superblock field against the image size, in the order mount reads
 * them. Returns the problems (each names the field), empty if the
 * superblock can be mounted.
 */
export function checkSuperblock(sb: Superblock, imageBytes: number): string[] {
  const bad: string[] = [];
  if (sb.magic !== MAGIC_V3) {
    bad.push(`bad magic: s_magic is 0x${sb.magic.toString(16)}, expected 0x4d5a (MINIX V3)`);
    return bad;
  }
  if (!BLOCK_SIZES.includes(sb.blockSize)) {
    bad.push(`bad s_blocksize ${sb.blockSize}: expected one of ${BLOCK_SIZES.join(', ')}`);
    return bad;
  }
  if (sb.logZoneSize !== 0) bad.push(`unsupported s_log_zone_size ${sb.logZoneSize}: zones must equal blocks (0)`);
  const imageBlocks = Math.floor(imageBytes / sb.blockSize);
  if (sb.ninodes < 1) bad.push('bad s_ninodes 0: the root inode needs at least one');
  if (sb.zones > imageBlocks) bad.push(`bad s_zones ${sb.zones}: beyond the image (${imageBlocks} blocks of ${sb.blockSize} bytes)`);
  const bits = sb.blockSize * 8;
  if (sb.imapBlocks * bits < sb.ninodes + 1) bad.push(`bad s_imap_blocks ${sb.imapBlocks}: too small for s_ninodes ${sb.ninodes}`);
  const g = geometryOf(sb);
  if (g.zmapStart > imageBlocks) bad.push(`bad s_imap_blocks ${sb.imapBlocks}: the inode bitmap runs beyond the image (${imageBlocks} blocks)`);
  if (g.inodeStart > imageBlocks) bad.push(`bad s_zmap_blocks ${sb.zmapBlocks}: the zone bitmap runs beyond the image (${imageBlocks} blocks)`);
  else if (g.inodeStart + g.inodeBlocks > imageBlocks) bad.push(`bad s_ninodes ${sb.ninodes}: the inode table runs beyond the image (${imageBlocks} blocks)`);
  if (sb.firstDataZone < g.inodeStart + g.inodeBlocks) {
    bad.push(`bad s_firstdatazone ${sb.firstDataZone}: inside the metadata (the inode table ends at block ${g.inodeStart + g.inodeBlocks})`);
  }
  if (sb.firstDataZone >= sb.zones) bad.push(`bad s_firstdatazone ${sb.firstDataZone}: not below s_zones ${sb.zones}`);
  else if (sb.zmapBlocks * bits < g.zoneBits) bad.push(`bad s_zmap_blocks ${sb.zmapBlocks}: too small for ${g.zoneBits - 1} data zones`);
  return bad;
}

export interface DiskInode {
  mode: number;
  nlinks: number;
  uid: number;
  gid: number;
  size: number;
  atime: number;
  mtime: number;
  ctime: number;
  /** 7 direct zones, then single, double and triple indirect. */
  readonly zone: Uint32Array;
}

export function emptyInode(): DiskInode {
  return { mode: 0, nlinks: 0, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0, ctime: 0, zone: new Uint32Array(NR_TZONES) };
}

// Inodes are read and written byte by byte (little-endian), not through a DataView: one is made per
// call otherwise, and an inode is encoded on every create, close and sync.

/** The i_mode of the inode at `offset` of an inode-table block, without decoding the rest. */
export function inodeModeAt(block: Uint8Array, offset: number): number {
  return readU16(block, offset);
}

export function decodeInode(block: Uint8Array, offset: number, into: DiskInode = emptyInode()): DiskInode {
  if (offset + INODE_BYTES > block.length) throw new RangeError(`inode at byte ${offset} past the block's ${block.length}`);
  into.mode = readU16(block, offset);
  into.nlinks = readU16(block, offset + 2);
  into.uid = readU16(block, offset + 4);
  into.gid = readU16(block, offset + 6);
  into.size = readU32(block, offset + 8);
  into.atime = readU32(block, offset + 12);
  into.mtime = readU32(block, offset + 16);
  into.ctime = readU32(block, offset + 20);
  for (let i = 0; i < NR_TZONES; i++) into.zone[i] = readU32(block, offset + 24 + 4 * i);
  return into;
}

export function encodeInode(ino: DiskInode, block: Uint8Array, offset: number): void {
  if (offset + INODE_BYTES > block.length) throw new RangeError(`inode at byte ${offset} past the block's ${block.length}`);
  writeU16(block, offset, ino.mode);
  writeU16(block, offset + 2, ino.nlinks);
  writeU16(block, offset + 4, ino.uid);
  writeU16(block, offset + 6, ino.gid);
  writeU32(block, offset + 8, ino.size);
  writeU32(block, offset + 12, ino.atime);
  writeU32(block, offset + 16, ino.mtime);
  writeU32(block, offset + 20, ino.ctime);
  for (let i = 0; i < NR_TZONES; i++) writeU32(block, offset + 24 + 4 * i, ino.zone[i]!);
}

function readU16(block: Uint8Array, offset: number): number {
  return block[offset]! | (block[offset + 1]! << 8);
}

function writeU16(block: Uint8Array, offset: number, value: number): void {
  block[offset] = value & 0xff;
  block[offset + 1] = (value >>> 8) & 0xff;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** A little-endian u32 (zone pointers in indirect blocks, inode numbers in entries). */
export function readU32(block: Uint8Array, offset: number): number {
  return (block[offset]! | (block[offset + 1]! << 8) | (block[offset + 2]! << 16) | (block[offset + 3]! << 24)) >>> 0;
}

export function writeU32(block: Uint8Array, offset: number, value: number): void {
  block[offset] = value & 0xff;
  block[offset + 1] = (value >>> 8) & 0xff;
  block[offset + 2] = (value >>> 16) & 0xff;
  block[offset + 3] = (value >>> 24) & 0xff;
}

/** Inode number of the entry at `offset` of a directory block. */
export const direntInode = readU32;

/** Name of the entry at `offset`: up to the first NUL, at most 60 bytes. */
export function direntName(block: Uint8Array, offset: number): string {
  const start = offset + 4;
  let end = start;
  while (end < start + NAME_MAX && block[end] !== 0) end++;
  return utf8Decoder.decode(block.subarray(start, end));
}

/** Does the entry at `offset` carry exactly this (encoded) name? No string is built. */
export function direntNameEquals(block: Uint8Array, offset: number, name: Uint8Array): boolean {
  const start = offset + 4;
  for (let i = 0; i < name.length; i++) if (block[start + i] !== name[i]) return false;
  return name.length === NAME_MAX || block[start + name.length] === 0;
}

/** A name as directory entries store it (UTF-8). */
export function encodeName(name: string): Uint8Array {
  return utf8.encode(name);
}

/** Bytes of a name's UTF-8 encoding (a lone surrogate becomes U+FFFD, 3 bytes, as TextEncoder writes it), without encoding it. */
export function encodedNameBytes(name: string): number {
  let n = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < name.length && (name.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

const MAX_CACHED_NAMES = 4096;

/** An ASCII name's bytes without TextEncoder (most names; its call costs more than the copy), or null. */
function encodeAscii(name: string): Uint8Array | null {
  const bytes = new Uint8Array(name.length);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x80) return null;
    bytes[i] = c;
  }
  return bytes;
}

/**
 * Encoded names, cached: path components recur on every lookup. One cache
 * per FS instance (FsState.names), never per module: two systems in one
 * process share nothing. Bounded; callers must not modify the bytes.
 */
export class NameCache {
  private readonly names = new Map<string, Uint8Array>();
  /** The last name asked: a create looks its name up, then enters it (no hashing of it twice). */
  private lastName = '';
  private lastBytes: Uint8Array = new Uint8Array(0);

  encode(name: string): Uint8Array {
    if (name === this.lastName) return this.lastBytes;
    let bytes = this.names.get(name);
    if (bytes === undefined) {
      bytes = encodeAscii(name) ?? utf8.encode(name);
      if (this.names.size >= MAX_CACHED_NAMES) this.names.clear();
      this.names.set(name, bytes);
    }
    this.lastName = name;
    this.lastBytes = bytes;
    return bytes;
  }
}

export function writeDirent(block: Uint8Array, offset: number, inodeNr: number, name: Uint8Array): void {
  if (name.length > NAME_MAX) throw new RangeError(`name of ${name.length} bytes exceeds ${NAME_MAX}`);
  writeU32(block, offset, inodeNr);
  block.fill(0, offset + 4, offset + DIRENT_BYTES);
  block.set(name, offset + 4);
}

export const setDirentInode = writeU32;

/** Largest file size the zone pointers of one inode can map, capped by V3's 32-bit i_size. */
export function maxFileBytes(blockSize: number): number {
  const n = blockSize / 4;
  const blocks = NR_DZONES + n + n * n + n * n * n;
  return Math.min(blocks * blockSize, 0xffffffff);
}
