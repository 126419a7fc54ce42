/*
 * Changing attributes, as MINIX's protect.c (chmod, chown, umask) and time.c (utime).
 *   changeMode(fs, who, path, mode)        chmod: the owner or root (fowner); the setgid bit of a group one is not in needs fsetid
 *   changeOwner(fs, who, path, uid, gid)   chown: root (capability:chown) any; the owner may only give the file its own group
 *   setTimes(fs, who, path, atime, mtime)  utime: explicit times need the owner (EPERM), "now" write permission (EACCES)
 * uid or gid -1 in chown leaves it as it is.
 */
import { EACCES, EINVAL, EPERM, type KernelCall } from '../../kernel/index.js';
import { capable } from './capable.js';
import { FsError } from './errors.js';
import { putInode, type Inode } from './inode.js';
import { lookup } from './path.js';
import { forbidden, isOwner, needMac, S_ISGID, S_ISUID, W_BIT } from './protect.js';
import { checkWritable, nowSec, type FsState, type Who } from './state.js';

function* withInode(fs: FsState, who: Who, path: string, body: (ino: Inode) => Generator<KernelCall, void, any>): Generator<KernelCall, void, any> {
  const ino = yield* lookup(fs, path, who);
  try {
    checkWritable(fs, `'${path}'`);
    yield* needMac(fs, who, ino, 'setattr', `'${path}'`);
    yield* body(ino);
    ino.d.ctime = nowSec(fs);
    ino.dirty = true;
  } finally {
    yield* putInode(fs, ino);
  }
}

export function* changeMode(fs: FsState, who: Who, path: string, mode: number): Generator<KernelCall, void, any> {
  yield* withInode(fs, who, path, function* (ino) {
    if (!(yield* isOwner(fs, who, ino))) throw new FsError(EPERM, `chmod '${path}': owner ${ino.d.uid}, caller ${who.uid}`);
    let bits = mode & 0o7777;
    // POSIX: a caller outside the file's group cannot set its setgid bit, unless capable of fsetid (Linux's setattr_copy).
    if ((bits & S_ISGID) !== 0 && who.gid !== ino.d.gid && !(yield* capable(fs, who, 'fsetid'))) bits &= ~S_ISGID;
    ino.d.mode = (ino.d.mode & ~0o7777) | bits;
  });
}

export function* changeOwner(fs: FsState, who: Who, path: string, uid: number, gid: number): Generator<KernelCall, void, any> {
  if (uid < -1 || gid < -1 || uid > 0xffff || gid > 0xffff) throw new FsError(EINVAL, `chown '${path}': uid ${uid} gid ${gid} out of range`);
  yield* withInode(fs, who, path, function* (ino) {
    const newUid = uid === -1 ? ino.d.uid : uid;
    const newGid = gid === -1 ? ino.d.gid : gid;
    // MINIX: the owner may change only the group, and only to its own; anything else is the
    // superuser's, with capability:chown (Linux's chown_ok / chgrp_ok ask capable(CAP_CHOWN) then).
    const ownersChange = who.uid === ino.d.uid && newUid === ino.d.uid && (newGid === ino.d.gid || newGid === who.gid);
    if (!ownersChange && !(yield* capable(fs, who, 'chown'))) {
      throw new FsError(EPERM, `chown '${path}' to ${newUid}:${newGid}: only the superuser may (owner ${ino.d.uid}:${ino.d.gid})`);
    }
    if (who.uid !== 0) ino.d.mode &= ~(S_ISUID | S_ISGID);
    ino.d.uid = newUid;
    ino.d.gid = newGid;
  });
}

export function* setTimes(fs: FsState, who: Who, path: string, atime: number | undefined, mtime: number | undefined): Generator<KernelCall, void, any> {
  const now = atime === undefined && mtime === undefined;
  yield* withInode(fs, who, path, function* (ino) {
    if (!(yield* isOwner(fs, who, ino))) {
      if (!now) throw new FsError(EPERM, `utime '${path}': only the owner may set explicit times`);
      if ((yield* forbidden(fs, who, ino, W_BIT)) !== 0) throw new FsError(EACCES, `utime '${path}': no write permission`);
    }
    const t = nowSec(fs);
    ino.d.atime = (atime ?? t) >>> 0;
    ino.d.mtime = (mtime ?? t) >>> 0;
  });
}
