/*
 * Types for a student's mksim program (`program NAME FILE` in a boot script).
 * Use them from a .ts program without importing any code:
 *   import type { Sys } from 'mksim/types/mksim-program';
 *   export default function* (sys: Sys) { ...; return 0; }
 * Each call is a generator: `yield* sys.call(...)` runs it in virtual time and
 * gives its result, or a negated errno (-sys.ENOENT). Checked against
 * lib/syscalls/ by test/lib/plugin/dts.test.ts, so it cannot drift.
 */

/** One system call in progress: what `yield*` runs. The yielded values are the kernel's business. */
export type Call<T> = Generator<unknown, T, any>;

export interface Stat {
  readonly ino: number;
  readonly mode: number;
  readonly nlinks: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly atime: number;
  readonly mtime: number;
  readonly ctime: number;
  readonly zones: number;
  readonly lastBlock?: number;
}

export interface Dirent { readonly name: string; readonly ino: number }

export interface Flock { readonly type: number; readonly whence: number; readonly start: number; readonly len: number; readonly pid?: number }

/** A signal handler: runs in the process when the signal is delivered. */
export type SignalHandler = (sys: Sys, signal: number) => Call<void>;

/** A region of the address space (`sys.region`): its first address, size and rights (PROT_* bits). */
export interface RegionInfo { readonly addr: number; readonly bytes: number; readonly pageSize: number; readonly prot: number }
export interface VmStat { readonly faults: number; readonly evictions: number; readonly swapins: number; readonly swapouts: number; readonly resident: number; readonly cows: number }
/** A socket's kind: a reliable stream or datagrams. */
export type SockKind = 'stream' | 'dgram';

export interface SysCalls {
  // Descriptors.
  open(path: string, flags: number, mode?: number): Call<number>;
  creat(path: string, mode: number): Call<number>;
  close(fd: number): Call<number>;
  /** Bytes read into buffer, 0 at end of file. */
  read(fd: number, buffer: Uint8Array): Call<number>;
  write(fd: number, buffer: Uint8Array): Call<number>;
  /** Every byte, in chunks. */
  writeAll(fd: number, bytes: Uint8Array): Call<number>;
  lseek(fd: number, offset: number, whence?: number): Call<number>;
  dup(fd: number): Call<number>;
  dup2(fd: number, fd2: number): Call<number>;
  fstat(fd: number): Call<Stat | number>;
  ftruncate(fd: number, length: number): Call<number>;
  fsync(fd: number): Call<number>;
  fcntl(fd: number, cmd: number, arg?: number): Call<number>;
  getlk(fd: number, lock: Flock): Call<Flock | number>;
  lock(fd: number, lock: Flock, wait?: boolean): Call<number>;
  /** [read end, write end]. */
  pipe(): Call<[number, number] | number>;
  // Paths.
  mkdir(path: string, mode: number, owner?: { uid: number; gid: number }): Call<number>;
  rmdir(path: string): Call<number>;
  unlink(path: string): Call<number>;
  link(path: string, path2: string): Call<number>;
  rename(from: string, to: string): Call<number>;
  symlink(target: string, path: string): Call<number>;
  readlink(path: string): Call<string | number>;
  stat(path: string): Call<Stat | number>;
  lstat(path: string): Call<Stat | number>;
  truncate(path: string, length: number): Call<number>;
  chdir(path: string): Call<number>;
  chroot(path: string): Call<number>;
  chmod(path: string, mode: number): Call<number>;
  chown(path: string, uid: number, gid: number): Call<number>;
  utime(path: string, times?: { atime: number; mtime: number }): Call<number>;
  umask(mask: number): Call<number>;
  sync(): Call<number>;
  readdir(path: string): Call<Dirent[] | number>;
  writeFile(path: string, bytes: Uint8Array, opts?: { append?: boolean; mode?: number; owner?: { uid: number; gid: number } }): Call<number>;
  readFile(path: string): Call<Uint8Array | number>;
  // Processes.
  /** Fork a child that runs the program (a built-in, a process block or a `program`); the child's pid. */
  fork(program: string, name?: string, env?: Readonly<Record<string, string>>): Call<number>;
  exec(path: string, args?: readonly string[]): Call<number>;
  exit(status: number): Call<never>;
  /** [pid, wait status] or [-errno, 0]. */
  waitpid(pid?: number, nohang?: boolean): Call<[number, number]>;
  kill(pid: number, signal: number): Call<number>;
  sigaction(signal: number, action: SignalHandler | 'ignore' | 'default'): Call<number>;
  sigprocmask(how: 'block' | 'unblock' | 'set', mask: number): Call<number>;
  pause(): Call<number>;
  alarm(delayNs: number): Call<number>;
  nanosleep(delayNs: number): Call<number>;
  getpid(): Call<number>;
  getppid(): Call<number>;
  getuid(): Call<number>;
  setuid(uid: number): Call<number>;
  setgid(gid: number): Call<number>;
  /** How many processes PM knows. */
  getnprocs(): Call<number>;
  setpriority(params: { nice?: number; priority?: number; quantumNs?: number }): Call<number>;
  // Security (the SELinux-style server).
  getcon(): Call<string | number>;
  /** The context before this process's last exec (who ran a setuid or transitioning program). */
  getprevcon(): Call<string | number>;
  setcon(context: string): Call<number>;
  setexeccon(context: string | null): Call<number>;
  newrole(role: string): Call<string | number>;
  getfilecon(path: string): Call<string | number>;
  setfilecon(path: string, context: string): Call<number>;
  setfscreatecon(context: string | null): Call<number>;
  // Memory (the VM server, with a `vm` line; docs/vm.md).
  /** Grow the heap by deltaBytes; the old break. */
  brk(deltaBytes: number): Call<number>;
  /** A private mapping named name, anonymous or of file's first bytes; prot is PROT_* bits. */
  mmap(name: string, bytes: number, prot: number, file?: string): Call<number>;
  mprotect(name: string, prot: number): Call<number>;
  region(name: string): Call<RegionInfo | number>;
  vmstat(): Call<VmStat | number>;
  /** One byte (or length bytes) at addr; a page fault is served by VM. */
  load(addr: number, length?: number): Call<number | Uint8Array>;
  store(addr: number, value: number | Uint8Array): Call<number>;
  /** Touch one byte of each page of a region, in order. */
  ref(regionName: string, pages: readonly number[], write: boolean): Call<number>;
  // Sockets (the INET server; docs/network.md). Addresses are 32-bit numbers.
  socket(kind: SockKind): Call<number>;
  bind(fd: number, port: number): Call<number>;
  listen(fd: number, backlog?: number): Call<number>;
  accept(fd: number): Call<{ fd: number; addr: number; port: number } | number>;
  connect(fd: number, addr: number, port: number): Call<number>;
  send(fd: number, data: string): Call<number>;
  sendAll(fd: number, data: string): Call<number>;
  recv(fd: number, bytes: number): Call<string | number>;
  sendto(fd: number, addr: number, port: number, data: string): Call<number>;
  recvfrom(fd: number, bytes: number): Call<{ data: string; addr: number; port: number } | number>;
  /** The connected peer's security context (labeled networking). */
  getpeercon(fd: number): Call<string | number>;
  /** 1 enforcing, 0 permissive, or -errno. */
  securityGetenforce(): Call<number>;
  /** Root, with security:setenforce in the policy. */
  securitySetenforce(enforcing: boolean): Call<number>;
  /** Set and commit booleans ([name, value] pairs): root, with security:setbool in the policy; ENOENT for an unknown name. */
  securitySetBooleans(values: readonly (readonly [string, boolean])[]): Call<number>;
  /** The current value of one boolean (or of all, name omitted), as [name, value] pairs, or -errno. */
  securityGetBooleans(name?: string): Call<readonly (readonly [string, boolean])[] | number>;
}

export interface SysConstants {
  readonly O_RDONLY: number; readonly O_WRONLY: number; readonly O_RDWR: number; readonly O_CREAT: number;
  readonly O_EXCL: number; readonly O_TRUNC: number; readonly O_APPEND: number; readonly O_NONBLOCK: number;
  readonly SEEK_SET: number; readonly SEEK_CUR: number; readonly SEEK_END: number;
  readonly F_DUPFD: number; readonly F_GETFD: number; readonly F_SETFD: number; readonly F_GETFL: number; readonly F_SETFL: number;
  readonly F_GETLK: number; readonly F_SETLK: number; readonly F_SETLKW: number; readonly FD_CLOEXEC: number;
  readonly F_RDLCK: number; readonly F_WRLCK: number; readonly F_UNLCK: number;
  readonly IO_CHUNK_BYTES: number; readonly MAX_READ_FILE_BYTES: number;
  readonly PROT_READ: number; readonly PROT_WRITE: number; readonly PROT_EXEC: number; readonly MAX_SOCK_IO_BYTES: number;
  readonly SIGHUP: number; readonly SIGINT: number; readonly SIGQUIT: number; readonly SIGILL: number; readonly SIGTRAP: number;
  readonly SIGABRT: number; readonly SIGEMT: number; readonly SIGFPE: number; readonly SIGKILL: number; readonly SIGUSR1: number;
  readonly SIGSEGV: number; readonly SIGUSR2: number; readonly SIGPIPE: number; readonly SIGALRM: number; readonly SIGTERM: number;
  readonly SIGCHLD: number; readonly SIGCONT: number; readonly SIGSTOP: number; readonly SIGTSTP: number; readonly NSIG: number;
  readonly EPERM: number; readonly ENOENT: number; readonly ESRCH: number; readonly EINTR: number; readonly EIO: number;
  readonly ENXIO: number; readonly E2BIG: number; readonly ENOEXEC: number; readonly EBADF: number; readonly ECHILD: number;
  readonly EAGAIN: number; readonly ENOMEM: number; readonly EACCES: number; readonly EFAULT: number; readonly EBUSY: number;
  readonly EEXIST: number; readonly EXDEV: number; readonly ENODEV: number; readonly ENOTDIR: number; readonly EISDIR: number;
  readonly EINVAL: number; readonly ENFILE: number; readonly EMFILE: number; readonly ENOTTY: number; readonly ETXTBSY: number;
  readonly EFBIG: number; readonly ENOSPC: number; readonly ESPIPE: number; readonly EROFS: number; readonly EMLINK: number;
  readonly EPIPE: number; readonly EDOM: number; readonly ERANGE: number; readonly EDEADLK: number; readonly ENAMETOOLONG: number;
  readonly ENOLCK: number; readonly ENOSYS: number; readonly ENOTEMPTY: number; readonly ELOOP: number; readonly ETIME: number;
  readonly EADDRINUSE: number; readonly ECONNREFUSED: number; readonly ECONNRESET: number; readonly ETIMEDOUT: number;
  readonly ENOTCONN: number; readonly EISCONN: number; readonly EMSGSIZE: number; readonly ENOTSOCK: number;
  readonly ENOPROTOOPT: number; readonly EOPNOTSUPP: number; readonly ENETUNREACH: number; readonly ENOBUFS: number;
  readonly EDESTADDRREQ: number;
  readonly ELOCKED: number; readonly EBADCALL: number; readonly ECALLDENIED: number; readonly EDEADSRCDST: number;
  readonly ENOTREADY: number; readonly EBADREQUEST: number; readonly ETRAPDENIED: number; readonly EDONTREPLY: number;
}

export interface Sys extends SysCalls, SysConstants {
  /** Write a line to the console (prefixed by the process's name). */
  print(text: string): void;
  /** The program's arguments (exec's words after the program's name). */
  readonly args: readonly string[];
  /** The process's name. */
  readonly name: string;
  /** Spend CPU time (virtual ns). */
  spin(ns: number): Call<void>;
  /** 'ENOENT' for -2 (or 2). */
  errnoName(code: number): string;
}

/** What a program file's default export is: returns its exit status (0..255; none: 0). */
export type Program = (sys: Sys) => Generator<unknown, number | void, any>;
