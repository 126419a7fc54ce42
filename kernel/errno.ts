/*
 * Error numbers, as MINIX's <errno.h>: shared by the kernel, servers and
 * the system-call library. Kernel calls and replies carry them negated.
 *   errnoName(code)  the symbolic name of a code (either sign)
 *   errnoByName      name -> positive code
 */

export const OK = 0;

// POSIX errors (values as in MINIX 3's errno.h).
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const ENXIO = 6;
export const E2BIG = 7;
export const ENOEXEC = 8;
export const EBADF = 9;
export const ECHILD = 10;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const EXDEV = 18;
export const ENODEV = 19;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const ENFILE = 23;
export const EMFILE = 24;
export const ENOTTY = 25;
export const ETXTBSY = 26;
export const EFBIG = 27;
export const ENOSPC = 28;
export const ESPIPE = 29;
export const EROFS = 30;
export const EMLINK = 31;
export const EPIPE = 32;
export const EDOM = 33;
export const ERANGE = 34;
export const EDEADLK = 35;
export const ENAMETOOLONG = 36;
export const ENOLCK = 37;
export const ENOSYS = 38;
export const ENOTEMPTY = 39;
export const ELOOP = 40;
export const ETIME = 62;

// Socket errors (INET). mksim's own numbers, after the POSIX block: names as POSIX, values not MINIX's.
export const EADDRINUSE = 70;
export const ECONNREFUSED = 71;
export const ECONNRESET = 72;
export const ETIMEDOUT = 73;
export const ENOTCONN = 74;
export const EISCONN = 75;
export const EMSGSIZE = 76;
export const ENOTSOCK = 77;
export const ENOPROTOOPT = 78;
export const EOPNOTSUPP = 79;
export const ENETUNREACH = 80;
export const ENOBUFS = 81;
export const EDESTADDRREQ = 82;

// MINIX kernel IPC errors.
export const ELOCKED = 101;
export const EBADCALL = 102;
export const ECALLDENIED = 104;
export const EDEADSRCDST = 105;
export const ENOTREADY = 106;
export const EBADREQUEST = 107;
export const ETRAPDENIED = 110;
export const EDONTREPLY = 201;

export const errnoByName: Readonly<Record<string, number>> = {
  EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EBADF, ECHILD, EAGAIN,
  ENOMEM, EACCES, EFAULT, EBUSY, EEXIST, EXDEV, ENODEV, ENOTDIR, EISDIR, EINVAL,
  ENFILE, EMFILE, ENOTTY, ETXTBSY, EFBIG, ENOSPC, ESPIPE, EROFS, EMLINK, EPIPE,
  EDOM, ERANGE, EDEADLK, ENAMETOOLONG, ENOLCK, ENOSYS, ENOTEMPTY, ELOOP, ETIME,
  EADDRINUSE, ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTCONN, EISCONN, EMSGSIZE, ENOTSOCK, ENOPROTOOPT,
  EOPNOTSUPP, ENETUNREACH, ENOBUFS, EDESTADDRREQ,
  ELOCKED, EBADCALL, ECALLDENIED, EDEADSRCDST, ENOTREADY, EBADREQUEST, ETRAPDENIED,
  EDONTREPLY,
};

const nameByErrno: ReadonlyMap<number, string> = new Map(
  Object.entries(errnoByName).map(([name, code]) => [code, name]),
);

export function errnoName(code: number): string {
  if (code === 0) return 'OK';
  return nameByErrno.get(Math.abs(code)) ?? `E${Math.abs(code)}`;
}
