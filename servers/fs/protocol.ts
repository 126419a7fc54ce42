/*
 * The FS server's request and reply messages.
 *   FsRequest      path calls FS_CREATE, FS_MKDIR, FS_READ, FS_WRITE (at a position), FS_TRUNCATE, FS_STAT,
 *                  FS_LSTAT, FS_UNLINK, FS_RMDIR, FS_GETDENTS, FS_STATFS, FS_SYNC, FS_LINK, FS_RENAME, FS_SYMLINK,
 *                  FS_READLINK, FS_CHDIR, FS_CHROOT, FS_CHMOD, FS_CHOWN, FS_UMASK, FS_UTIME;
 *                  descriptor calls FS_OPEN, FS_CLOSE, FS_READFD, FS_WRITEFD, FS_LSEEK, FS_DUP, FS_DUP2,
 *                  FS_FSTAT, FS_FTRUNCATE, FS_FSYNC, FS_FCNTL, FS_PIPE
 *                  security labels FS_GETFILECON, FS_SETFILECON, FS_SETFSCREATE (docs/security.md)
 *   FsPmRequest    from the process manager: FS_PM_FORK, FS_PM_EXIT, FS_PM_SETUID, FS_PM_EXEC, FS_PM_UNPAUSE, FS_PM_SETCON
 *   FsSignal       FS_SIGNAL, sent by FS to the process manager (SIGPIPE)
 *   FsReply        FS_REPLY: status (>= 0 success: a descriptor, a byte count, a position; < 0 a negative errno),
 *                  a `message` naming the cause on failure, and the call's result fields
 *   O_*, F_*, SEEK_*   flag values (MINIX's <fcntl.h>, <unistd.h>)
 * Paths are taken from the caller's working directory unless they start
 * with '/', and checked with the caller's credentials (uid 0 and '/' for a
 * process the FS has not heard of from PM). The bytes of a read or write are
 * a grant of the caller's buffer (`grant`, `bytes`: cpf_grant_direct, CPF_WRITE
 * for reads, CPF_READ for writes): the FS safe-copies through it. uid/gid on FS_CREATE
 * and FS_MKDIR give the new inode an owner (the superuser only).
 */
import type { Message } from '../../kernel/index.js';

export interface FsCreate extends Message {
  readonly type: 'FS_CREATE';
  readonly path: string;
  /** Permission bits (S_IFREG is implied). */
  readonly mode: number;
  /** Fail with EEXIST if the file exists (O_EXCL). */
  readonly exclusive?: boolean;
  /** Cut an existing file to length 0 (O_TRUNC). */
  readonly truncate?: boolean;
  readonly uid?: number;
  readonly gid?: number;
}
export interface FsMkdir extends Message { readonly type: 'FS_MKDIR'; readonly path: string; readonly mode: number; readonly uid?: number; readonly gid?: number }
export interface FsRead extends Message { readonly type: 'FS_READ'; readonly path: string; readonly position: number; readonly grant: number; readonly bytes: number }
export interface FsWrite extends Message { readonly type: 'FS_WRITE'; readonly path: string; readonly position: number; readonly grant: number; readonly bytes: number }
export interface FsTruncate extends Message { readonly type: 'FS_TRUNCATE'; readonly path: string; readonly length: number }
export interface FsStatReq extends Message { readonly type: 'FS_STAT'; readonly path: string }
export interface FsUnlink extends Message { readonly type: 'FS_UNLINK'; readonly path: string }
export interface FsRmdir extends Message { readonly type: 'FS_RMDIR'; readonly path: string }
/** Directory entries from index `index` (counting used entries, '.' and '..' included), at most `count`. */
export interface FsGetdents extends Message { readonly type: 'FS_GETDENTS'; readonly path: string; readonly index: number; readonly count: number }
export interface FsStatfsReq extends Message { readonly type: 'FS_STATFS' }
/** Write every dirty inode and buffer to the device. */
export interface FsSync extends Message { readonly type: 'FS_SYNC' }

export interface FsLstat extends Message { readonly type: 'FS_LSTAT'; readonly path: string }
/** A second name `path2` for the file `path` (not a directory). */
export interface FsLink extends Message { readonly type: 'FS_LINK'; readonly path: string; readonly path2: string }
export interface FsRename extends Message { readonly type: 'FS_RENAME'; readonly path: string; readonly path2: string }
/** A symbolic link at `path` holding `target`. */
export interface FsSymlink extends Message { readonly type: 'FS_SYMLINK'; readonly target: string; readonly path: string }
export interface FsReadlink extends Message { readonly type: 'FS_READLINK'; readonly path: string }
export interface FsChdir extends Message { readonly type: 'FS_CHDIR'; readonly path: string }
export interface FsChroot extends Message { readonly type: 'FS_CHROOT'; readonly path: string }
export interface FsChmod extends Message { readonly type: 'FS_CHMOD'; readonly path: string; readonly mode: number }
/** uid or gid -1 leaves it unchanged. */
export interface FsChown extends Message { readonly type: 'FS_CHOWN'; readonly path: string; readonly uid: number; readonly gid: number }
/** Returns the previous mask. */
export interface FsUmask extends Message { readonly type: 'FS_UMASK'; readonly mask: number }
/** Times in seconds; both omitted: now (the owner or anyone who may write). */
export interface FsUtime extends Message { readonly type: 'FS_UTIME'; readonly path: string; readonly atime?: number; readonly mtime?: number }

/** Returns the lowest free descriptor. `mode` (less the umask) for a file O_CREAT makes. */
export interface FsOpen extends Message { readonly type: 'FS_OPEN'; readonly path: string; readonly flags: number; readonly mode?: number }
export interface FsClose extends Message { readonly type: 'FS_CLOSE'; readonly fd: number }
/** Read up to `bytes` bytes at the descriptor's position into the grant; status: bytes read (0 at end of file). */
export interface FsReadFd extends Message { readonly type: 'FS_READFD'; readonly fd: number; readonly grant: number; readonly bytes: number }
export interface FsWriteFd extends Message { readonly type: 'FS_WRITEFD'; readonly fd: number; readonly grant: number; readonly bytes: number }
/** status: the new position. */
export interface FsLseek extends Message { readonly type: 'FS_LSEEK'; readonly fd: number; readonly offset: number; readonly whence: number }
export interface FsDup extends Message { readonly type: 'FS_DUP'; readonly fd: number }
export interface FsDup2 extends Message { readonly type: 'FS_DUP2'; readonly fd: number; readonly fd2: number }
export interface FsFstat extends Message { readonly type: 'FS_FSTAT'; readonly fd: number }
export interface FsFtruncate extends Message { readonly type: 'FS_FTRUNCATE'; readonly fd: number; readonly length: number }
export interface FsFsync extends Message { readonly type: 'FS_FSYNC'; readonly fd: number }
/** A record lock as struct flock: type F_RDLCK/F_WRLCK/F_UNLCK, start from whence, len 0 = to the end of file. */
export interface FsFlock { readonly type: number; readonly whence: number; readonly start: number; readonly len: number; readonly pid?: number }
/** F_DUPFD (arg: lowest fd), F_GETFD/F_SETFD (arg: FD_CLOEXEC), F_GETFL/F_SETFL (arg: flags), F_GETLK/F_SETLK/F_SETLKW (lock). */
export interface FsFcntl extends Message { readonly type: 'FS_FCNTL'; readonly fd: number; readonly cmd: number; readonly arg?: number; readonly lock?: FsFlock }
/** Reply: fd0 (read end), fd1 (write end). */
export interface FsPipe extends Message { readonly type: 'FS_PIPE' }

/** A file's security context (`security.selinux`). Reply: context. */
export interface FsGetfilecon extends Message { readonly type: 'FS_GETFILECON'; readonly path: string }
/** Relabel a file (the owner or root; relabelfrom the old context, relabelto the new). */
export interface FsSetfilecon extends Message { readonly type: 'FS_SETFILECON'; readonly path: string; readonly context: string }
/** The context the caller's next files are created with, as /proc/self/attr/fscreate (null: the policy's). Reply: the previous one. */
export interface FsSetfscreate extends Message { readonly type: 'FS_SETFSCREATE'; readonly context: string | null }

export type FsRequest = FsCreate | FsMkdir | FsRead | FsWrite | FsTruncate | FsStatReq | FsUnlink | FsRmdir | FsGetdents | FsStatfsReq | FsSync
  | FsLstat | FsLink | FsRename | FsSymlink | FsReadlink | FsChdir | FsChroot | FsChmod | FsChown | FsUmask | FsUtime
  | FsOpen | FsClose | FsReadFd | FsWriteFd | FsLseek | FsDup | FsDup2 | FsFstat | FsFtruncate | FsFsync | FsFcntl | FsPipe
  | FsGetfilecon | FsSetfilecon | FsSetfscreate;

/** The child shares the parent's open files, working and root directories and umask. */
export interface FsPmFork extends Message { readonly type: 'FS_PM_FORK'; readonly parent: number; readonly child: number; readonly pid: number; readonly uid: number; readonly gid: number }
/** Close the process's descriptors, release its locks and directories. */
export interface FsPmExit extends Message { readonly type: 'FS_PM_EXIT'; readonly endpoint: number }
/** New effective credentials. */
export interface FsPmSetuid extends Message { readonly type: 'FS_PM_SETUID'; readonly endpoint: number; readonly uid: number; readonly gid: number }
/** May `endpoint` execute `path`? Reply: status, firstLine. */
export interface FsPmExec extends Message { readonly type: 'FS_PM_EXEC'; readonly endpoint: number; readonly path: string }
/** A signal for a process suspended in FS (pipe, F_SETLKW): it gets EINTR. */
export interface FsPmUnpause extends Message { readonly type: 'FS_PM_UNPAUSE'; readonly endpoint: number }
/** The process's new security context (setcon, newrole, or an exec's domain transition: the creation context resets). */
export interface FsPmSetcon extends Message { readonly type: 'FS_PM_SETCON'; readonly endpoint: number; readonly context: string; readonly exec?: boolean }
export type FsPmRequest = FsPmFork | FsPmExit | FsPmSetuid | FsPmExec | FsPmUnpause | FsPmSetcon;

/** FS -> PM, asynchronously (senda): generate `signal` for `endpoint` (SIGPIPE). No reply. */
export interface FsSignal extends Message { readonly type: 'FS_SIGNAL'; readonly endpoint: number; readonly signal: number }

export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3;
export const O_CREAT = 0o100, O_EXCL = 0o200, O_TRUNC = 0o1000, O_APPEND = 0o2000, O_NONBLOCK = 0o4000;
export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
export const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7;
export const FD_CLOEXEC = 1;
export const F_RDLCK = 1, F_WRLCK = 2, F_UNLCK = 3;
export type FsRequestType = FsRequest['type'] | FsPmRequest['type'];

export interface FsStat {
  readonly ino: number;
  readonly mode: number;
  readonly nlinks: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly atime: number;
  readonly mtime: number;
  readonly ctime: number;
  /** Zones in use by the file, indirect blocks included. */
  readonly zones: number;
  /** The highest file block index that maps to a data zone; -1: none (absent for pipes). A size past its block is corrupt or a grown tail. */
  readonly lastBlock?: number;
}

export interface FsDirent { readonly name: string; readonly ino: number }

export interface FsStatfs {
  readonly blockSize: number;
  /** The largest file size: s_max_size, capped by what triple indirection reaches. */
  readonly maxFileBytes: number;
  readonly zones: number;
  readonly freeZones: number;
  readonly inodes: number;
  readonly freeInodes: number;
}

export interface FsReply extends Message {
  readonly type: 'FS_REPLY';
  readonly status: number;
  /** Why a call failed (the inode, block or field at fault). */
  readonly message?: string;
  /** FS_CREATE, FS_MKDIR: the inode number. */
  readonly ino?: number;
  readonly stat?: FsStat;
  readonly entries?: readonly FsDirent[];
  /** FS_GETDENTS: index to continue from, or -1 at the end. */
  readonly next?: number;
  readonly statfs?: FsStatfs;
  /** FS_PIPE: the read and write ends. */
  readonly fd0?: number;
  readonly fd1?: number;
  /** FS_READLINK: the link's target. */
  readonly link?: string;
  /** FS_FCNTL F_GETLK: the lock in the way, or type F_UNLCK. */
  readonly lock?: FsFlock;
  /** FS_PM_EXEC: the file's first line. */
  readonly firstLine?: string;
  /** FS_GETFILECON, FS_PM_EXEC (the file's, with MAC): a security context; FS_SETFSCREATE: the previous creation context. */
  readonly context?: string | null;
  /** FS_PM_EXEC: the device the file is on, for audit lines. */
  readonly dev?: string;
  /** A socket call (servers/inet/protocol.ts): recv's bytes, recvfrom's and accept's peer address and port. */
  readonly data?: string;
  readonly addr?: number;
  readonly port?: number;
  /** FS_PM_EXEC: a set-user-ID (set-group-ID) file's owner (group): the new effective id. */
  readonly setuid?: number;
  readonly setgid?: number;
}

export function fsReply(status: number, fields: Partial<Omit<FsReply, 'type' | 'status'>> = {}): FsReply {
  return { type: 'FS_REPLY', status, ...fields };
}
