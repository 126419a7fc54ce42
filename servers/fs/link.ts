/*
 * Names, as MINIX's link.c. The entry points are:
 *   unlinkFile(fs, path, who)          remove a name of a non-directory; the inode goes with its last link and last close
 *   removeDir(fs, path, who)           remove an empty directory ('.' and '..' with it)
 *   linkFile(fs, path, path2, who)     a second name for a file (not a directory: EPERM)
 *   renameFile(fs, from, to, who)      rename: across directories, over an existing entry, never a directory into itself
 *   makeSymlink(fs, target, path, who) / readLink(fs, path, who)   symbolic links
 *   truncatePath(fs, path, n, who)     set a regular file's length (shrinking frees zones)
 * Each name change needs write and search permission on the directory, and
 * a sticky directory keeps others' names.
 */
import { EBUSY, EEXIST, EINVAL, EISDIR, EMLINK, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, type KernelCall } from '../../kernel/index.js';
import { corrupt, FsError } from './errors.js';
import { getInode, putInode, rwInode, type Inode } from './inode.js';
import { isDir, isReg, ROOT_INODE, S_IFLNK } from './layout.js';
import { macCreate } from './mac.js';
import { LINK_MAX, newNode } from './open.js';
import { DirOp, isSymlink, lastDir, lookup, readLinkText, searchDir } from './path.js';
import { need, needMac, needNotSticky, W_BIT, X_BIT } from './protect.js';
import { nowSec, ROOT_WHO, type FsState, type Who } from './state.js';
import { truncateInode, writeFile } from './write.js';

/** A bound on '..' steps when checking that a directory is not moved below itself. */
const MAX_DEPTH = 4096;

function* needRemove(fs: FsState, who: Who, dir: Inode, path: string): Generator<KernelCall, void, any> {
  yield* need(fs, who, dir, W_BIT | X_BIT, `'${path}': parent directory`);
  yield* needMac(fs, who, dir, 'remove_name', `'${path}'`);
}

/** Is inode nr some process's root directory (it cannot be removed or replaced: EBUSY)? */
function isSomeRoot(fs: FsState, nr: number): boolean {
  if (nr === ROOT_INODE) return true;
  for (const p of fs.procs.byEndpoint.values()) if (p.rootNr === nr) return true;
  return false;
}

function dropLink(fs: FsState, ino: Inode): void {
  if (ino.d.nlinks > 0) ino.d.nlinks--;
  ino.d.ctime = nowSec(fs);
  ino.dirty = true;
}

export function* unlinkFile(fs: FsState, path: string, who: Who = ROOT_WHO): Generator<KernelCall, void, any> {
  const { dir, name } = yield* lastDir(fs, path, who);
  try {
    yield* needRemove(fs, who, dir, path);
    const nr = yield* searchDir(fs, dir, name, DirOp.LOOK_UP);
    if (nr === 0) throw new FsError(ENOENT, `'${path}' not found`);
    const ino = yield* getInode(fs, nr);
    try {
      if (isDir(ino.d.mode)) throw new FsError(EPERM, `'${path}' is a directory: use rmdir`);
      yield* needNotSticky(fs, who, dir, ino, `'${path}'`);
      yield* needMac(fs, who, ino, 'unlink', `'${path}'`);
      yield* searchDir(fs, dir, name, DirOp.DELETE);
      dropLink(fs, ino);
    } finally {
      yield* putInode(fs, ino);
    }
  } finally {
    yield* putInode(fs, dir);
  }
}

/** Checks that a directory named `name` in `dir` may go, for rmdir and for rename over it. */
function* checkDirRemovable(fs: FsState, who: Who, dir: Inode, ino: Inode, path: string): Generator<KernelCall, void, any> {
  if (!isDir(ino.d.mode)) throw new FsError(ENOTDIR, `'${path}' is not a directory`);
  if (isSomeRoot(fs, ino.nr)) throw new FsError(EBUSY, `'${path}' is a root directory`);
  yield* needNotSticky(fs, who, dir, ino, `'${path}'`);
  yield* needMac(fs, who, ino, 'rmdir', `'${path}'`);
  if ((yield* searchDir(fs, ino, '', DirOp.IS_EMPTY)) === 0) throw new FsError(ENOTEMPTY, `'${path}' is not empty`);
}

export function* removeDir(fs: FsState, path: string, who: Who = ROOT_WHO): Generator<KernelCall, void, any> {
  const { dir, name } = yield* lastDir(fs, path, who);
  try {
    if (name === '..') throw new FsError(ENOTEMPTY, `'${path}': cannot remove '..'`);
    yield* needRemove(fs, who, dir, path);
    const nr = yield* searchDir(fs, dir, name, DirOp.LOOK_UP);
    if (nr === 0) throw new FsError(ENOENT, `'${path}' not found`);
    if (nr === ROOT_INODE) throw new FsError(EBUSY, 'cannot remove the root directory');
    if (nr === dir.nr) throw new FsError(EINVAL, `'${path}' names its own parent`);
    const ino = yield* getInode(fs, nr);
    try {
      yield* checkDirRemovable(fs, who, dir, ino, path);
      yield* searchDir(fs, dir, name, DirOp.DELETE);
      // The name, '.' and '..' go: the directory's two links and one of its parent's.
      ino.d.nlinks = 0;
      ino.d.ctime = nowSec(fs);
      ino.dirty = true;
      dropLink(fs, dir);
    } finally {
      yield* putInode(fs, ino);
    }
  } finally {
    yield* putInode(fs, dir);
  }
}

export function* linkFile(fs: FsState, path: string, path2: string, who: Who = ROOT_WHO): Generator<KernelCall, void, any> {
  const ino = yield* lookup(fs, path, who, false);
  try {
    if (isDir(ino.d.mode)) throw new FsError(EPERM, `'${path}' is a directory: no hard links to directories`);
    if (ino.d.nlinks >= LINK_MAX) throw new FsError(EMLINK, `'${path}' has ${LINK_MAX} links`);
    yield* needMac(fs, who, ino, 'link', `'${path}'`);
    const { dir, name } = yield* lastDir(fs, path2, who);
    try {
      yield* need(fs, who, dir, W_BIT | X_BIT, `'${path2}': parent directory`);
      yield* needMac(fs, who, dir, 'add_name', `'${path2}'`);
      if ((yield* searchDir(fs, dir, name, DirOp.LOOK_UP)) !== 0) throw new FsError(EEXIST, `'${path2}' exists`);
      // The count first, written, then the entry: a crash in between leaves a count one too high (a leak
      // fsck repairs), never one too low. MINIX's do_link enters the name first.
      ino.d.nlinks++;
      ino.d.ctime = nowSec(fs);
      yield* rwInode(fs, ino, true);
      try {
        yield* searchDir(fs, dir, name, DirOp.ENTER, ino.nr);
      } catch (err) {
        ino.d.nlinks--;
        ino.dirty = true;
        throw err;
      }
    } finally {
      yield* putInode(fs, dir);
    }
  } finally {
    yield* putInode(fs, ino);
  }
}

/** Is `dirNr` (a directory) `ancestor` or below it? Walks '..' up to the root. */
function* isBelow(fs: FsState, dirNr: number, ancestor: number): Generator<KernelCall, boolean, any> {
  let nr = dirNr;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (nr === ancestor) return true;
    if (nr === ROOT_INODE) return false;
    const d = yield* getInode(fs, nr);
    try {
      nr = yield* searchDir(fs, d, '..', DirOp.LOOK_UP);
    } finally {
      yield* putInode(fs, d);
    }
    if (nr === 0) throw corrupt(`directory inode ${dirNr}: an ancestor has no '..'`);
  }
  throw corrupt(`directory inode ${dirNr}: deeper than ${MAX_DEPTH} levels (a '..' loop?)`);
}

export function* renameFile(fs: FsState, from: string, to: string, who: Who = ROOT_WHO): Generator<KernelCall, void, any> {
  const holds: Inode[] = [];
  const hold = (i: Inode): Inode => { holds.push(i); return i; };
  try {
    const { dir: odir, name: oname } = yield* lastDir(fs, from, who);
    hold(odir);
    const { dir: ndir, name: nname } = yield* lastDir(fs, to, who);
    hold(ndir);
    if (oname === '..' || nname === '..') throw new FsError(EINVAL, `rename '${from}' to '${to}': '..' cannot be renamed or replaced`);
    yield* needRemove(fs, who, odir, from);
    yield* need(fs, who, ndir, W_BIT | X_BIT, `'${to}': parent directory`);
    yield* needMac(fs, who, ndir, 'add_name', `'${to}'`);
    const onr = yield* searchDir(fs, odir, oname, DirOp.LOOK_UP);
    if (onr === 0) throw new FsError(ENOENT, `'${from}' not found`);
    const oino = hold(yield* getInode(fs, onr));
    const movingDir = isDir(oino.d.mode);
    yield* needNotSticky(fs, who, odir, oino, `'${from}'`);
    yield* needMac(fs, who, oino, 'rename', `'${from}'`);
    if (movingDir) {
      if (isSomeRoot(fs, onr)) throw new FsError(EBUSY, `'${from}' is a root directory`);
      if (yield* isBelow(fs, ndir.nr, onr)) throw new FsError(EINVAL, `cannot move '${from}' into itself ('${to}')`);
      if (odir.nr !== ndir.nr) {
        // Its '..' changes: the directory itself must be writable.
        yield* need(fs, who, oino, W_BIT, `'${from}'`);
        yield* needMac(fs, who, oino, 'reparent', `'${from}'`);
      }
    }
    const nnr = yield* searchDir(fs, ndir, nname, DirOp.LOOK_UP);
    if (nnr === onr) return; // two names of one file: POSIX says do nothing
    let nino: Inode | null = null;
    if (nnr !== 0) {
      nino = hold(yield* getInode(fs, nnr));
      if (movingDir && !isDir(nino.d.mode)) throw new FsError(ENOTDIR, `'${to}' is not a directory`);
      if (!movingDir && isDir(nino.d.mode)) throw new FsError(EISDIR, `'${to}' is a directory`);
      if (isDir(nino.d.mode)) yield* checkDirRemovable(fs, who, ndir, nino, to);
      else { yield* needNotSticky(fs, who, ndir, nino, `'${to}'`); yield* needMac(fs, who, nino, 'unlink', `'${to}'`); }
    } else if (movingDir && odir.nr !== ndir.nr && ndir.d.nlinks >= LINK_MAX) {
      throw new FsError(EMLINK, `'${to}': parent has ${LINK_MAX} links`);
    }
    // Replace or add the new name first: if the directory cannot grow (ENOSPC), nothing has changed.
    if (nino !== null) {
      yield* searchDir(fs, ndir, nname, DirOp.DELETE);
      if (isDir(nino.d.mode)) { nino.d.nlinks = 0; nino.dirty = true; dropLink(fs, ndir); }
      else dropLink(fs, nino);
    }
    yield* searchDir(fs, ndir, nname, DirOp.ENTER, onr);
    yield* searchDir(fs, odir, oname, DirOp.DELETE);
    if (movingDir && odir.nr !== ndir.nr) {
      yield* searchDir(fs, oino, '..', DirOp.DELETE);
      yield* searchDir(fs, oino, '..', DirOp.ENTER, ndir.nr);
      dropLink(fs, odir);
      ndir.d.nlinks++;
      ndir.dirty = true;
    }
    oino.d.ctime = nowSec(fs);
    oino.dirty = true;
  } finally {
    for (const i of holds.reverse()) yield* putInode(fs, i);
  }
}

export function* makeSymlink(fs: FsState, target: string, path: string, who: Who = ROOT_WHO): Generator<KernelCall, void, any> {
  const bytes = new TextEncoder().encode(target);
  if (bytes.length === 0) throw new FsError(ENOENT, 'symbolic link to an empty path');
  // MINIX keeps a link's text in one block, with room for a terminating NUL.
  if (bytes.length >= fs.sb.blockSize) throw new FsError(ENAMETOOLONG, `link target of ${bytes.length} bytes does not fit a ${fs.sb.blockSize}-byte block`);
  const { dir, name } = yield* lastDir(fs, path, who);
  try {
    yield* need(fs, who, dir, W_BIT | X_BIT, `'${path}': parent directory`);
    yield* needMac(fs, who, dir, 'add_name', `'${path}'`);
    const label = yield* macCreate(fs, who, dir, name, S_IFLNK);
    // The text is written before the name is entered (newNode): no name for a link without its target.
    const ino = yield* newNode(fs, dir, name, S_IFLNK | 0o777, who.uid, who.gid, 1, label, function* (link) {
      yield* writeFile(fs, link, 0, bytes);
    });
    yield* putInode(fs, ino);
  } finally {
    yield* putInode(fs, dir);
  }
}

export function* readLink(fs: FsState, path: string, who: Who = ROOT_WHO): Generator<KernelCall, string, any> {
  const ino = yield* lookup(fs, path, who, false);
  try {
    if (!isSymlink(ino.d.mode)) throw new FsError(EINVAL, `'${path}' is not a symbolic link`);
    yield* needMac(fs, who, ino, 'read', `'${path}'`);
    return yield* readLinkText(fs, ino);
  } finally {
    yield* putInode(fs, ino);
  }
}

/** Set a regular file's length; the caller has checked the right to write. */
export function* truncateHeld(fs: FsState, ino: Inode, length: number, what: string): Generator<KernelCall, void, any> {
  if (isDir(ino.d.mode)) throw new FsError(EISDIR, `${what} is a directory`);
  if (!isReg(ino.d.mode)) throw new FsError(EINVAL, `${what} is not a regular file`);
  yield* truncateInode(fs, ino, length);
}

export function* truncatePath(fs: FsState, path: string, length: number, who: Who = ROOT_WHO): Generator<KernelCall, void, any> {
  const ino = yield* lookup(fs, path, who);
  try {
    if (isDir(ino.d.mode)) throw new FsError(EISDIR, `'${path}' is a directory`);
    yield* need(fs, who, ino, W_BIT, `'${path}'`);
    yield* truncateHeld(fs, ino, length, `'${path}'`);
  } finally {
    yield* putInode(fs, ino);
  }
}
