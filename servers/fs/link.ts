/*
 * Removing names, as MINIX's link.c. The entry points are:
 *   unlinkFile(fs, path)       remove a name of a non-directory; the inode goes with its last link
 *   removeDir(fs, path)        remove an empty directory ('.' and '..' with it)
 *   truncatePath(fs, path, n)  set a regular file's length (shrinking frees zones)
 */
import { EBUSY, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, type KernelCall } from '../../kernel/index.js';
import { FsError } from './errors.js';
import { getInode, putInode } from './inode.js';
import { isDir, isReg, ROOT_INODE } from './layout.js';
import { DirOp, lastDir, lookup, searchDir } from './path.js';
import { nowSec, type FsState } from './state.js';
import { truncateInode } from './write.js';

export function* unlinkFile(fs: FsState, path: string): Generator<KernelCall, void, any> {
  const { dir, name } = yield* lastDir(fs, path);
  try {
    const nr = yield* searchDir(fs, dir, name, DirOp.LOOK_UP);
    if (nr === 0) throw new FsError(ENOENT, `'${path}' not found`);
    const ino = yield* getInode(fs, nr);
    if (isDir(ino.d.mode)) { yield* putInode(fs, ino); throw new FsError(EPERM, `'${path}' is a directory: use rmdir`); }
    yield* searchDir(fs, dir, name, DirOp.DELETE);
    if (ino.d.nlinks > 0) ino.d.nlinks--;
    ino.d.ctime = nowSec(fs);
    ino.dirty = true;
    yield* putInode(fs, ino);
  } finally {
    yield* putInode(fs, dir);
  }
}

export function* removeDir(fs: FsState, path: string): Generator<KernelCall, void, any> {
  const { dir, name } = yield* lastDir(fs, path);
  try {
    if (name === '..') throw new FsError(ENOTEMPTY, `'${path}': cannot remove '..'`);
    const nr = yield* searchDir(fs, dir, name, DirOp.LOOK_UP);
    if (nr === 0) throw new FsError(ENOENT, `'${path}' not found`);
    if (nr === ROOT_INODE) throw new FsError(EBUSY, 'cannot remove the root directory');
    if (nr === dir.nr) throw new FsError(EINVAL, `'${path}' names its own parent`);
    const ino = yield* getInode(fs, nr);
    try {
      if (!isDir(ino.d.mode)) throw new FsError(ENOTDIR, `'${path}' is not a directory`);
      if ((yield* searchDir(fs, ino, '', DirOp.IS_EMPTY)) === 0) throw new FsError(ENOTEMPTY, `'${path}' is not empty`);
      yield* searchDir(fs, dir, name, DirOp.DELETE);
      // The name, '.' and '..' go: the directory's two links and one of its parent's.
      ino.d.nlinks = 0;
      ino.dirty = true;
      if (dir.d.nlinks > 0) dir.d.nlinks--;
      dir.dirty = true;
    } finally {
      yield* putInode(fs, ino);
    }
  } finally {
    yield* putInode(fs, dir);
  }
}

export function* truncatePath(fs: FsState, path: string, length: number): Generator<KernelCall, void, any> {
  const ino = yield* lookup(fs, path);
  try {
    if (isDir(ino.d.mode)) throw new FsError(EISDIR, `'${path}' is a directory`);
    if (!isReg(ino.d.mode)) throw new FsError(EINVAL, `'${path}' is not a regular file`);
    yield* truncateInode(fs, ino, length);
  } finally {
    yield* putInode(fs, ino);
  }
}
