/*
 * Path names and directories, as MINIX's path.c. The entry points are:
 *   searchDir(fs, dir, name, op, nr)  LOOK_UP an entry, ENTER one, DELETE one, or ask IS_EMPTY
 *                                     (through the directory's name-cache hash when it has one: dircache.ts)
 *   lookup(fs, path, who, follow)     the inode a path names, held (search permission, symbolic links, chroot)
 *   lastDir(fs, path, who)            the parent directory (held) and the final name
 *   readLinkText(fs, ino)             a symbolic link's target
 *   splitPath(path)                   components, checked (ENAMETOOLONG, EINVAL)
 * A directory is read only up to its size, one block at a time, and a path
 * has a bounded number of components, so a corrupt tree cannot loop.
 */
import { EEXIST, EINVAL, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, EPERM, type KernelCall } from '../../kernel/index.js';
import { allocZone } from './alloc.js';
import { BlockType, type Buf } from './cache.js';
import { nameKey, type DirHash } from './dircache.js';
import { corrupt, FsError } from './errors.js';
import { cachedInode, getInode, putInode, releaseInode, type Inode } from './inode.js';
import { LABEL_FILE } from './label.js';
import { DIRENT_BYTES, direntInode, direntNameEquals, encodedNameBytes, isDir, NAME_MAX, NR_DZONES, ROOT_INODE, S_IFLNK, S_IFMT, setDirentInode, writeDirent } from './layout.js';
import { need, X_BIT } from './protect.js';
import { mapDirect, readFile, readMap } from './read.js';
import { checkWritable, nowSec, ROOT_WHO, type FsState, type Who } from './state.js';
import { freshBlock, writeMap } from './write.js';

export const enum DirOp { LOOK_UP, ENTER, DELETE, IS_EMPTY }

export const PATH_MAX = 4096;

export function splitPath(path: string): string[] {
  if (typeof path !== 'string' || path.length === 0) throw new FsError(ENOENT, 'empty path');
  if (path.length > PATH_MAX) throw new FsError(ENAMETOOLONG, `path of ${path.length} characters exceeds ${PATH_MAX}`);
  if (path.includes('\0')) throw new FsError(EINVAL, 'path contains a NUL byte');
  // One pass over the characters (no split, no filter: every open and create comes here).
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i < path.length && path.charCodeAt(i) !== 0x2f) continue; // '/'
    const len = i - start;
    if (len > 0 && !(len === 1 && path.charCodeAt(start) === 0x2e)) parts.push(path.slice(start, i)); // not '' nor '.'
    start = i + 1;
  }
  // A UTF-16 unit encodes to at most 3 bytes: a name of up to NAME_MAX / 3 units needs no count.
  for (const p of parts) if (p.length > NAME_MAX / 3 && encodedNameBytes(p) > NAME_MAX) throw new FsError(ENAMETOOLONG, `name '${p.slice(0, 20)}...' exceeds ${NAME_MAX} bytes`);
  return parts;
}

/**
 * One pass over a directory. LOOK_UP returns the inode number (0: absent);
 * ENTER adds name -> nr in the first free slot or at the end (EEXIST if
 * present); DELETE clears the entry and returns the inode it named;
 * IS_EMPTY returns 1 when only '.' and '..' remain. A directory scanned
 * whole is hashed (dircache.ts); later calls find the entry in the hash and
 * only get the blocks the scan would have got.
 */
export function* searchDir(fs: FsState, dir: Inode, name: string, op: DirOp, nr = 0): Generator<KernelCall, number, any> {
  if (!isDir(dir.d.mode)) throw new FsError(ENOTDIR, `inode ${dir.nr} is not a directory`);
  // As MINIX's search_dir: entering or deleting a name on a read-only file system is EROFS.
  if (op === DirOp.ENTER || op === DirOp.DELETE) checkWritable(fs, `'${name}'`);
  const encoded = fs.names.encode(name);
  if (op !== DirOp.IS_EMPTY) {
    const hash = fs.dirs.usable(dir.nr, dir.d.size);
    if (hash !== null) return yield* searchHashed(fs, dir, hash, name, encoded, op, nr);
  }
  const bs = fs.sb.blockSize;
  const perBlock = bs / DIRENT_BYTES;
  const entries = Math.floor(dir.d.size / DIRENT_BYTES);
  // Hash what a whole scan sees (a LOOK_UP that finds its name stops early: nothing kept).
  const build = (op === DirOp.LOOK_UP || op === DirOp.ENTER) && dir.d.size % DIRENT_BYTES === 0 ? fs.dirs.builder(entries, dir.d.size) : null;
  let building = build !== null;
  let freeSlotBlock = -1;
  let freeSlotOffset = 0;
  let freeSlotIndex = -1;
  const blocks = Math.ceil(entries / perBlock);
  for (let bi = 0; bi < blocks; bi++) {
    const z = yield* readMap(fs, dir, bi);
    if (z === 0) continue; // a hole holds no entries
    const bp = yield* fs.cache.getBlock(z);
    const data = bp.data;
    const n = Math.min(perBlock, entries - bi * perBlock);
    for (let e = 0; e < n; e++) {
      const off = e * DIRENT_BYTES;
      const ino = direntInode(data, off);
      if (ino === 0) {
        if (building) build!.noteFree(bi * perBlock + e);
        if (op === DirOp.ENTER && freeSlotBlock < 0) { freeSlotBlock = z; freeSlotOffset = off; freeSlotIndex = bi * perBlock + e; }
        continue;
      }
      if (op === DirOp.IS_EMPTY) {
        if (bi === 0 && e < 2) continue;
        yield* fs.cache.putBlock(bp, BlockType.DIRECTORY);
        return 0;
      }
      if (building && !build!.noteName(nameKey(data, off + 4, off + DIRENT_BYTES), bi * perBlock + e)) building = false;
      if (!direntNameEquals(data, off, encoded)) continue;
      return yield* foundEntry(fs, dir, bp, off, ino, name, op);
    }
    yield* fs.cache.putBlock(bp, BlockType.DIRECTORY);
  }
  if (op === DirOp.IS_EMPTY) return 1;
  if (building) fs.dirs.install(dir.nr, build!);
  if (op !== DirOp.ENTER) return 0;
  return yield* enterEntry(fs, dir, building ? build : null, name, encoded, nr, freeSlotBlock, freeSlotOffset, freeSlotIndex);
}

/** The entry at `off` of held block `bp` bears the name: check it, DELETE it, put the block; EEXIST for ENTER. */
function* foundEntry(fs: FsState, dir: Inode, bp: Buf, off: number, ino: number, name: string, op: DirOp): Generator<KernelCall, number, any> {
  if (ino > fs.sb.ninodes) {
    yield* fs.cache.putBlock(bp, BlockType.DIRECTORY);
    throw corrupt(`directory inode ${dir.nr}: entry '${name}' points to inode ${ino} beyond s_ninodes ${fs.sb.ninodes}`);
  }
  if (op === DirOp.DELETE) {
    fs.cache.markDirty(bp);
    setDirentInode(bp.data, off, 0);
    dir.d.mtime = dir.d.ctime = nowSec(fs);
    dir.dirty = true;
  }
  yield* fs.cache.putBlock(bp, BlockType.DIRECTORY);
  if (op === DirOp.ENTER) throw new FsError(EEXIST, `'${name}' exists`);
  return ino;
}

/** ENTER after a scan found no such name: the first free slot (zone, offset, index) or a new entry at the end. */
function* enterEntry(fs: FsState, dir: Inode, hash: DirHash | null, name: string, encoded: Uint8Array, nr: number, freeSlotBlock: number, freeSlotOffset: number, freeSlotIndex: number): Generator<KernelCall, number, any> {
  const bs = fs.sb.blockSize;
  let index = freeSlotIndex;
  if (freeSlotBlock >= 0) {
    const bp = yield* fs.cache.getBlock(freeSlotBlock);
    fs.cache.markDirty(bp);
    writeDirent(bp.data, freeSlotOffset, nr, encoded);
    yield* fs.cache.putBlock(bp, BlockType.DIRECTORY);
  } else {
    // Append: a new block when the last one is full.
    index = Math.floor(dir.d.size / DIRENT_BYTES);
    const blockIndex = Math.floor(dir.d.size / bs);
    const offset = dir.d.size % bs;
    let z = yield* readMap(fs, dir, blockIndex);
    let bp;
    if (z === 0) {
      z = yield* allocZone(fs, dir.d.zone[0]!);
      yield* writeMap(fs, dir, blockIndex, z);
      bp = yield* freshBlock(fs, z);
    } else {
      bp = yield* fs.cache.getBlock(z);
    }
    fs.cache.markDirty(bp);
    writeDirent(bp.data, offset, nr, encoded);
    yield* fs.cache.putBlock(bp, BlockType.DIRECTORY);
    dir.d.size += DIRENT_BYTES;
  }
  if (hash !== null) {
    hash.add(keyOf(name, encoded), index);
    hash.sizeBytes = dir.d.size;
  }
  dir.d.mtime = dir.d.ctime = nowSec(fs);
  dir.dirty = true;
  return nr;
}

/**
 * Get and put blocks [from, to) of a directory, as a scan passes them
 * (holes skipped); returns the zone of block `want` (-1: not passed).
 */
function* passBlocks(fs: FsState, dir: Inode, from: number, to: number, want = -1): Generator<KernelCall, number, any> {
  let wanted = -1;
  for (let bi = from; bi < to; bi++) {
    const z = bi < NR_DZONES ? mapDirect(fs, dir, bi) : yield* readMap(fs, dir, bi);
    if (bi === want) wanted = z;
    if (z === 0) continue;
    // get_block and put_block as the scan does them; a hit needs no generator.
    const bp = fs.cache.hit(z) ?? (yield* fs.cache.getBlock(z));
    if (!fs.cache.put(bp, BlockType.DIRECTORY)) yield* fs.cache.putBlock(bp, BlockType.DIRECTORY);
  }
  return wanted;
}

/** searchDir through the directory's hash: the same answers, blocks got and changes as the scan's. */
function* searchHashed(fs: FsState, dir: Inode, hash: DirHash, name: string, encoded: Uint8Array, op: DirOp, nr: number): Generator<KernelCall, number, any> {
  const perBlock = fs.sb.blockSize / DIRENT_BYTES;
  const entries = Math.floor(dir.d.size / DIRENT_BYTES);
  const blocks = Math.ceil(entries / perBlock);
  const key = keyOf(name, encoded);
  const index = hash.lookup(key);
  if (index === undefined) {
    const free = hash.firstFree();
    const freeBlock = free < 0 ? -1 : Math.floor(free / perBlock);
    const z = yield* passBlocks(fs, dir, 0, blocks, op === DirOp.ENTER ? freeBlock : -1);
    if (op !== DirOp.ENTER) return 0;
    if (free >= 0 && z <= 0) return yield* rescan(fs, dir, name, op, nr);
    return yield* enterEntry(fs, dir, hash, name, encoded, nr, free >= 0 ? z : -1, (free % perBlock) * DIRENT_BYTES, free);
  }
  const blockIndex = Math.floor(index / perBlock);
  yield* passBlocks(fs, dir, 0, blockIndex);
  const z = blockIndex < NR_DZONES ? mapDirect(fs, dir, blockIndex) : yield* readMap(fs, dir, blockIndex);
  if (z === 0) return yield* rescan(fs, dir, name, op, nr);
  const bp = fs.cache.hit(z) ?? (yield* fs.cache.getBlock(z));
  const off = (index % perBlock) * DIRENT_BYTES;
  const ino = direntInode(bp.data, off);
  if (ino === 0 || !direntNameEquals(bp.data, off, encoded)) {
    yield* fs.cache.putBlock(bp, BlockType.DIRECTORY);
    return yield* rescan(fs, dir, name, op, nr);
  }
  if (op === DirOp.DELETE && ino <= fs.sb.ninodes) hash.remove(key, index);
  return yield* foundEntry(fs, dir, bp, off, ino, name, op);
}

/** The hash key of a name (dircache.ts nameKey of its bytes): an ASCII name is its own key. */
function keyOf(name: string, encoded: Uint8Array): string {
  return encoded.length === name.length ? name : nameKey(encoded);
}

/** The hash disagreed with the blocks (a change that bypassed searchDir): forget it and scan. */
function* rescan(fs: FsState, dir: Inode, name: string, op: DirOp, nr: number): Generator<KernelCall, number, any> {
  fs.dirs.drop(dir.nr);
  return yield* searchDir(fs, dir, name, op, nr);
}

/** Symbolic links followed in one path resolution before ELOOP (POSIX's SYMLOOP_MAX; MINIX uses 16). */
export const SYMLOOP_MAX = 16;

export const isSymlink = (mode: number): boolean => (mode & S_IFMT) === S_IFLNK;

/** The target of a symbolic link (its data, at most a block). */
export function* readLinkText(fs: FsState, ino: Inode): Generator<KernelCall, string, any> {
  const size = ino.d.size;
  if (size > fs.sb.blockSize) throw corrupt(`symbolic link inode ${ino.nr}: size ${size} exceeds a block`);
  const buf = new Uint8Array(size);
  const n = yield* readFile(fs, ino, 0, buf);
  return new TextDecoder().decode(buf.subarray(0, n));
}

/**
 * Resolve components from `start` (held; this takes over the hold).
 * Every directory passed needs search permission for `who`; '..' at the
 * caller's root stays there (chroot); symbolic links are expanded, the last
 * one only when `followLast`, at most SYMLOOP_MAX in all (ELOOP).
 * Each step holds only the current inode.
 */
function* walk(fs: FsState, who: Who, start: Inode, parts: string[], followLast: boolean, links: { n: number }): Generator<KernelCall, Inode, any> {
  let cur = start;
  const queue = parts;
  try {
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (!isDir(cur.d.mode)) throw new FsError(ENOTDIR, `'${name}': a path component is not a directory`);
      yield* need(fs, who, cur, X_BIT, `'${name}'`);
      if (name === '..' && (cur.nr === who.rootNr || cur.nr === ROOT_INODE)) continue;
      // The label file is the FS's own: no process sees it.
      if (name === LABEL_FILE && cur.nr === ROOT_INODE) throw new FsError(ENOENT, `'${name}' not found`);
      const nr = yield* searchDir(fs, cur, name, DirOp.LOOK_UP);
      if (nr === 0) throw new FsError(ENOENT, `'${name}' not found`);
      const next = cachedInode(fs, nr) ?? (yield* getInode(fs, nr));
      if (isSymlink(next.d.mode) && (queue.length > 0 || followLast)) {
        let target: string;
        try {
          if (++links.n > SYMLOOP_MAX) throw new FsError(ELOOP, `'${name}': more than ${SYMLOOP_MAX} symbolic links in the path`);
          target = yield* readLinkText(fs, next);
        } finally {
          yield* putInode(fs, next);
        }
        queue.unshift(...splitPath(target));
        if (target.startsWith('/')) {
          yield* putInode(fs, cur);
          cur = yield* getInode(fs, who.rootNr);
        }
        continue;
      }
      if (!releaseInode(fs, cur)) yield* putInode(fs, cur);
      cur = next;
    }
  } catch (err) {
    yield* putInode(fs, cur);
    throw err;
  }
  return cur;
}

function* startOf(fs: FsState, who: Who, path: string): Generator<KernelCall, Inode, any> {
  const nr = path.startsWith('/') ? who.rootNr : who.cwdNr;
  return cachedInode(fs, nr) ?? (yield* getInode(fs, nr));
}

/** The inode a path names, held; relative paths start at who's working directory. */
export function* lookup(fs: FsState, path: string, who: Who = ROOT_WHO, follow = true): Generator<KernelCall, Inode, any> {
  const parts = splitPath(path);
  return yield* walk(fs, who, yield* startOf(fs, who, path), parts, follow, { n: 0 });
}

/** The directory that holds a path's last component (held, searchable checked on the way) and that name. */
export function* lastDir(fs: FsState, path: string, who: Who = ROOT_WHO): Generator<KernelCall, { dir: Inode; name: string }, any> {
  const parts = splitPath(path);
  const name = parts.pop();
  if (name === undefined) throw new FsError(EINVAL, `'${path}' names the root`);
  const dir = yield* walk(fs, who, yield* startOf(fs, who, path), parts, true, { n: 0 });
  if (!isDir(dir.d.mode)) { yield* putInode(fs, dir); throw new FsError(ENOTDIR, `parent of '${name}' is not a directory`); }
  if (name === LABEL_FILE && dir.nr === ROOT_INODE) { yield* putInode(fs, dir); throw new FsError(EPERM, `'/${name}' is reserved for security labels`); }
  return { dir, name };
}
