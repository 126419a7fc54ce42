/*
 * The FS server's state: one mounted MINIX V3 file system.
 *   FsConfig     what the boot script's `fs` line sets (driver, cache size, robust, elevator, readonly)
 *   FsState      the superblock, its geometry, the cache, the inode table, the search hints
 *   nowSec(fs)   inode time stamps: the configured epoch plus virtual time
 *   checkWritable(fs, what)   EROFS on a read-only mount (MINIX's read_only), at each modifying call
 *   Who          whom a request acts for: credentials, security context, root and working directory (ROOT_WHO: the superuser at /)
 */
import { EROFS, type ActorContext, type Endpoint } from '../../kernel/index.js';
import { FsError } from './errors.js';
import type { DeviceTable } from './dmap.js';
import type { FilpTable } from './filp.js';
import type { FprocTable } from './fproc.js';
import type { LockTable } from './lock.js';
import type { BufferCache } from './cache.js';
import type { CacheReplacement } from './replacement.js';
import type { BlockDevice } from './device.js';
import type { InodeTable } from './inode.js';
import type { Geometry, NameCache, Superblock } from './layout.js';
import type { UndoLog } from './undo.js';
import type { DirCache } from './dircache.js';
import type { LabelStore } from './label.js';
import type { FsMac } from './mac.js';

export interface FsConfig {
  /** Name of the disk driver's endpoint (e.g. 'disk0'). */
  readonly driver: string;
  readonly minor?: number;
  /** Buffers in the cache (MINIX's NR_BUFS). */
  readonly cacheBuffers?: number;
  /** Slots in the in-memory inode table (MINIX's NR_INODES); all held gives ENFILE. */
  readonly inodeSlots?: number;
  /** Open files in the system (MINIX's NR_FILPS); all in use gives ENFILE. */
  readonly filpSlots?: number;
  /** Write metadata blocks through at once (MINIX's ROBUST). */
  readonly robust?: boolean;
  /** Sort writes by block number (off: pool order, for the elevator lab). */
  readonly elevator?: boolean;
  /** Blocks read ahead past a read (0: only what the read asks for). */
  readAheadBlocks?: number;
  /** Seconds since 1970 at virtual time 0, for inode times (deterministic; default 0). */
  readonly epochSec?: number;
  /** The `context=` mount option: every inode has this label, and none may be relabelled. */
  readonly context?: string;
  /** Which free buffer a cache miss takes (replacement.ts; default MINIX's LRU). */
  readonly replacement?: CacheReplacement;
  /** Mount read-only (MINIX `mount -r`): modifying calls fail with EROFS and nothing is written. */
  readonly readOnly?: boolean;
  /** Mount even if the bitmaps contradict the inode table (bitcheck.ts); allocation still checks each bit. */
  readonly trustBitmaps?: boolean;
  /** Mount even if link counts are below the entries naming an inode (linkcheck.ts). */
  readonly trustLinks?: boolean;
  /** Directories the name cache hashes at once (dircache.ts; default MAX_DIRS; 0: none, every search scans as MINIX's). */
  readonly dirCacheDirs?: number;
}

export const DEFAULT_FS_CONFIG = {
  minor: 0, cacheBuffers: 256, inodeSlots: 256, robust: false, elevator: true, readAheadBlocks: 0, epochSec: 0,
} as const;

export interface FsState {
  readonly ctx: ActorContext | null;
  readonly dev: BlockDevice;
  readonly sb: Superblock;
  readonly g: Geometry;
  readonly cache: BufferCache;
  readonly inodes: InodeTable;
  readonly readAheadBlocks: number;
  readonly epochSec: number;
  /** Inode bitmap search hint (MINIX's s_isearch): no free bit below it. */
  isearch: number;
  /** Zone bitmap search hint (s_zsearch). */
  zsearch: number;
  /** Per-process state (cwd, root, umask, descriptors, credentials), by endpoint. */
  readonly procs: FprocTable;
  /** Open files: position, flags, the inode or pipe; shared after fork and dup. */
  readonly filps: FilpTable;
  /** Advisory record locks (fcntl). */
  readonly locks: LockTable;
  /** Major device number -> driver endpoint. */
  readonly dmap: DeviceTable;
  /** `security.selinux` of each inode (label.ts). */
  readonly labels: LabelStore;
  /** Mandatory access control: set when a security server runs (mac.ts); absent, only DAC applies. */
  mac?: FsMac;
  /**
   * Mounted read-only (MINIX's s_rd_only): set at mount by `readOnly`; it may also be set later
   * (a remount). Modifying calls fail with EROFS (checkWritable, below) and no block is written.
   */
  readOnly: boolean;
  /** The undo log of the running modifying request (undo.ts), kept between requests. */
  undoLog?: UndoLog;
  /** Inode-table blocks (indexes) whose inodes' zones the mount found marked in the zone bitmap (bitcheck.ts). */
  checkedInodeBlocks?: ReadonlySet<number>;
  /** Why a file system mounted read-write turned read-only (a write failed for good: super.ts remountReadOnly). */
  readOnlyCause?: string;
  /** The bytes of a write from a grant, up to STAGE_BYTES (write.ts), kept between requests: no garbage per write. */
  stagingBlock?: Uint8Array;
  /** A block of zeros: a hole's bytes for a vectored copy out (read.ts); never written. */
  zeroBlock?: Uint8Array;
  /** Encoded path components (layout.ts NameCache), per FS instance. */
  readonly names: NameCache;
  /** The per-directory name cache (dircache.ts), per FS instance. */
  readonly dirs: DirCache;
  /** Number of the next pipe (trace records name pipes by it); per FS instance, so every boot counts from 1. */
  nextPipeNr: number;
}

/** Whom a request acts for: the caller's credentials and where its paths start. */
export interface Who {
  readonly endpoint: Endpoint;
  readonly uid: number;
  readonly gid: number;
  /** Inode numbers of the process's root ('/' and the top of '..') and working directory. */
  readonly rootNr: number;
  readonly cwdNr: number;
  /** Security context (null: not told by PM; the kernel's context applies) and pid, for MAC and its audit. */
  readonly context?: string | null;
  readonly pid?: number;
}

/** The superuser at the real root: the storage layer's callers (mkfs-like tools, tests). */
export const ROOT_WHO: Who = { endpoint: -1, uid: 0, gid: 0, rootNr: 1, cwdNr: 1 };

export function nowSec(fs: FsState): number {
  const ns = fs.ctx?.nowNs() ?? 0;
  return (fs.epochSec + Math.floor(ns / 1e9)) >>> 0;
}

/**
 * MINIX's read_only (vfs protect.c; mfs checks s_rd_only in search_dir, read_write, fs_chmod, ...):
 * a call that would modify a read-only file system fails with EROFS.
 */
export function checkWritable(fs: FsState, what: string): void {
  if (fs.readOnly) throw new FsError(EROFS, `${what}: the file system is ${fs.readOnlyCause ?? 'mounted read-only'}`);
}
