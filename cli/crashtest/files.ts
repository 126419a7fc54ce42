/*
 * Read every regular file of a MINIX V3 image without mounting it, for the
 * crash-consistency check ("is the synced data still there?").
 *   readAllFiles(image) -> Map<path, content hash> of every file that can be reached, or a string
 *                          when the superblock is unusable; a broken subtree is skipped, not fatal
 * Every loop over on-disk data is bounded: depth, entries, file size, and
 * each directory is entered once, so a corrupt image cannot make it loop.
 */
import { createHash } from 'node:crypto';
import {
  checkSuperblock, decodeInode, decodeSuperblock, DIRENT_BYTES, direntInode, direntName, geometryOf,
  INODE_BYTES, isDir, isReg, NR_DZONES, readU32, ROOT_INODE, SUPER_OFFSET_BYTES, type DiskInode,
} from '../../servers/fs/layout.js';

const MAX_DEPTH = 64;
const MAX_FILES = 100_000;

export function readAllFiles(image: Uint8Array): Map<string, string> | string {
  if (image.length < SUPER_OFFSET_BYTES + 32) return 'image too small for a superblock';
  const sb = decodeSuperblock(image.subarray(SUPER_OFFSET_BYTES, SUPER_OFFSET_BYTES + 32));
  const bad = checkSuperblock(sb, image.length);
  if (bad.length > 0) return `superblock: ${bad.join('; ')}`;
  const g = geometryOf(sb);
  const bs = sb.blockSize;
  const block = (nr: number): Uint8Array | null => (nr <= 0 || (nr + 1) * bs > image.length ? null : image.subarray(nr * bs, (nr + 1) * bs));
  const inode = (nr: number): DiskInode | null => {
    if (nr < 1 || nr > sb.ninodes) return null;
    const index = nr - 1;
    const b = block(g.inodeStart + Math.floor(index / g.inodesPerBlock));
    return b === null ? null : decodeInode(b, (index % g.inodesPerBlock) * INODE_BYTES);
  };
  /** Zone of the file's block i (0: a hole), or -1 if the pointers are out of the image. */
  const zoneOf = (ino: DiskInode, i: number): number => {
    if (i < NR_DZONES) return ino.zone[i]!;
    let rest = i - NR_DZONES;
    const per = g.zonesPerIndirect;
    let levels: number, slot: number;
    if (rest < per) { levels = 1; slot = 7; } else if ((rest -= per) < per * per) { levels = 2; slot = 8; } else { rest -= per * per; levels = 3; slot = 9; }
    let z = ino.zone[slot]!;
    for (let level = levels - 1; level >= 0; level--) {
      if (z === 0) return 0;
      const b = block(z);
      if (b === null) return -1;
      const span = per ** level;
      z = readU32(b, Math.floor(rest / span) * 4);
      rest %= span;
    }
    return z;
  };
  const contents = (ino: DiskInode): Uint8Array | string => {
    const size = Math.min(ino.size, image.length);
    const out = new Uint8Array(size);
    for (let i = 0; i * bs < size; i++) {
      const z = zoneOf(ino, i);
      if (z < 0) return `block ${i} points outside the image`;
      if (z === 0) continue;
      const b = block(z);
      if (b === null) return `zone ${z} outside the image`;
      out.set(b.subarray(0, Math.min(bs, size - i * bs)), i * bs);
    }
    return out;
  };

  const files = new Map<string, string>();
  const entered = new Set<number>();
  const walk = (dirNr: number, path: string, depth: number): string | null => {
    if (depth > MAX_DEPTH) return `${path}: deeper than ${MAX_DEPTH}`;
    if (entered.has(dirNr)) return null;
    entered.add(dirNr);
    const dir = inode(dirNr);
    if (dir === null || !isDir(dir.mode)) return `${path}: inode ${dirNr} is not a directory`;
    const bytes = contents(dir);
    if (typeof bytes === 'string') return `${path}: ${bytes}`;
    for (let off = 0; off + DIRENT_BYTES <= bytes.length; off += DIRENT_BYTES) {
      const nr = direntInode(bytes, off);
      if (nr === 0) continue;
      const name = direntName(bytes, off);
      if (name === '.' || name === '..') continue;
      const child = inode(nr);
      const childPath = path === '/' ? `/${name}` : `${path}/${name}`;
      if (child === null) continue;
      // A broken entry or subtree (a crash left it half written) loses what is under it, not the rest.
      if (isDir(child.mode)) {
        walk(nr, childPath, depth + 1);
      } else if (isReg(child.mode)) {
        if (files.size >= MAX_FILES) return `more than ${MAX_FILES} files`;
        const data = contents(child);
        if (typeof data !== 'string') files.set(childPath, createHash('sha256').update(data).digest('hex'));
      }
    }
    return null;
  };
  walk(ROOT_INODE, '/', 0);
  return files;
}
