/*
 * Descriptor bookkeeping, as MINIX's misc.c and filedes.c.
 *   dupFd(proc, fd, lowest)     dup and F_DUPFD: the lowest free descriptor >= lowest, sharing the filp
 *   dup2Fd(fs, proc, fd, fd2)   dup2: fd2 closed first if open; fd2 == fd is a no-op
 *   doFcntl(fs, proc, m)        F_DUPFD, F_GETFD/F_SETFD, F_GETFL/F_SETFL, and the lock commands
 *   openPipe(fs, proc)          pipe(2): [read end, write end]
 */
import { EBADF, EINVAL, type KernelCall, type Message } from '../../kernel/index.js';
import { FsError } from './errors.js';
import { freeFd, getFd, OPEN_MAX, type Fproc } from './fproc.js';
import { doLock } from './lock.js';
import { closeFd } from './open.js';
import { macPipeOpened } from './mac.js';
import { makePipe } from './pipe.js';
import {
  F_DUPFD, F_GETFD, F_GETFL, F_GETLK, F_SETFD, F_SETFL, F_SETLK, F_SETLKW, FD_CLOEXEC, fsReply,
  O_APPEND, O_NONBLOCK, type FsFcntl,
} from './protocol.js';
import { nowSec, type FsState } from './state.js';

export function dupFd(proc: Fproc, fd: number, lowest = 0): number {
  const { filp } = getFd(proc, fd);
  const nfd = freeFd(proc, lowest);
  filp.count++;
  proc.fds[nfd] = { filp, cloexec: false };
  return nfd;
}

export function* dup2Fd(fs: FsState, proc: Fproc, fd: number, fd2: number): Generator<KernelCall, number, any> {
  getFd(proc, fd);
  if (!(Number.isInteger(fd2) && fd2 >= 0 && fd2 < OPEN_MAX)) throw new FsError(EBADF, `dup2: descriptor ${fd2} out of range 0..${OPEN_MAX - 1}`);
  if (fd2 === fd) return fd2;
  if (proc.fds[fd2] !== null) yield* closeFd(fs, proc, fd2);
  return dupFd(proc, fd, fd2);
}

/** Flags F_SETFL may change; the access mode stays. */
const SETFL_MASK = O_APPEND | O_NONBLOCK;

export function* doFcntl(fs: FsState, proc: Fproc, m: FsFcntl): Generator<KernelCall, Message | null, any> {
  const entry = getFd(proc, m.fd);
  const arg = m.arg ?? 0;
  switch (m.cmd) {
    case F_DUPFD:
      if (!(Number.isInteger(arg) && arg >= 0 && arg < OPEN_MAX)) throw new FsError(EINVAL, `F_DUPFD: ${arg} out of range`);
      return fsReply(dupFd(proc, m.fd, arg));
    case F_GETFD: return fsReply(entry.cloexec ? FD_CLOEXEC : 0);
    case F_SETFD: entry.cloexec = (arg & FD_CLOEXEC) !== 0; return fsReply(0);
    case F_GETFL: return fsReply(entry.filp.flags);
    case F_SETFL: entry.filp.flags = (entry.filp.flags & ~SETFL_MASK) | (arg & SETFL_MASK); return fsReply(0);
    case F_GETLK: case F_SETLK: case F_SETLKW:
      if (m.lock === undefined) throw new FsError(EINVAL, 'lock command without a lock');
      return yield* doLock(fs, proc, entry.filp, m.cmd, m.lock);
    default:
      throw new FsError(EINVAL, `fcntl: unknown command ${m.cmd}`);
  }
}

export function openPipe(fs: FsState, proc: Fproc): [number, number] {
  const fd0 = freeFd(proc);
  const fd1 = freeFd(proc, fd0 + 1);
  const { rd, wr } = makePipe(fs, nowSec(fs));
  macPipeOpened(fs, proc, [rd, wr]);
  proc.fds[fd0] = { filp: rd, cloexec: false };
  proc.fds[fd1] = { filp: wr, cloexec: false };
  return [fd0, fd1];
}

