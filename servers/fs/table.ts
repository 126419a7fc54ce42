/*
 * The FS server's call table (MINIX's table.c): request type -> handler.
 *   fsCallTable(fs)      handlers for every FsRequest and FsPmRequest, each guarded
 *   validateRequest(m)   EINVAL for a malformed request (wrong field types)
 * A handler that throws FsError (a user's mistake or a corrupt image) gets
 * an FS_REPLY with the errno and the message; the server keeps serving.
 * A handler returns null when it suspended the caller (a pipe, F_SETLKW):
 * the reply comes when another call revives it. Calls that wait for nothing
 * (lseek, dup, umask, pipe: plainCalls) also run as plain functions, with the
 * same discipline, when the caller's Fproc is known (lib/server.ts withPlainPath).
 */
import { EBADF, EINVAL, EOPNOTSUPP, EPERM, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import { isInt, withPlainPath, type CallTable, type Handler } from '../../lib/server.js';
import { changeMode, changeOwner, setTimes } from './attr.js';
import { capable } from './capable.js';
import { FsError } from './errors.js';
import { getFd, procOf, type Fproc } from './fproc.js';
import { linkFile, makeSymlink, readLink, removeDir, renameFile, truncateHeld, truncatePath, unlinkFile } from './link.js';
import { dup2Fd, doFcntl, dupFd, openPipe } from './misc.js';
import { closeFd, createFile, doOpen, makeDir } from './open.js';
import { pmExec, pmExit, pmFork, pmSetuid, pmUnpause } from './pmcalls.js';
import { mayWrite } from './filp.js';
import { fsReply, type FsRequest, type FsRequestType } from './protocol.js';
import { readFd, rwPath, seekFd, writeFd } from './readwrite.js';
import { getFileCon, pmSetcon, setFileCon, setFsCreate } from './secattr.js';
import { changeDir, readDirEntries, statFs, statInode, statPath } from './stadir.js';
import { syncAll } from './super.js';
import { socketCalls } from './socket.js';
import { rollBack, startUndo, stopUndo } from './undo.js';
import type { FsState } from './state.js';
import type { GrantData } from './uio.js';

type Gen<T> = Generator<KernelCall, T, any>;

/** Calls that change the file system: a failure undoes what they did (undo.ts). */
export const MODIFYING_CALLS: ReadonlySet<string> = new Set([
  'FS_CREATE', 'FS_MKDIR', 'FS_WRITE', 'FS_TRUNCATE', 'FS_UNLINK', 'FS_RMDIR', 'FS_LINK', 'FS_RENAME', 'FS_SYMLINK',
  'FS_CHMOD', 'FS_CHOWN', 'FS_UTIME', 'FS_OPEN', 'FS_WRITEFD', 'FS_FTRUNCATE', 'FS_SETFILECON',
]);

function guard<M extends Message>(fs: FsState, type: string, h: (m: Envelope<M>) => Gen<Message | null>): Handler<M> {
  return guardUser(fs, type, (m) => h(m));
}

/**
 * A handler wrapped in the request discipline: an undo log around a call
 * that changes the file system (rolled back on FsError), the error reply,
 * the put/put check. With `user`, the handler acts for the caller's Fproc.
 * One generator per request (issue 20): the Fproc lookup and the handler's
 * own generator are the only others, and the lookup is one only the first time.
 */
function guardUser<M extends Message>(fs: FsState, type: string, h: (m: Envelope<M>, p: Fproc) => Gen<Message | null>, user = false): Handler<M> {
  const undoable = MODIFYING_CALLS.has(type);
  return function* (m) {
    if (undoable) startUndo(fs);
    let reply: Message | null;
    try {
      const p = user ? fs.procs.byEndpoint.get(m.source) ?? (yield* procOf(fs, m.source)) : (null as unknown as Fproc);
      reply = yield* h(m, p);
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      checkHolds(fs, m.type);
      const lost = undoable ? yield* rollBack(fs) : [];
      fs.ctx?.trace('error', { call: m.type, err: err.errno, message: err.message, ...(undoable ? { undone: true } : {}), ...(lost.length > 0 ? { notUndone: lost } : {}) });
      return fsReply(-err.errno, { message: err.message });
    }
    if (undoable) stopUndo(fs);
    checkHolds(fs, m.type);
    return reply;
  };
}

/**
 * guardUser's discipline for a call that waits for nothing, without a
 * generator: undefined (take the generator path) when the caller has no
 * Fproc yet, since finding it may ask PM. Such a call changes no file
 * system state an undo log would cover.
 */
function guardPlain<M extends Message>(fs: FsState, type: string, h: (m: Envelope<M>, p: Fproc) => Message): (m: Envelope<M>) => Message | undefined {
  if (MODIFYING_CALLS.has(type)) throw new Error(`fs: ${type} changes the file system and cannot take the plain path`);
  return (m) => {
    const p = fs.procs.byEndpoint.get(m.source);
    if (p === undefined) return undefined;
    let reply: Message;
    try {
      reply = h(m, p);
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      checkHolds(fs, type);
      fs.ctx?.trace('error', { call: type, err: err.errno, message: err.message });
      return fsReply(-err.errno, { message: err.message });
    }
    checkHolds(fs, type);
    return reply;
  };
}

/**
 * Put/put discipline: every get_block and get_inode of a request has its put by
 * the time the request ends, on the error path too (each handler puts in a
 * finally). A hold left behind is a bug in the FS, so this is an assertion.
 */
function checkHolds(fs: FsState, call: string): void {
  const blocks = fs.cache.heldBlocks();
  const inodes = fs.inodes.shortHeld();
  if (blocks.length > 0 || inodes.length > 0) {
    throw new Error(`fs: ${call} ended holding blocks [${blocks.join(', ')}] and inodes [${inodes.join(', ')}]`);
  }
}

/** A user's call: it acts for the caller's FS process entry. */
type UserCall<T extends FsRequestType> = (m: Extract<FsRequest, { type: T }>, proc: Fproc) => Gen<Message | null>;
/** A user's call that waits for nothing (no block, no inode read, no other process). */
type PlainCall<T extends FsRequestType> = (m: Extract<FsRequest, { type: T }>, proc: Fproc) => Message;
type PlainType = 'FS_LSEEK' | 'FS_DUP' | 'FS_UMASK' | 'FS_PIPE';

/** The superuser alone (with capability:chown: the create is a chown too) may give a new inode another owner. */
function* ownerFor(fs: FsState, proc: Fproc, uid: number | undefined, gid: number | undefined): Gen<{ uid: number; gid: number }> {
  const owner = { uid: uid ?? proc.uid, gid: gid ?? proc.gid };
  if ((owner.uid !== proc.uid || owner.gid !== proc.gid) && !(yield* capable(fs, proc, 'chown'))) throw new FsError(EPERM, `only the superuser may create files owned by ${owner.uid}:${owner.gid}`);
  return owner;
}

/** fsReply(status) with no fields, as a literal: a reply per system call without a spread of an empty object. */
const ok = (status = 0): Message => ({ type: 'FS_REPLY', status });

function plainCalls(fs: FsState): { [T in PlainType]: PlainCall<T> } {
  return {
    FS_LSEEK(m, p) { return ok(seekFd(p, m.fd, m.offset, m.whence)); },
    FS_DUP(m, p) { return ok(dupFd(p, m.fd)); },
    FS_UMASK(m, p) {
      const old = p.umask;
      p.umask = m.mask & 0o777;
      return ok(old);
    },
    FS_PIPE(_m, p) {
      const [fd0, fd1] = openPipe(fs, p);
      return fsReply(0, { fd0, fd1 });
    },
  };
}

function userCalls(fs: FsState): { [T in Exclude<FsRequest['type'], PlainType>]: UserCall<T> } {
  return {
    *FS_CREATE(m, p) {
      const owner = yield* ownerFor(fs, p, m.uid, m.gid);
      return fsReply(0, { ino: yield* createFile(fs, m.path, m.mode & ~p.umask, { exclusive: m.exclusive, truncate: m.truncate, ...owner }, p) });
    },
    *FS_MKDIR(m, p) {
      const owner = yield* ownerFor(fs, p, m.uid, m.gid);
      return fsReply(0, { ino: yield* makeDir(fs, m.path, m.mode & ~p.umask, owner.uid, owner.gid, p) });
    },
    *FS_READ(m, p) { return ok(yield* rwPath(fs, p, m.path, m.position, granted(m, p), false)); },
    *FS_WRITE(m, p) { return ok(yield* rwPath(fs, p, m.path, m.position, granted(m, p), true)); },
    *FS_TRUNCATE(m, p) { yield* truncatePath(fs, m.path, m.length, p); return ok(); },
    *FS_STAT(m, p) { return fsReply(0, { stat: yield* statPath(fs, m.path, p) }); },
    *FS_LSTAT(m, p) { return fsReply(0, { stat: yield* statPath(fs, m.path, p, false) }); },
    *FS_UNLINK(m, p) { yield* unlinkFile(fs, m.path, p); return ok(); },
    *FS_RMDIR(m, p) { yield* removeDir(fs, m.path, p); return ok(); },
    *FS_GETDENTS(m, p) {
      const { entries, next } = yield* readDirEntries(fs, m.path, m.index, m.count, p);
      return fsReply(entries.length, { entries, next });
    },
    *FS_STATFS() { return fsReply(0, { statfs: yield* statFs(fs) }); },
    *FS_SYNC() {
      const r = yield* syncAll(fs);
      return fsReply(r, r < 0 ? { message: 'a write failed during sync; the blocks stay dirty' } : {});
    },
    *FS_LINK(m, p) { yield* linkFile(fs, m.path, m.path2, p); return ok(); },
    *FS_RENAME(m, p) { yield* renameFile(fs, m.path, m.path2, p); return ok(); },
    *FS_SYMLINK(m, p) { yield* makeSymlink(fs, m.target, m.path, p); return ok(); },
    *FS_READLINK(m, p) {
      const link = yield* readLink(fs, m.path, p);
      return fsReply(new TextEncoder().encode(link).length, { link });
    },
    *FS_CHDIR(m, p) { yield* changeDir(fs, p, m.path, false); return ok(); },
    *FS_CHROOT(m, p) { yield* changeDir(fs, p, m.path, true); return ok(); },
    *FS_CHMOD(m, p) { yield* changeMode(fs, p, m.path, m.mode); return ok(); },
    *FS_CHOWN(m, p) { yield* changeOwner(fs, p, m.path, m.uid, m.gid); return ok(); },
    *FS_UTIME(m, p) { yield* setTimes(fs, p, m.path, m.atime, m.mtime); return ok(); },
    *FS_OPEN(m, p) { return ok(yield* doOpen(fs, p, m.path, m.flags, m.mode ?? 0o666)); },
    *FS_CLOSE(m, p) { yield* closeFd(fs, p, m.fd); return ok(); },
    *FS_READFD(m, p) {
      const n = yield* readFd(fs, p, m.fd, granted(m, p));
      return n === null ? null : ok(n);
    },
    *FS_WRITEFD(m, p) {
      const n = yield* writeFd(fs, p, m.fd, granted(m, p));
      return n === null ? null : ok(n);
    },
    *FS_DUP2(m, p) { return ok(yield* dup2Fd(fs, p, m.fd, m.fd2)); },
    *FS_FSTAT(m, p) {
      const { filp } = getFd(p, m.fd);
      if (filp.pipe !== null) {
        const t = filp.pipe.ctimeSec;
        return fsReply(0, { stat: { ino: 0, mode: 0o010600, nlinks: 1, uid: p.uid, gid: p.gid, size: filp.pipe.length, atime: t, mtime: t, ctime: t, zones: 0 } });
      }
      if (filp.ino === null) throw new FsError(EOPNOTSUPP, `descriptor ${m.fd} is a socket`);
      return fsReply(0, { stat: yield* statInode(fs, filp.ino) });
    },
    *FS_FTRUNCATE(m, p) {
      const { filp } = getFd(p, m.fd);
      if (!mayWrite(filp)) throw new FsError(EBADF, `descriptor ${m.fd} is not open for writing`);
      if (filp.ino === null) throw new FsError(EINVAL, `descriptor ${m.fd} is a pipe`);
      yield* truncateHeld(fs, filp.ino, m.length, `descriptor ${m.fd}`);
      return ok();
    },
    *FS_FSYNC(m, p) {
      getFd(p, m.fd);
      // As MINIX's fsync: the whole device, which includes this file.
      return ok(yield* syncAll(fs));
    },
    *FS_FCNTL(m, p) { return yield* doFcntl(fs, p, m); },
    *FS_GETFILECON(m, p) { return fsReply(0, { context: yield* getFileCon(fs, p, m.path) }); },
    *FS_SETFILECON(m, p) { yield* setFileCon(fs, p, m.path, m.context); return ok(); },
    *FS_SETFSCREATE(m, p) { return fsReply(0, { context: yield* setFsCreate(fs, p, m.context) }); },
  };
}

export function fsCallTable(fs: FsState): CallTable {
  const table: Record<string, Handler<any>> = {};
  for (const [type, call] of Object.entries(userCalls(fs)) as [string, UserCall<FsRequestType & FsRequest['type']>][]) {
    table[type] = guardUser(fs, type, (m: Envelope<FsRequest>, p: Fproc) => call(m as never, p), true);
  }
  for (const [type, call] of Object.entries(plainCalls(fs)) as [string, PlainCall<PlainType>][]) {
    const plain = (m: Envelope<FsRequest>, p: Fproc): Message => call(m as never, p);
    // The generator path: the first call of a process (its Fproc is looked up), or a caller without one.
    table[type] = withPlainPath(guardUser(fs, type, function* (m: Envelope<FsRequest>, p: Fproc) { return plain(m, p); }, true), guardPlain(fs, type, plain));
  }
  const fromPm = <M extends Message>(type: string, h: (m: Envelope<M>) => Gen<Message>): Handler<M> => guard(fs, type, function* (m: Envelope<M>) {
    if (fs.ctx !== null && m.source !== fs.ctx.endpointOf('pm')) return fsReply(-EPERM, { message: `${m.type} comes only from pm` });
    return yield* h(m);
  });
  table.FS_PM_FORK = fromPm('FS_PM_FORK', (m) => pmFork(fs, m as never));
  table.FS_PM_EXIT = fromPm('FS_PM_EXIT', (m) => pmExit(fs, m as never));
  table.FS_PM_SETUID = fromPm('FS_PM_SETUID', (m) => pmSetuid(fs, m as never));
  table.FS_PM_EXEC = fromPm('FS_PM_EXEC', (m) => pmExec(fs, m as never));
  table.FS_PM_UNPAUSE = fromPm('FS_PM_UNPAUSE', (m) => pmUnpause(fs, m as never));
  table.FS_PM_SETCON = fromPm('FS_PM_SETCON', (m) => pmSetcon(fs, m as never));
  // Socket descriptors go to INET (socket.ts).
  Object.assign(table, socketCalls(fs));
  return table;
}

const isNat = (v: unknown): boolean => isInt(v) && (v as number) >= 0;
const isStr = (v: unknown): boolean => typeof v === 'string';
const isOptInt = (v: unknown): boolean => v === undefined || isInt(v);
const isOptNat = (v: unknown): boolean => v === undefined || isNat(v);
/** The caller's grant of a read or write (uio.ts): the FS copies through it, never holds the caller's buffer. */
const granted = (m: { grant: number; bytes: number }, p: Fproc): GrantData => ({ endpoint: p.endpoint, grant: m.grant, length: m.bytes });
const isFlock = (v: unknown): boolean => {
  if (typeof v !== 'object' || v === null) return false;
  const l = v as Record<string, unknown>;
  return isInt(l.type) && isInt(l.whence) && isInt(l.start) && isInt(l.len);
};

/** Field checks per request type: a malformed message gets EINVAL before any handler runs. */
export function validateRequest(m: Envelope): number {
  // One lookup by type, not a string switch walked case by case (a check per request, issue 20).
  const check = FIELD_CHECKS.get(m.type as string);
  return check === undefined || check(m as Envelope & Record<string, unknown>) ? 0 : EINVAL;
}

type FieldCheck = (f: Envelope & Record<string, unknown>) => boolean;

/** Request type -> its fields' check; a type not here has no fields to check. */
const FIELD_CHECKS: ReadonlyMap<string, FieldCheck> = new Map(([
  [['FS_CREATE', 'FS_MKDIR'], (f) => isStr(f.path) && isNat(f.mode) && isOptInt(f.uid) && isOptInt(f.gid)],
  [['FS_READ', 'FS_WRITE'], (f) => isStr(f.path) && isNat(f.position) && isNat(f.grant) && isNat(f.bytes)],
  [['FS_TRUNCATE'], (f) => isStr(f.path) && isNat(f.length)],
  [['FS_STAT', 'FS_LSTAT', 'FS_UNLINK', 'FS_RMDIR', 'FS_READLINK', 'FS_CHDIR', 'FS_CHROOT'], (f) => isStr(f.path)],
  [['FS_GETDENTS'], (f) => isStr(f.path) && isNat(f.index) && isNat(f.count)],
  [['FS_LINK', 'FS_RENAME'], (f) => isStr(f.path) && isStr(f.path2)],
  [['FS_SYMLINK'], (f) => isStr(f.target) && isStr(f.path)],
  [['FS_CHMOD'], (f) => isStr(f.path) && isNat(f.mode)],
  [['FS_CHOWN'], (f) => isStr(f.path) && isInt(f.uid) && isInt(f.gid)],
  [['FS_UMASK'], (f) => isNat(f.mask)],
  [['FS_UTIME'], (f) => isStr(f.path) && isOptNat(f.atime) && isOptNat(f.mtime)],
  [['FS_OPEN'], (f) => isStr(f.path) && isNat(f.flags) && isOptNat(f.mode)],
  [['FS_CLOSE', 'FS_DUP', 'FS_FSTAT', 'FS_FSYNC'], (f) => isInt(f.fd)],
  [['FS_READFD', 'FS_WRITEFD'], (f) => isInt(f.fd) && isNat(f.grant) && isNat(f.bytes)],
  [['FS_LSEEK'], (f) => isInt(f.fd) && isInt(f.offset) && isInt(f.whence)],
  [['FS_DUP2'], (f) => isInt(f.fd) && isInt(f.fd2)],
  [['FS_FTRUNCATE'], (f) => isInt(f.fd) && isNat(f.length)],
  [['FS_FCNTL'], (f) => isInt(f.fd) && isInt(f.cmd) && isOptInt(f.arg) && (f.lock === undefined || isFlock(f.lock))],
  [['FS_PM_FORK'], (f) => isInt(f.parent) && isInt(f.child) && isInt(f.pid) && isNat(f.uid) && isNat(f.gid)],
  [['FS_PM_EXIT', 'FS_PM_UNPAUSE'], (f) => isInt(f.endpoint)],
  [['FS_PM_SETUID'], (f) => isInt(f.endpoint) && isNat(f.uid) && isNat(f.gid)],
  [['FS_PM_EXEC'], (f) => isInt(f.endpoint) && isStr(f.path)],
  [['FS_GETFILECON'], (f) => isStr(f.path)],
  [['FS_SETFILECON'], (f) => isStr(f.path) && isStr(f.context)],
  [['FS_SETFSCREATE'], (f) => f.context === null || isStr(f.context)],
  [['FS_PM_SETCON'], (f) => isInt(f.endpoint) && isStr(f.context) && (f.exec === undefined || typeof f.exec === 'boolean')],
  [['FS_SOCKET'], (f) => f.kind === 'stream' || f.kind === 'dgram'],
  [['FS_SOCKCALL'], (f) => isInt(f.fd) && isStr(f.op) && isOptNat(f.port) && isOptNat(f.addr) && (f.data === undefined || isStr(f.data)) && isOptNat(f.bytes)],
  [['INET_DONE'], (f) => isInt(f.proc) && isInt(f.fd) && isInt(f.status)],
] as [string[], FieldCheck][]).flatMap(([types, check]) => types.map((type) => [type, check] as const)));
