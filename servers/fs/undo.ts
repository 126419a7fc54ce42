/*
 * Undoing a failed request: mksim goes beyond MINIX here. The entry points are:
 *   UndoLog          the first image of every block a request changed (markDirty comes before the change)
 *                    and of every inode it got, and the inodes it allocated
 *   startUndo(fs)    note from now on (the call table does it before a modifying call)
 *   stopUndo(fs)     the request succeeded: forget the notes
 *   rollBack(fs)     the request failed: put every noted block and inode back as it was, drop the new inodes
 * MINIX undoes by hand where it expects a failure: new_node frees the inode
 * when the entry cannot be made, do_mkdir removes the entry when '.' or '..'
 * cannot be entered. mksim does the same in newNode and makeDir, and keeps
 * this log as well, so that ENOSPC or EIO at any later step (an indirect
 * block for a directory, a bitmap block that cannot be read, a label) leaves
 * no name without an inode, no half-made directory, no link count or bitmap
 * bit changed. A block a request overwrote without reading (a NO_READ miss)
 * has no known old image: undoing drops the cached copy, so the block on
 * disk stays as it was, unless the request's copy already reached the disk.
 */
import type { KernelCall } from '../../kernel/index.js';
import { GetMode, type Buf, type CacheUndoHook } from './cache.js';
import type { Inode, InodeUndoHook } from './inode.js';
import { emptyInode, type DiskInode } from './layout.js';
import type { FsState } from './state.js';

interface BlockNote {
  /** The block's data before the request (null: not known, the request never read it). */
  readonly image: Uint8Array | null;
  readonly dirty: boolean;
  /** The request's version reached the disk (an eviction or a robust write): undoing must write the image. */
  written: boolean;
}

interface InodeNote {
  /** The inode's fields before the request (null: the request allocated it). */
  readonly image: DiskInode | null;
  readonly dirty: boolean;
}

function copyInode(from: DiskInode, to: DiskInode): void {
  to.mode = from.mode; to.nlinks = from.nlinks; to.uid = from.uid; to.gid = from.gid; to.size = from.size;
  to.atime = from.atime; to.mtime = from.mtime; to.ctime = from.ctime;
  to.zone.set(from.zone);
}

/** Block images kept for reuse between requests (most requests change a few blocks): less garbage. */
const POOL_MAX = 64;

export class UndoLog implements CacheUndoHook, InodeUndoHook {
  readonly blocks = new Map<number, BlockNote>();
  readonly inodes = new Map<number, InodeNote>();
  private readonly pool: Uint8Array[] = [];

  noteBlock(b: Buf, known: boolean): void {
    if (this.blocks.has(b.blockNr)) return;
    let image: Uint8Array | null = null;
    if (known) {
      const spare = this.pool.pop();
      if (spare !== undefined && spare.length === b.data.length) { spare.set(b.data); image = spare; } else image = b.data.slice();
    }
    this.blocks.set(b.blockNr, { image, dirty: b.dirty, written: false });
  }

  /** Forget the notes (a request ended); their images go back to the pool. */
  clear(): void {
    for (const note of this.blocks.values()) if (note.image !== null && this.pool.length < POOL_MAX) this.pool.push(note.image);
    this.blocks.clear();
    this.inodes.clear();
  }

  noteWritten(b: Buf): void {
    const note = this.blocks.get(b.blockNr);
    if (note !== undefined) note.written = true;
  }

  noteInode(ino: Inode): void {
    if (this.inodes.has(ino.nr)) return;
    const image = emptyInode();
    copyInode(ino.d, image);
    this.inodes.set(ino.nr, { image, dirty: ino.dirty });
  }

  noteNew(ino: Inode): void {
    if (!this.inodes.has(ino.nr)) this.inodes.set(ino.nr, { image: null, dirty: false });
  }
}

export function startUndo(fs: FsState): void {
  fs.undoLog ??= new UndoLog();
  fs.undoLog.clear();
  fs.cache.undo = fs.undoLog;
  fs.inodes.undo = fs.undoLog;
}

export function stopUndo(fs: FsState): UndoLog | null {
  const log = fs.cache.undo === null ? null : fs.undoLog ?? null;
  fs.cache.undo = null;
  fs.inodes.undo = null;
  return log;
}

/**
 * Put the state before the request back. Runs after every hold of the
 * request was put (the call table checks). Returns the blocks it could not
 * restore (their buffer could not be had: the cache is full of blocks that
 * cannot be written), for the caller to report.
 */
export function* rollBack(fs: FsState): Generator<KernelCall, number[], any> {
  const log = stopUndo(fs);
  if (log === null) return [];
  for (const [nr, note] of log.inodes) {
    const ino = fs.inodes.byNr.get(nr);
    if (ino === undefined) continue; // written back and dropped: its block's note restores it
    if (note.image === null) {
      if (ino.count === 0) fs.inodes.forget(ino);
      continue;
    }
    copyInode(note.image, ino.d);
    ino.dirty = note.dirty;
  }
  const failed: number[] = [];
  const restored: number[] = [];
  for (const [blockNr, note] of log.blocks) {
    let b = fs.cache.find(blockNr);
    if (note.image === null) {
      if (b !== null && !note.written) fs.cache.discard(b);
      continue;
    }
    if (b !== null && !note.written && b.dirty === note.dirty && equalBytes(b.data, note.image)) continue;
    try {
      b = yield* fs.cache.getBlock(blockNr, GetMode.NO_READ);
    } catch {
      failed.push(blockNr);
      continue;
    }
    b.data.set(note.image);
    // Dirty if it was, or if the request's version reached the disk: then the old image must be written again.
    b.dirty = note.dirty || note.written;
    fs.cache.release(b);
    if (b.dirty) restored.push(blockNr);
  }
  // Directory blocks and sizes went back: hashes made or changed by the request no longer match.
  fs.dirs.clear();
  // Labels of inodes that are gone again: read afresh from the restored label file.
  fs.labels.cache.clear();
  fs.labels.fileNr = 0;
  // A robust FS writes metadata through: the undone blocks too.
  if (fs.cache.options.robust) {
    const dirty: Buf[] = [];
    for (const nr of restored) {
      const b = fs.cache.find(nr);
      if (b !== null && b.dirty) dirty.push(b);
    }
    if (dirty.length > 0) yield* fs.cache.rwScattered(dirty, true);
  }
  return failed;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
