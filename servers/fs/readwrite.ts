/*
 * Reading and writing through descriptors and paths, as MINIX's read.c do_read/do_write.
 * The bytes are a caller's grant (uio.ts): the FS copies them block by block.
 *   readFd(fs, proc, fd, buffer)    read at the descriptor's position (pipes may suspend: null)
 *   writeFd(fs, proc, fd, buffer)   write at the position, at the end for O_APPEND (pipes may suspend: null)
 *   seekFd(proc, fd, offset, whence)   lseek: the new position; ESPIPE on a pipe, EINVAL before byte 0
 *   rwPath(fs, who, path, position, buffer, write)   FS_READ/FS_WRITE: one transfer on a path, with permission checks
 */
import { EBADF, EINVAL, EISDIR, EOPNOTSUPP, ESPIPE, type KernelCall } from '../../kernel/index.js';
import { FsError } from './errors.js';
import { mayRead, mayWrite } from './filp.js';
import { getFd, type Fproc } from './fproc.js';
import { putInode } from './inode.js';
import { isDir } from './layout.js';
import { macFileRevalidate } from './mac.js';
import { lookup } from './path.js';
import { pipeRead, pipeWrite } from './pipe.js';
import { need, R_BIT, W_BIT } from './protect.js';
import { O_APPEND, SEEK_CUR, SEEK_END, SEEK_SET } from './protocol.js';
import { readFile } from './read.js';
import type { FsState, Who } from './state.js';
import type { UserData } from './uio.js';
import { writeFile } from './write.js';

export function* readFd(fs: FsState, proc: Fproc, fd: number, buffer: UserData): Generator<KernelCall, number | null, any> {
  const { filp } = getFd(proc, fd);
  if (!mayRead(filp)) throw new FsError(EBADF, `descriptor ${fd} is not open for reading`);
  if (filp.pipe !== null) {
    yield* macFileRevalidate(fs, proc, filp, false, `read descriptor ${fd}`);
    return yield* pipeRead(fs, proc, filp, buffer);
  }
  if (filp.ino === null) throw new FsError(EOPNOTSUPP, `descriptor ${fd} is a socket (use recv)`);
  const ino = filp.ino;
  if (isDir(ino.d.mode)) throw new FsError(EISDIR, `descriptor ${fd} is a directory (use getdents)`);
  yield* macFileRevalidate(fs, proc, filp, false, `read descriptor ${fd}`);
  const n = yield* readFile(fs, ino, filp.pos, buffer);
  filp.pos += n;
  return n;
}

export function* writeFd(fs: FsState, proc: Fproc, fd: number, buffer: UserData): Generator<KernelCall, number | null, any> {
  const { filp } = getFd(proc, fd);
  if (!mayWrite(filp)) throw new FsError(EBADF, `descriptor ${fd} is not open for writing`);
  if (filp.pipe !== null) {
    yield* macFileRevalidate(fs, proc, filp, true, `write descriptor ${fd}`);
    return yield* pipeWrite(fs, proc, filp, buffer);
  }
  if (filp.ino === null) throw new FsError(EOPNOTSUPP, `descriptor ${fd} is a socket (use send)`);
  const ino = filp.ino;
  yield* macFileRevalidate(fs, proc, filp, true, `write descriptor ${fd}`);
  if (filp.flags & O_APPEND) filp.pos = ino.d.size;
  if (buffer.length === 0) return 0;
  const n = yield* writeFile(fs, ino, filp.pos, buffer);
  filp.pos += n;
  return n;
}

export function seekFd(proc: Fproc, fd: number, offset: number, whence: number): number {
  const { filp } = getFd(proc, fd);
  if (filp.pipe !== null || filp.ino === null) throw new FsError(ESPIPE, `descriptor ${fd} is a pipe or socket`);
  const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? filp.pos : whence === SEEK_END ? filp.ino!.d.size : NaN;
  if (Number.isNaN(base)) throw new FsError(EINVAL, `lseek: bad whence ${whence}`);
  const pos = base + offset;
  if (pos < 0) throw new FsError(EINVAL, `lseek to ${pos}, before the start of the file`);
  filp.pos = pos;
  return pos;
}

export function* rwPath(fs: FsState, who: Who, path: string, position: number, buffer: UserData, write: boolean): Generator<KernelCall, number, any> {
  const ino = yield* lookup(fs, path, who);
  try {
    if (isDir(ino.d.mode)) throw new FsError(EISDIR, `'${path}' is a directory`);
    yield* need(fs, who, ino, write ? W_BIT : R_BIT, `'${path}'`);
    return write ? yield* writeFile(fs, ino, position, buffer) : yield* readFile(fs, ino, position, buffer);
  } finally {
    yield* putInode(fs, ino);
  }
}
