/*
 * Making and opening files, as MINIX's open.c. The entry points are:
 *   createFile(fs, path, mode, options, who)  a regular file (or the existing one: EEXIST if exclusive, cut if truncate)
 *   makeDir(fs, path, mode, uid, gid, who)    a directory with '.' and '..', the parent's link count raised
 *   newNode(fs, dir, name, mode, uid, gid, nlinks, label, fill)   an inode, filled, labelled, written, then entered (freed again on failure)
 *   doOpen(fs, proc, path, flags, mode)       open(2): a descriptor (O_CREAT, O_EXCL, O_TRUNC, O_APPEND, access modes)
 *   closeFd(fs, proc, fd)                     close(2): the process's locks on the file go; the last close of a filp frees it
 * createFile and makeDir return the inode number; permission checks use `who`.
 */
import { EEXIST, EINVAL, EISDIR, EMLINK, ENODEV, ENXIO, type KernelCall } from '../../kernel/index.js';
import { majorOf } from './dmap.js';
import { FsError } from './errors.js';
import { freeFd, getFd, type Fproc } from './fproc.js';
import { allocInode, getInode, holdLong, putInode, putLong, releaseInode, rwInode, type Inode } from './inode.js';
import { isDir, isReg, S_IFBLK, S_IFCHR, S_IFDIR, S_IFMT, S_IFREG } from './layout.js';
import { writeLabel } from './label.js';
import { releaseLocks } from './lock.js';
import { macCreate, macFileOpened } from './mac.js';
import { DirOp, isSymlink, lastDir, lookup, searchDir } from './path.js';
import { closePipeEnd } from './pipe.js';
import { closeSocket } from './socket.js';
import { need, needMac, R_BIT, W_BIT, X_BIT } from './protect.js';
import { O_ACCMODE, O_APPEND, O_CREAT, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from './protocol.js';
import { checkWritable, ROOT_WHO, type FsState, type Who } from './state.js';
import { truncateInode } from './write.js';

/** V3 keeps i_nlinks in 16 bits; MINIX caps links at LINK_MAX = SHRT_MAX. */
export const LINK_MAX = 0x7fff;

export interface CreateOptions {
  readonly exclusive?: boolean;
  readonly truncate?: boolean;
  readonly uid?: number;
  readonly gid?: number;
}

/** What a new inode needs before its name is entered ('.' and '..' of a directory, a link's text). */
export type FillNode = (ino: Inode) => Generator<KernelCall, void, any>;

/**
 * A new inode entered in dir under name, held, with its security label (macCreate's).
 * MINIX's new_node order: the inode is complete and written (rw_inode) before
 * the name is entered, because "an inode with no directory entry is much
 * better than the opposite": with robust on, a crash in between leaves a
 * leak that fsck reclaims, never a name for a free inode. `fill` runs first
 * (mksim goes further than MINIX, which enters '.' and '..' after the name).
 * If anything fails, the inode is freed again and nothing names it.
 */
export function* newNode(fs: FsState, dir: Inode, name: string, mode: number, uid: number, gid: number, nlinks: number, label: string | null = null, fill?: FillNode): Generator<KernelCall, Inode, any> {
  const ino = yield* allocInode(fs, mode, uid, gid);
  ino.d.nlinks = nlinks;
  try {
    if (fill !== undefined) yield* fill(ino);
    // A context= mount labels every inode alike: nothing is stored.
    if (label !== null && fs.mac?.mountContext === null) yield* writeLabel(fs, fs.labels, ino.nr, label);
    yield* rwInode(fs, ino, true);
    yield* searchDir(fs, dir, name, DirOp.ENTER, ino.nr);
  } catch (err) {
    ino.d.nlinks = 0;
    ino.dirty = true;
    yield* putInode(fs, ino);
    throw err;
  }
  return ino;
}

/** May who add a name to dir? (write and search on the directory) */
function* needEnter(fs: FsState, who: Who, dir: Inode, path: string): Generator<KernelCall, void, any> {
  yield* need(fs, who, dir, W_BIT | X_BIT, `'${path}': parent directory`);
  yield* needMac(fs, who, dir, 'add_name', `'${path}'`);
}

/**
 * The inode to open or create: { ino (held), created }. An existing name
 * that is a symbolic link is followed (so O_CREAT through a dangling link
 * gives ENOENT, not a new file at its target: a simplification).
 */
function* openOrCreate(fs: FsState, path: string, mode: number, options: CreateOptions, who: Who): Generator<KernelCall, { ino: Inode; created: boolean }, any> {
  const { dir, name } = yield* lastDir(fs, path, who);
  let existing: number;
  try {
    existing = yield* searchDir(fs, dir, name, DirOp.LOOK_UP);
    if (existing === 0) {
      yield* needEnter(fs, who, dir, path);
      const label = yield* macCreate(fs, who, dir, name, S_IFREG);
      const ino = yield* newNode(fs, dir, name, S_IFREG | (mode & 0o7777), options.uid ?? who.uid, options.gid ?? who.gid, 1, label);
      return { ino, created: true };
    }
  } finally {
    if (!releaseInode(fs, dir)) yield* putInode(fs, dir);
  }
  if (options.exclusive) throw new FsError(EEXIST, `'${path}' exists`);
  let ino = yield* getInode(fs, existing);
  if (isSymlink(ino.d.mode)) {
    yield* putInode(fs, ino);
    ino = yield* lookup(fs, path, who);
  }
  return { ino, created: false };
}

export function* createFile(fs: FsState, path: string, mode: number, options: CreateOptions = {}, who: Who = ROOT_WHO): Generator<KernelCall, number, any> {
  const { ino, created } = yield* openOrCreate(fs, path, mode, options, who);
  try {
    if (!created) {
      if (isDir(ino.d.mode)) throw new FsError(EISDIR, `'${path}' is a directory`);
      if (options.truncate) {
        yield* need(fs, who, ino, W_BIT, `'${path}'`);
        if (isReg(ino.d.mode)) yield* truncateInode(fs, ino, 0);
      }
    }
    return ino.nr;
  } finally {
    yield* putInode(fs, ino);
  }
}

export function* makeDir(fs: FsState, path: string, mode: number, uid = 0, gid = 0, who: Who = ROOT_WHO): Generator<KernelCall, number, any> {
  const { dir, name } = yield* lastDir(fs, path, who);
  try {
    yield* needEnter(fs, who, dir, path);
    if (dir.d.nlinks >= LINK_MAX) throw new FsError(EMLINK, `'${path}': parent has ${LINK_MAX} links`);
    const label = yield* macCreate(fs, who, dir, name, S_IFDIR);
    // '.' and '..' first, and the parent's new link (the child's '..') counted and written before the
    // name appears: a crash in between leaves a count one too high (a leak), never one too low.
    // MINIX's do_mkdir enters the name first and undoes it when '.' or '..' cannot be entered.
    let parentRaised = false;
    const fill: FillNode = function* (ino) {
      yield* searchDir(fs, ino, '.', DirOp.ENTER, ino.nr);
      yield* searchDir(fs, ino, '..', DirOp.ENTER, dir.nr);
      dir.d.nlinks++;
      parentRaised = true;
      yield* rwInode(fs, dir, true);
    };
    let ino: Inode;
    try {
      ino = yield* newNode(fs, dir, name, S_IFDIR | (mode & 0o7777), uid, gid, 2, label, fill);
    } catch (err) {
      if (parentRaised) { dir.d.nlinks--; dir.dirty = true; }
      throw err;
    }
    yield* putInode(fs, ino);
    return ino.nr;
  } finally {
    yield* putInode(fs, dir);
  }
}

const VALID_OPEN_FLAGS = O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_NONBLOCK;

export function* doOpen(fs: FsState, proc: Fproc, path: string, flags: number, mode: number): Generator<KernelCall, number, any> {
  const acc = flags & O_ACCMODE;
  if ((flags & ~VALID_OPEN_FLAGS) !== 0 || (acc !== O_RDONLY && acc !== O_WRONLY && acc !== O_RDWR)) {
    throw new FsError(EINVAL, `open '${path}': bad flags 0${flags.toString(8)}`);
  }
  // A descriptor and a filp first, as MINIX's get_fd: a full table must not leave a new file behind.
  const fd = freeFd(proc);
  fs.filps.needRoom(1);
  const { ino, created } = (flags & O_CREAT)
    ? yield* openOrCreate(fs, path, mode & ~proc.umask, { exclusive: (flags & O_EXCL) !== 0 }, proc)
    : { ino: yield* lookup(fs, path, proc), created: false };
  try {
    if (!created) {
      const type = ino.d.mode & S_IFMT;
      if (type === S_IFDIR && (acc !== O_RDONLY || (flags & O_TRUNC))) throw new FsError(EISDIR, `'${path}' is a directory`);
      const access = (acc === O_RDONLY ? R_BIT : acc === O_WRONLY ? W_BIT : R_BIT | W_BIT) | (flags & O_TRUNC ? W_BIT : 0);
      // O_APPEND asks the policy for append, not write (open_file_to_av's file_to_av).
      yield* need(fs, proc, ino, access, `'${path}'`, (flags & O_APPEND) !== 0);
      // As MINIX's forbidden: asking to write is EROFS on a read-only file system (device files aside).
      if ((access & W_BIT) && type !== S_IFBLK && type !== S_IFCHR) checkWritable(fs, `'${path}'`);
      yield* needMac(fs, proc, ino, 'open', `'${path}'`);
      if (type === S_IFBLK || type === S_IFCHR) {
        const dev = ino.d.zone[0]!;
        if (fs.dmap.lookup(majorOf(dev)) === undefined) throw new FsError(ENXIO, `'${path}': no driver for major ${majorOf(dev)}`);
        throw new FsError(ENODEV, `'${path}': device files are not served through the FS`);
      }
      if ((flags & O_TRUNC) && type === S_IFREG) yield* truncateInode(fs, ino, 0);
    }
  } catch (err) {
    yield* putInode(fs, ino);
    throw err;
  }
  const filp = fs.filps.alloc(flags & ~(O_CREAT | O_EXCL | O_TRUNC), ino, null);
  yield* macFileOpened(fs, proc, filp);
  holdLong(ino);
  proc.fds[fd] = { filp, cloexec: false };
  return fd;
}

export function* closeFd(fs: FsState, proc: Fproc, fd: number): Generator<KernelCall, void, any> {
  const { filp } = getFd(proc, fd);
  proc.fds[fd] = null;
  // POSIX: closing any descriptor of a file drops the process's locks on it.
  if (filp.ino !== null) yield* releaseLocks(fs, proc.endpoint, filp.ino.nr);
  if (--filp.count > 0) return;
  fs.filps.free(filp);
  if (filp.pipe !== null) yield* closePipeEnd(fs, filp);
  if (filp.ino !== null) yield* putLong(fs, filp.ino);
  if (filp.sock >= 0) yield* closeSocket(fs, filp);
}
