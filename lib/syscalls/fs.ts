/*
 * System calls served by the file system, as generator functions over a
 * UserProcess: `const fd = yield* open(proc, '/etc/motd', O_RDONLY)`.
 *   descriptors  open, creat, close, read, write, lseek, dup, dup2, fstat, ftruncate, fsync, fcntl, lock, pipe
 *   paths        mkdir, rmdir, unlink, link, rename, symlink, readlink, stat, lstat, readdir, truncate,
 *                chdir, chroot, chmod, chown, utime, umask, sync
 *   writeFile(path, bytes, { append }), readFile(path)   whole-file helpers the commands use
 *   lendBuffer(fsEp, request, call)   a read or write request naming a buffer, sent with the buffer granted to FS
 * Each returns its result or -errno. Relative paths go to the server as they
 * are: the FS keeps each process's working directory and root (chdir, chroot).
 */
import {
  F_GETLK, F_SETLK, F_SETLKW, O_APPEND, O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY, SEEK_SET,
  type FsDirent, type FsFlock, type FsReply, type FsRequest, type FsStat,
} from '../../servers/fs/protocol.js';
import { EFBIG, ELOOP, ENOSPC } from '../../kernel/errno.js';
import type { Endpoint, KernelCall } from '../../kernel/index.js';
import { CPF_READ, CPF_WRITE, grantDirect, lending, revoke } from '../grants.js';
import type { SysGen, UserProcess } from '../user/process.js';

export {
  O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK, SEEK_SET, SEEK_CUR, SEEK_END,
  F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETLK, F_SETLK, F_SETLKW, FD_CLOEXEC, F_RDLCK, F_WRLCK, F_UNLCK,
} from '../../servers/fs/protocol.js';

/** Bytes moved per read / write request. */
export const IO_CHUNK_BYTES = 64 * 1024;
/** A bound on a file read whole by readFile (the `cat` of a simulator, not a pager). */
export const MAX_READ_FILE_BYTES = 16 * 1024 * 1024;
/** A read or write as the caller writes it: with its own buffer, which lendBuffer turns into a grant. */
export type BufferRequest =
  | { readonly type: 'FS_READ' | 'FS_WRITE'; readonly path: string; readonly position: number; readonly buffer: Uint8Array }
  | { readonly type: 'FS_READFD' | 'FS_WRITEFD'; readonly fd: number; readonly buffer: Uint8Array };

/**
 * Send a read or write with its buffer lent to FS for the call: a direct
 * grant (FS may write it for a read, read it for a write), revoked after.
 * MINIX's libc passes VFS an address and VFS grants it to the FS process;
 * with no VFS here, the caller makes the grant itself.
 */
export function* lendBuffer<R>(fsEp: Endpoint, m: BufferRequest, call: (m: FsRequest) => Generator<KernelCall, R, any>): Generator<KernelCall, R | number, any> {
  const { buffer, ...rest } = m;
  const access = m.type === 'FS_READ' || m.type === 'FS_READFD' ? CPF_WRITE : CPF_READ;
  return yield* lending(fsEp, buffer, access, (grant) => call({ ...rest, grant, bytes: buffer.length } as FsRequest));
}

// The calls below return the generator of proc.call or proc.status itself (they are not
// generators of their own): a system call runs one generator frame, not three (issue 20).

function fsCall(proc: UserProcess, msg: { type: string; [k: string]: unknown }): SysGen<FsReply | number> {
  return proc.call('fs', msg) as SysGen<unknown> as SysGen<FsReply | number>;
}

function fsStatus(proc: UserProcess, msg: { type: string; [k: string]: unknown }): SysGen<number> {
  return proc.status('fs', msg);
}

/** A call whose reply carries one result field. */
function* fsField<K extends keyof FsReply>(proc: UserProcess, msg: { type: string; [k: string]: unknown }, field: K): SysGen<NonNullable<FsReply[K]> | number> {
  const r = yield* fsCall(proc, msg);
  if (typeof r === 'number') return r;
  return r.status < 0 ? r.status : (r[field] as NonNullable<FsReply[K]>);
}

// Descriptors.

export function open(proc: UserProcess, path: string, flags: number, mode = 0o666): SysGen<number> {
  return fsStatus(proc, { type: 'FS_OPEN', path, flags, mode });
}

export function creat(proc: UserProcess, path: string, mode: number): SysGen<number> {
  return open(proc, path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

export function close(proc: UserProcess, fd: number): SysGen<number> {
  return fsStatus(proc, { type: 'FS_CLOSE', fd });
}

/**
 * read/write on a descriptor: lendBuffer's grant, call and revoke, with the
 * message built once in its final shape ({ type, fd, grant, bytes }, as
 * lendBuffer makes it) rather than spread from a request: the hot path of
 * every file transfer.
 */
function* fdTransfer(proc: UserProcess, type: 'FS_READFD' | 'FS_WRITEFD', fd: number, buffer: Uint8Array): SysGen<number> {
  const grant = yield* grantDirect(proc.ctx.endpointOf('fs'), buffer, type === 'FS_READFD' ? CPF_WRITE : CPF_READ);
  if (grant < 0) return grant;
  try {
    return yield* fsStatus(proc, { type, fd, grant, bytes: buffer.length });
  } finally {
    yield* revoke(grant);
  }
}

/** Read into buffer at the descriptor's position: bytes read, 0 at end of file. */
export function read(proc: UserProcess, fd: number, buffer: Uint8Array): SysGen<number> {
  return fdTransfer(proc, 'FS_READFD', fd, buffer);
}

export function write(proc: UserProcess, fd: number, buffer: Uint8Array): SysGen<number> {
  return fdTransfer(proc, 'FS_WRITEFD', fd, buffer);
}

export function lseek(proc: UserProcess, fd: number, offset: number, whence = SEEK_SET): SysGen<number> {
  return fsStatus(proc, { type: 'FS_LSEEK', fd, offset, whence });
}

export function dup(proc: UserProcess, fd: number): SysGen<number> {
  return fsStatus(proc, { type: 'FS_DUP', fd });
}

export function dup2(proc: UserProcess, fd: number, fd2: number): SysGen<number> {
  return fsStatus(proc, { type: 'FS_DUP2', fd, fd2 });
}

export function fstat(proc: UserProcess, fd: number): SysGen<FsStat | number> {
  return fsField(proc, { type: 'FS_FSTAT', fd }, 'stat');
}

export function ftruncate(proc: UserProcess, fd: number, length: number): SysGen<number> {
  return fsStatus(proc, { type: 'FS_FTRUNCATE', fd, length });
}

export function fsync(proc: UserProcess, fd: number): SysGen<number> {
  return fsStatus(proc, { type: 'FS_FSYNC', fd });
}

/** F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL: the result or -errno. */
export function fcntl(proc: UserProcess, fd: number, cmd: number, arg = 0): SysGen<number> {
  return fsStatus(proc, { type: 'FS_FCNTL', fd, cmd, arg });
}

/** F_GETLK: the lock in the way (type F_UNLCK if none) or -errno. */
export function getlk(proc: UserProcess, fd: number, lock: FsFlock): SysGen<FsFlock | number> {
  return fsField(proc, { type: 'FS_FCNTL', fd, cmd: F_GETLK, lock }, 'lock');
}

/** F_SETLK (or F_SETLKW with wait: blocks until the lock is granted). */
export function lock(proc: UserProcess, fd: number, lock: FsFlock, wait = false): SysGen<number> {
  return fsStatus(proc, { type: 'FS_FCNTL', fd, cmd: wait ? F_SETLKW : F_SETLK, lock });
}

/** [read end, write end] or -errno. */
export function* pipe(proc: UserProcess): SysGen<[number, number] | number> {
  const r = yield* fsCall(proc, { type: 'FS_PIPE' });
  if (typeof r === 'number') return r;
  return r.status < 0 ? r.status : [r.fd0!, r.fd1!];
}

// Paths.

/** owner: also give the directory this owner (a chown, so the superuser's). */
export function* mkdir(proc: UserProcess, path: string, mode: number, owner?: { uid: number; gid: number }): SysGen<number> {
  const r = yield* fsStatus(proc, { type: 'FS_MKDIR', path, mode });
  if (r < 0 || owner === undefined) return r;
  return yield* chown(proc, path, owner.uid, owner.gid);
}

export function rmdir(proc: UserProcess, path: string): SysGen<number> {
  return fsStatus(proc, { type: 'FS_RMDIR', path });
}

export function unlink(proc: UserProcess, path: string): SysGen<number> {
  return fsStatus(proc, { type: 'FS_UNLINK', path });
}

export function link(proc: UserProcess, path: string, path2: string): SysGen<number> {
  return fsStatus(proc, { type: 'FS_LINK', path, path2 });
}

export function rename(proc: UserProcess, from: string, to: string): SysGen<number> {
  return fsStatus(proc, { type: 'FS_RENAME', path: from, path2: to });
}

export function symlink(proc: UserProcess, target: string, path: string): SysGen<number> {
  return fsStatus(proc, { type: 'FS_SYMLINK', target, path });
}

export function readlink(proc: UserProcess, path: string): SysGen<string | number> {
  return fsField(proc, { type: 'FS_READLINK', path }, 'link');
}

export function stat(proc: UserProcess, path: string): SysGen<FsStat | number> {
  return fsField(proc, { type: 'FS_STAT', path }, 'stat');
}

export function lstat(proc: UserProcess, path: string): SysGen<FsStat | number> {
  return fsField(proc, { type: 'FS_LSTAT', path }, 'stat');
}

export function truncate(proc: UserProcess, path: string, length: number): SysGen<number> {
  return fsStatus(proc, { type: 'FS_TRUNCATE', path, length });
}

export function chdir(proc: UserProcess, path: string): SysGen<number> {
  return fsStatus(proc, { type: 'FS_CHDIR', path });
}

export function chroot(proc: UserProcess, path: string): SysGen<number> {
  return fsStatus(proc, { type: 'FS_CHROOT', path });
}

export function chmod(proc: UserProcess, path: string, mode: number): SysGen<number> {
  return fsStatus(proc, { type: 'FS_CHMOD', path, mode });
}

/** uid or gid -1: unchanged. */
export function chown(proc: UserProcess, path: string, uid: number, gid: number): SysGen<number> {
  return fsStatus(proc, { type: 'FS_CHOWN', path, uid, gid });
}

/** Times in seconds; none: now. */
export function utime(proc: UserProcess, path: string, times?: { atime: number; mtime: number }): SysGen<number> {
  return fsStatus(proc, { type: 'FS_UTIME', path, ...times });
}

/** The previous mask. */
export function umask(proc: UserProcess, mask: number): SysGen<number> {
  return fsStatus(proc, { type: 'FS_UMASK', mask });
}

export function sync(proc: UserProcess): SysGen<number> {
  return fsStatus(proc, { type: 'FS_SYNC' });
}

/** Every entry of a directory, '.' and '..' included. */
export function* readdir(proc: UserProcess, path: string): SysGen<FsDirent[] | number> {
  const entries: FsDirent[] = [];
  for (let index = 0, rounds = 0; index >= 0; rounds++) {
    if (rounds > 1 << 20) return -ELOOP; // a directory that never ends
    const r = yield* fsCall(proc, { type: 'FS_GETDENTS', path, index, count: 64 });
    if (typeof r === 'number') return r;
    if (r.status < 0) return r.status;
    entries.push(...(r.entries ?? []));
    index = r.next ?? -1;
  }
  return entries;
}

// Whole files.

/** Every byte of buffer through fd, in IO_CHUNK_BYTES pieces: the count or -errno. */
export function* writeAll(proc: UserProcess, fd: number, bytes: Uint8Array): SysGen<number> {
  let written = 0;
  while (written < bytes.length) {
    const n = yield* write(proc, fd, bytes.subarray(written, Math.min(bytes.length, written + IO_CHUNK_BYTES)));
    if (n < 0) return n;
    if (n === 0) return -ENOSPC; // the server accepted nothing
    written += n;
  }
  return written;
}

/** Create (or truncate, or append to) a file and write `bytes`. Returns the bytes written or -errno. */
export function* writeFile(proc: UserProcess, path: string, bytes: Uint8Array, opts: { append?: boolean; mode?: number; owner?: { uid: number; gid: number } } = {}): SysGen<number> {
  const fd = yield* open(proc, path, O_WRONLY | O_CREAT | (opts.append ? O_APPEND : O_TRUNC), opts.mode ?? 0o644);
  if (fd < 0) return fd;
  const written = yield* writeAll(proc, fd, bytes);
  const closed = yield* close(proc, fd);
  if (written < 0) return written;
  if (closed < 0) return closed;
  if (opts.owner !== undefined) {
    const r = yield* chown(proc, path, opts.owner.uid, opts.owner.gid);
    if (r < 0) return r;
  }
  return written;
}

/** A whole file, or -errno. */
export function* readFile(proc: UserProcess, path: string): SysGen<Uint8Array | number> {
  const fd = yield* open(proc, path, O_RDONLY);
  if (fd < 0) return fd;
  const chunks: Uint8Array[] = [];
  let total = 0;
  let status = 0;
  for (;;) {
    if (total > MAX_READ_FILE_BYTES) { status = -EFBIG; break; }
    const buffer = new Uint8Array(IO_CHUNK_BYTES);
    const n = yield* read(proc, fd, buffer);
    if (n <= 0) { status = n; break; }
    chunks.push(buffer.subarray(0, n));
    total += n;
  }
  yield* close(proc, fd);
  if (status < 0) return status;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}
