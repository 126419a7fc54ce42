/*
 * The live-FS fuzzer's own reader of a MINIX V3 image, independent of the FS server (the oracle must
 * not share the code it judges).
 *   walkImage(image)            -> every reachable path: its inode, type, data zones, indirect zones,
 *                                  and the directory inodes on its path; or a string if unmountable
 *   inodeZones(image, ino)      -> data and indirect zones an inode claims (bounded), for blame
 *   readBack(image, path)       -> the bytes a path names (regular file or symlink target), or a reason
 * Every loop over on-disk pointers is bounded (depth, entries, blocks): a corrupt image cannot hang it.
 */
import {
  checkSuperblock, decodeInode, decodeSuperblock, DIRENT_BYTES, direntInode, direntName, geometryOf,
  INODE_BYTES, isDir, isReg, NR_DZONES, readU32, ROOT_INODE, S_IFLNK, S_IFMT, SUPER_OFFSET_BYTES,
  type DiskInode, type Geometry, type Superblock,
} from '../../../servers/fs/layout.js';

const MAX_DEPTH = 32;
const MAX_ENTRIES = 20_000;
/** Files in the fuzzer's images are small: a larger size is read only this far. */
export const MAX_READ_BYTES = 1 << 20;

export type Kind = 'file' | 'dir' | 'symlink' | 'other';

export interface PathInfo {
  readonly path: string;
  readonly ino: number;
  readonly kind: Kind;
  /** Data zones (for a directory: its entry blocks). */
  readonly zones: readonly number[];
  /** Single, double and triple indirect blocks. */
  readonly indirect: readonly number[];
  /** Inodes of the directories from the root to the parent, in order. */
  readonly dirs: readonly number[];
}

export interface Walk {
  readonly sb: Superblock;
  readonly g: Geometry;
  readonly paths: Map<string, PathInfo>;
  /** Data and indirect zones of every directory inode met. */
  readonly dirZones: Map<number, readonly number[]>;
  /** Directories met by more than one path (an entry naming an ancestor or another directory): fsck counts their subtrees more than once. */
  readonly dirsMetTwice: Set<number>;
}

interface Reader {
  readonly sb: Superblock;
  readonly g: Geometry;
  inode(nr: number): DiskInode | null;
  /** Data zones and indirect blocks, at most `maxBlocks` file blocks. */
  zones(ino: DiskInode, maxBlocks: number): { data: number[]; indirect: number[] };
  contents(ino: DiskInode): Uint8Array | string;
}

function reader(image: Uint8Array): Reader | string {
  if (image.length < SUPER_OFFSET_BYTES + 32) return 'image too small';
  const sb = decodeSuperblock(image.subarray(SUPER_OFFSET_BYTES, SUPER_OFFSET_BYTES + 32));
  const bad = checkSuperblock(sb, image.length);
  if (bad.length > 0) return bad.join('; ');
  const g = geometryOf(sb);
  const bs = sb.blockSize;
  const inRange = (z: number): boolean => z >= sb.firstDataZone && z < sb.zones && (z + 1) * bs <= image.length;
  const block = (z: number): Uint8Array => image.subarray(z * bs, (z + 1) * bs);
  const inode = (nr: number): DiskInode | null => {
    if (nr < 1 || nr > sb.ninodes) return null;
    const b = g.inodeStart + Math.floor((nr - 1) / g.inodesPerBlock);
    return decodeInode(block(b), ((nr - 1) % g.inodesPerBlock) * INODE_BYTES);
  };
  const zones = (ino: DiskInode, maxBlocks: number): { data: number[]; indirect: number[] } => {
    const data: number[] = [];
    const indirect: number[] = [];
    for (let i = 0; i < NR_DZONES && i < maxBlocks; i++) if (ino.zone[i] !== 0) data.push(ino.zone[i]!);
    let budget = maxBlocks - NR_DZONES;
    const per = g.zonesPerIndirect;
    const descend = (z: number, level: number): void => {
      if (budget <= 0 || z === 0) return;
      if (!inRange(z)) { indirect.push(z); return; }
      indirect.push(z);
      const b = block(z);
      for (let i = 0; i < per && budget > 0; i++) {
        const child = readU32(b, 4 * i);
        if (level === 1) { budget--; if (child !== 0) data.push(child); } else descend(child, level - 1);
      }
    };
    descend(ino.zone[7]!, 1);
    descend(ino.zone[8]!, 2);
    descend(ino.zone[9]!, 3);
    return { data, indirect };
  };
  const zoneOf = (ino: DiskInode, i: number): number => {
    if (i < NR_DZONES) return ino.zone[i]!;
    let rest = i - NR_DZONES;
    const per = g.zonesPerIndirect;
    let levels: number, slot: number;
    if (rest < per) { levels = 1; slot = 7; } else if ((rest -= per) < per * per) { levels = 2; slot = 8; } else { rest -= per * per; levels = 3; slot = 9; }
    let z = ino.zone[slot]!;
    for (let level = levels - 1; level >= 0; level--) {
      if (z === 0) return 0;
      if (!inRange(z)) return -1;
      const span = per ** level;
      z = readU32(block(z), Math.floor(rest / span) * 4);
      rest %= span;
    }
    return z;
  };
  const contents = (ino: DiskInode): Uint8Array | string => {
    if (ino.size > MAX_READ_BYTES) return `size ${ino.size} beyond the fuzzer's files`;
    const out = new Uint8Array(ino.size);
    for (let i = 0; i * bs < ino.size; i++) {
      const z = zoneOf(ino, i);
      if (z < 0) return `block ${i}: indirect pointer out of range`;
      if (z === 0) continue;
      if (!inRange(z)) return `block ${i}: zone ${z} out of range`;
      out.set(block(z).subarray(0, Math.min(bs, ino.size - i * bs)), i * bs);
    }
    return out;
  };
  return { sb, g, inode, zones, contents };
}

const kindOf = (mode: number): Kind => (isDir(mode) ? 'dir' : isReg(mode) ? 'file' : (mode & S_IFMT) === S_IFLNK ? 'symlink' : 'other');

export function walkImage(image: Uint8Array): Walk | string {
  const r = reader(image);
  if (typeof r === 'string') return r;
  const paths = new Map<string, PathInfo>();
  const dirZones = new Map<number, readonly number[]>();
  const dirsMetTwice = new Set<number>();
  const maxBlocks = Math.ceil(MAX_READ_BYTES / r.sb.blockSize);
  const visit = (nr: number, path: string, dirs: readonly number[]): void => {
    if (paths.size >= MAX_ENTRIES || dirs.length > MAX_DEPTH) return;
    const ino = r.inode(nr);
    if (ino === null) return;
    const kind = kindOf(ino.mode);
    const z = kind === 'other' ? { data: [], indirect: [] } : r.zones(ino, Math.min(maxBlocks, Math.ceil(ino.size / r.sb.blockSize)));
    paths.set(path, { path, ino: nr, kind, zones: z.data, indirect: z.indirect, dirs });
    if (kind !== 'dir') return;
    if (dirs.includes(nr) || dirZones.has(nr)) { dirsMetTwice.add(nr); return; }
    dirZones.set(nr, [...z.data, ...z.indirect]);
    const bytes = r.contents(ino);
    if (typeof bytes === 'string') return;
    for (let off = 0; off + DIRENT_BYTES <= bytes.length; off += DIRENT_BYTES) {
      const child = direntInode(bytes, off);
      const name = direntName(bytes, off);
      if (child === 0 || name === '.' || name === '..' || name === '' || name.includes('/')) continue;
      visit(child, path === '/' ? `/${name}` : `${path}/${name}`, [...dirs, nr]);
    }
  };
  visit(ROOT_INODE, '/', []);
  return { sb: r.sb, g: r.g, paths, dirZones, dirsMetTwice };
}

/** Zones an inode claims in this image (what a corrupt inode may point at). */
export function inodeZones(image: Uint8Array, nr: number): number[] {
  const r = reader(image);
  if (typeof r === 'string') return [];
  const ino = r.inode(nr);
  if (ino === null || ino.mode === 0) return [];
  const z = r.zones(ino, 4096);
  return [...z.data, ...z.indirect];
}

/** The bytes at `path` in this image, looked up entry by entry (not following symlinks), or why not. */
export function readBack(image: Uint8Array, path: string): { kind: Kind; bytes: Uint8Array } | string {
  const r = reader(image);
  if (typeof r === 'string') return r;
  let nr = ROOT_INODE;
  const names = path.split('/').filter((n) => n !== '');
  for (const name of names) {
    const dir = r.inode(nr);
    if (dir === null || !isDir(dir.mode)) return `${path}: a component is not a directory`;
    const bytes = r.contents(dir);
    if (typeof bytes === 'string') return `${path}: ${bytes}`;
    let found = 0;
    for (let off = 0; off + DIRENT_BYTES <= bytes.length; off += DIRENT_BYTES) {
      if (direntInode(bytes, off) !== 0 && direntName(bytes, off) === name) { found = direntInode(bytes, off); break; }
    }
    if (found === 0) return `${path}: no entry '${name}'`;
    nr = found;
  }
  const ino = r.inode(nr);
  if (ino === null) return `${path}: inode ${nr} out of range`;
  const bytes = r.contents(ino);
  return typeof bytes === 'string' ? `${path}: ${bytes}` : { kind: kindOf(ino.mode), bytes };
}
