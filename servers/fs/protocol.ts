/*
 * The FS server's request and reply messages (the storage layer's calls).
 *   FsRequest   FS_CREATE, FS_MKDIR, FS_READ, FS_WRITE, FS_TRUNCATE, FS_STAT, FS_UNLINK, FS_RMDIR,
 *               FS_GETDENTS, FS_STATFS, FS_SYNC
 *   FsReply     FS_REPLY: status (>= 0 success, bytes for READ/WRITE; < 0 a negative errno),
 *               a `message` naming the cause on failure, and the call's result fields
 *   FsStat, FsDirent, FsStatfs   result shapes
 * Paths are absolute ('/a/b'); buffers are the caller's Uint8Array (a grant):
 * FS_READ fills it, FS_WRITE reads it. uid/gid on FS_CREATE and FS_MKDIR own
 * the new inode (the descriptor layer will take them from the caller later).
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
export interface FsRead extends Message { readonly type: 'FS_READ'; readonly path: string; readonly position: number; readonly buffer: Uint8Array }
export interface FsWrite extends Message { readonly type: 'FS_WRITE'; readonly path: string; readonly position: number; readonly buffer: Uint8Array }
export interface FsTruncate extends Message { readonly type: 'FS_TRUNCATE'; readonly path: string; readonly length: number }
export interface FsStatReq extends Message { readonly type: 'FS_STAT'; readonly path: string }
export interface FsUnlink extends Message { readonly type: 'FS_UNLINK'; readonly path: string }
export interface FsRmdir extends Message { readonly type: 'FS_RMDIR'; readonly path: string }
/** Directory entries from index `index` (counting used entries, '.' and '..' included), at most `count`. */
export interface FsGetdents extends Message { readonly type: 'FS_GETDENTS'; readonly path: string; readonly index: number; readonly count: number }
export interface FsStatfsReq extends Message { readonly type: 'FS_STATFS' }
/** Write every dirty inode and buffer to the device. */
export interface FsSync extends Message { readonly type: 'FS_SYNC' }

export type FsRequest = FsCreate | FsMkdir | FsRead | FsWrite | FsTruncate | FsStatReq | FsUnlink | FsRmdir | FsGetdents | FsStatfsReq | FsSync;
export type FsRequestType = FsRequest['type'];

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
}

export interface FsDirent { readonly name: string; readonly ino: number }

export interface FsStatfs {
  readonly blockSize: number;
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
}

export function fsReply(status: number, fields: Partial<Omit<FsReply, 'type' | 'status'>> = {}): FsReply {
  return { type: 'FS_REPLY', status, ...fields };
}
