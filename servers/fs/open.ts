/*
 * Making files and directories, as MINIX's open.c. The entry points are:
 *   createFile(fs, path, mode, options)  a regular file (or the existing one: EEXIST if exclusive, cut if truncate)
 *   makeDir(fs, path, mode, uid, gid)    a directory with '.' and '..', the parent's link count raised
 * Both return the inode number.
 */
import { EEXIST, EISDIR, EMLINK, type KernelCall } from '../../kernel/index.js';
import { FsError } from './errors.js';
import { allocInode, getInode, putInode, type Inode } from './inode.js';
import { isDir, S_IFDIR, S_IFREG } from './layout.js';
import { DirOp, lastDir, searchDir } from './path.js';
import type { FsState } from './state.js';
import { truncateInode } from './write.js';

/** V3 keeps i_nlinks in 16 bits; MINIX caps links at LINK_MAX = SHRT_MAX. */
export const LINK_MAX = 0x7fff;

export interface CreateOptions {
  readonly exclusive?: boolean;
  readonly truncate?: boolean;
  readonly uid?: number;
  readonly gid?: number;
}

/** A new inode entered in dir under name; on failure to enter, the inode is freed again. */
function* newNode(fs: FsState, dir: Inode, name: string, mode: number, uid: number, gid: number, nlinks: number): Generator<KernelCall, Inode, any> {
  const ino = yield* allocInode(fs, mode, uid, gid);
  ino.d.nlinks = nlinks;
  try {
    yield* searchDir(fs, dir, name, DirOp.ENTER, ino.nr);
  } catch (err) {
    ino.d.nlinks = 0;
    yield* putInode(fs, ino);
    throw err;
  }
  return ino;
}

export function* createFile(fs: FsState, path: string, mode: number, options: CreateOptions = {}): Generator<KernelCall, number, any> {
  const { dir, name } = yield* lastDir(fs, path);
  const existing = yield* searchDir(fs, dir, name, DirOp.LOOK_UP);
  if (existing !== 0) {
    yield* putInode(fs, dir);
    if (options.exclusive) throw new FsError(EEXIST, `'${path}' exists`);
    const ino = yield* getInode(fs, existing);
    if (isDir(ino.d.mode)) { yield* putInode(fs, ino); throw new FsError(EISDIR, `'${path}' is a directory`); }
    if (options.truncate) yield* truncateInode(fs, ino, 0);
    yield* putInode(fs, ino);
    return existing;
  }
  const ino = yield* newNode(fs, dir, name, S_IFREG | (mode & 0o7777), options.uid ?? 0, options.gid ?? 0, 1);
  yield* putInode(fs, dir);
  yield* putInode(fs, ino);
  return ino.nr;
}

export function* makeDir(fs: FsState, path: string, mode: number, uid = 0, gid = 0): Generator<KernelCall, number, any> {
  const { dir, name } = yield* lastDir(fs, path);
  if (dir.d.nlinks >= LINK_MAX) { yield* putInode(fs, dir); throw new FsError(EMLINK, `'${path}': parent has ${LINK_MAX} links`); }
  const ino = yield* newNode(fs, dir, name, S_IFDIR | (mode & 0o7777), uid, gid, 2);
  yield* searchDir(fs, ino, '.', DirOp.ENTER, ino.nr);
  yield* searchDir(fs, ino, '..', DirOp.ENTER, dir.nr);
  dir.d.nlinks++;
  dir.dirty = true;
  yield* putInode(fs, dir);
  yield* putInode(fs, ino);
  return ino.nr;
}
