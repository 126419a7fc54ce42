/*
 * Looking at files, as MINIX's stadir.c. The entry points are:
 *   statPath(fs, path, who, follow)  an inode's attributes (FsStat); follow false: lstat
 *   statInode(fs, ino)              the same for a held inode (fstat)
 *   changeDir(fs, proc, path, root) chdir, chroot (the superuser's)
 *   readDirEntries(fs, path, index, count, who)   used entries of a directory, from index (read permission)
 *   statFs(fs)                      block size, largest file (s_max_size), zones and inodes, total and free
 */
import { ENOTDIR, EPERM, type KernelCall } from '../../kernel/index.js';
import { BitMap, countFree } from './alloc.js';
import { BlockType } from './cache.js';
import { capable } from './capable.js';
import { FsError } from './errors.js';
import type { Fproc } from './fproc.js';
import { holdLong, putInode, putLong, type Inode } from './inode.js';
import { DIRENT_BYTES, direntInode, direntName, isDir, maxFileBytes, NR_DZONES, readU32, ROOT_INODE, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from './layout.js';
import { LABEL_FILE } from './label.js';
import { lookup } from './path.js';
import type { FsDirent, FsStat, FsStatfs } from './protocol.js';
import { checkZone, readMap } from './read.js';
import { need, needMac, R_BIT, X_BIT } from './protect.js';
import { ROOT_WHO, type FsState, type Who } from './state.js';

/**
 * Zones an inode holds, indirect blocks included, and the last file block that maps to a data
 * zone (-1: none). Bounded: the depth is fixed and each level is read once per pointer.
 */
function* zoneFacts(fs: FsState, ino: Inode): Generator<KernelCall, { zones: number; lastBlock: number }, any> {
  // A device's i_zone[0] is its device number (mfs new_node); fifos and sockets hold no data zones either.
  const type = ino.d.mode & S_IFMT;
  if (type !== S_IFDIR && type !== S_IFREG && type !== S_IFLNK) return { zones: 0, lastBlock: -1 };
  let total = 0;
  let lastBlock = -1;
  for (let slot = 0; slot < NR_DZONES; slot++) if (ino.d.zone[slot] !== 0) { total++; lastBlock = slot; }
  const per = fs.g.zonesPerIndirect;
  const walk = function* (z: number, depth: number, firstBlock: number): Generator<KernelCall, number, any> {
    checkZone(fs, ino, z);
    if (z === 0) return 0;
    if (depth === 0) { lastBlock = Math.max(lastBlock, firstBlock); return 1; }
    let n = 1;
    const bp = yield* fs.cache.getBlock(z);
    const ptrs: [number, number][] = [];
    for (let i = 0; i < per; i++) { const c = readU32(bp.data, i * 4); if (c !== 0) ptrs.push([c, i]); }
    yield* fs.cache.putBlock(bp, BlockType.INDIRECT);
    for (const [c, i] of ptrs) n += yield* walk(c, depth - 1, firstBlock + i * per ** (depth - 1));
    return n;
  };
  let firstBlock = NR_DZONES;
  for (let depth = 1; depth <= 3; depth++) {
    total += yield* walk(ino.d.zone[NR_DZONES + depth - 1]!, depth, firstBlock);
    firstBlock += per ** depth;
  }
  return { zones: total, lastBlock };
}

export function* statInode(fs: FsState, ino: Inode): Generator<KernelCall, FsStat, any> {
  const d = ino.d;
  const { zones, lastBlock } = yield* zoneFacts(fs, ino);
  return {
    ino: ino.nr, mode: d.mode, nlinks: d.nlinks, uid: d.uid, gid: d.gid, size: d.size,
    atime: d.atime, mtime: d.mtime, ctime: d.ctime, zones, lastBlock,
  };
}

export function* statPath(fs: FsState, path: string, who: Who = ROOT_WHO, follow = true): Generator<KernelCall, FsStat, any> {
  const ino = yield* lookup(fs, path, who, follow);
  try {
    yield* needMac(fs, who, ino, 'getattr', `'${path}'`);
    return yield* statInode(fs, ino);
  } finally {
    yield* putInode(fs, ino);
  }
}

/** chdir (root: false) and chroot (root: true): the process's directory becomes the one `path` names. */
export function* changeDir(fs: FsState, proc: Fproc, path: string, root: boolean): Generator<KernelCall, void, any> {
  if (root && !(yield* capable(fs, proc, 'sys_chroot'))) throw new FsError(EPERM, `chroot '${path}': only the superuser may (capability:sys_chroot)`);
  const ino = yield* lookup(fs, path, proc);
  try {
    if (!isDir(ino.d.mode)) throw new FsError(ENOTDIR, `'${path}' is not a directory`);
    yield* need(fs, proc, ino, X_BIT, `'${path}'`);
  } catch (err) {
    yield* putInode(fs, ino);
    throw err;
  }
  holdLong(ino);
  const old = root ? proc.root : proc.cwd;
  if (root) proc.root = ino; else proc.cwd = ino;
  yield* putLong(fs, old);
}

export function* readDirEntries(fs: FsState, path: string, index: number, count: number, who: Who = ROOT_WHO): Generator<KernelCall, { entries: FsDirent[]; next: number }, any> {
  const dir = yield* lookup(fs, path, who);
  try {
    if (!isDir(dir.d.mode)) throw new FsError(ENOTDIR, `'${path}' is not a directory`);
    yield* need(fs, who, dir, R_BIT, `'${path}'`);
    const bs = fs.sb.blockSize;
    const perBlock = bs / DIRENT_BYTES;
    const total = Math.floor(dir.d.size / DIRENT_BYTES);
    const entries: FsDirent[] = [];
    let seen = 0;
    for (let bi = 0; bi * perBlock < total; bi++) {
      const z = yield* readMap(fs, dir, bi);
      if (z === 0) continue;
      const bp = yield* fs.cache.getBlock(z);
      const n = Math.min(perBlock, total - bi * perBlock);
      for (let e = 0; e < n; e++) {
        const nr = direntInode(bp.data, e * DIRENT_BYTES);
        if (nr === 0 || (dir.nr === ROOT_INODE && direntName(bp.data, e * DIRENT_BYTES) === LABEL_FILE)) continue;
        if (seen++ < index) continue;
        if (entries.length === count) { yield* fs.cache.putBlock(bp, BlockType.DIRECTORY); return { entries, next: index + count }; }
        entries.push({ name: direntName(bp.data, e * DIRENT_BYTES), ino: nr });
      }
      yield* fs.cache.putBlock(bp, BlockType.DIRECTORY);
    }
    return { entries, next: -1 };
  } finally {
    yield* putInode(fs, dir);
  }
}

export function* statFs(fs: FsState): Generator<KernelCall, FsStatfs, any> {
  return {
    blockSize: fs.sb.blockSize,
    maxFileBytes: Math.min(maxFileBytes(fs.sb.blockSize), fs.sb.maxSize),
    zones: fs.sb.zones - fs.sb.firstDataZone,
    freeZones: yield* countFree(fs, BitMap.ZMAP),
    inodes: fs.sb.ninodes,
    freeInodes: yield* countFree(fs, BitMap.IMAP),
  };
}
