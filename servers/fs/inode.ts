/*
 * The in-memory inode table, as MINIX's inode.c. The entry points are:
 *   getInode(fs, nr)        the inode, held (count + 1): from the table, or read from its block; ENFILE when all slots are held
 *   putInode(fs, ino)       drop a hold; at count 0 a dirty inode is written back, an unlinked one truncated and freed
 *   cachedInode / releaseInode   the same without a generator when the inode is in the table / nothing is written
 *   allocInode(fs, mode, uid, gid)   a fresh inode from the bitmap (s_isearch), held; ENOSPC when none is left
 *   rwInode(fs, ino, write) copy between the table and the inode's disk block
 *   writeDirtyInodes(fs)    write back every dirty inode (sync)
 *   holdLong(ino) / putLong(fs, ino)   turn a request's hold into one that outlives it (open file, cwd), and drop it
 */
import { ENFILE, ENOSPC, type KernelCall } from '../../kernel/index.js';
import { allocBit, BitMap, distrust, freeBit } from './alloc.js';
import { BlockType } from './cache.js';
import { corrupt, FsError } from './errors.js';
import { decodeInode, emptyInode, encodeInode, INODE_BYTES, inodeModeAt, S_IFBLK, S_IFCHR, S_IFMT, type DiskInode } from './layout.js';
import { clearLabel } from './label.js';
import { checkWritable, nowSec, type FsState } from './state.js';
import { truncateInode } from './write.js';

export class Inode {
  count = 0;
  /** Holds that outlive a request (open files, working and root directories); count >= longHolds. */
  longHolds = 0;
  dirty = false;
  constructor(readonly nr: number, readonly d: DiskInode) {}
}

/** Told of the inodes a request touches, so a failed request can be undone (undo.ts fills it). */
export interface InodeUndoHook {
  /** A request got this inode (its fields as they were before the request changed them). */
  noteInode(ino: Inode): void;
  /** A request allocated this inode. */
  noteNew(ino: Inode): void;
}

export class InodeTable {
  readonly byNr = new Map<number, Inode>();
  /** Set while a request that may be undone runs. */
  undo: InodeUndoHook | null = null;
  /**
   * Inodes read from a part of the table the mount's bitmap check did not cover (bitcheck.ts):
   * allocation makes sure no zone one of them holds is handed out. The rest the check vouched for,
   * or this FS allocated them.
   */
  readonly unvouched = new Set<Inode>();
  /** Inodes nobody holds, oldest first: the ones a new inode may replace. */
  private readonly unused = new Set<Inode>();
  constructor(readonly slots: number) {}

  /** Inodes with count > 0 (few: working directories, open files, the request's own). */
  private readonly held = new Set<Inode>();

  hold(ino: Inode): void {
    if (ino.count++ === 0) { this.unused.delete(ino); this.held.add(ino); }
  }

  release(ino: Inode): void {
    if (ino.count <= 0) throw new Error(`inode ${ino.nr}: released more than held`);
    if (--ino.count === 0) { this.unused.add(ino); this.held.delete(ino); }
  }

  /** A slot for a new inode: a free one, or the oldest unheld (null if all are held). */
  victim(): Inode | null | 'free' {
    if (this.byNr.size < this.slots) return 'free';
    for (const ino of this.unused) return ino;
    return null;
  }

  forget(ino: Inode): void {
    this.unused.delete(ino);
    this.unvouched.delete(ino);
    this.held.delete(ino);
    this.byNr.delete(ino.nr);
  }

  add(ino: Inode): void {
    this.byNr.set(ino.nr, ino);
    ino.count = 1;
    this.held.add(ino);
  }

  /** Inodes held beyond their long holds (between requests: none; the server asserts it). */
  shortHeld(): number[] {
    const out: number[] = [];
    for (const ino of this.held) if (ino.count > ino.longHolds) out.push(ino.nr);
    return out;
  }
}

export function* rwInode(fs: FsState, ino: Inode, write: boolean): Generator<KernelCall, void, any> {
  const perBlock = fs.g.inodesPerBlock;
  const blockNr = fs.g.inodeStart + Math.floor((ino.nr - 1) / perBlock);
  const offset = ((ino.nr - 1) % perBlock) * INODE_BYTES;
  const bp = fs.cache.hit(blockNr) ?? (yield* fs.cache.getBlock(blockNr));
  if (write) {
    fs.cache.markDirty(bp);
    encodeInode(ino.d, bp.data, offset);
    ino.dirty = false;
  } else {
    decodeInode(bp.data, offset, ino.d);
  }
  if (!fs.cache.put(bp, BlockType.INODE)) yield* fs.cache.putBlock(bp, BlockType.INODE);
}

/** Make room in the table for one more inode. */
function* takeSlot(fs: FsState): Generator<KernelCall, void, any> {
  const v = fs.inodes.victim();
  if (v === null) throw new FsError(ENFILE, `inode table full: all ${fs.inodes.slots} slots in use`);
  if (v === 'free') return;
  if (v.dirty) yield* rwInode(fs, v, true);
  fs.inodes.forget(v);
}

/** getInode's hit without a generator (walk's every step): the inode, held and noted, or null: call getInode. */
export function cachedInode(fs: FsState, nr: number): Inode | null {
  const cached = nr >= 1 && nr <= fs.sb.ninodes ? fs.inodes.byNr.get(nr) : undefined;
  if (cached === undefined) return null;
  fs.inodes.hold(cached);
  fs.inodes.undo?.noteInode(cached);
  return cached;
}

/** putInode when it has nothing to write or free, without a generator: true when done; false (nothing done): call putInode. */
export function releaseInode(fs: FsState, ino: Inode): boolean {
  if (ino.count === 1 && (ino.dirty || (ino.d.nlinks === 0 && ino.d.mode !== 0 && !fs.readOnly))) return false;
  fs.inodes.release(ino);
  return true;
}

export function* getInode(fs: FsState, nr: number): Generator<KernelCall, Inode, any> {
  if (!(nr >= 1 && nr <= fs.sb.ninodes)) throw corrupt(`inode number ${nr} outside 1..${fs.sb.ninodes}`);
  const cached = fs.inodes.byNr.get(nr);
  if (cached !== undefined) {
    fs.inodes.hold(cached);
    fs.inodes.undo?.noteInode(cached);
    return cached;
  }
  yield* takeSlot(fs);
  const ino = new Inode(nr, emptyInode());
  yield* rwInode(fs, ino, false);
  fs.inodes.add(ino);
  if (fs.checkedInodeBlocks?.has(Math.floor((nr - 1) / fs.g.inodesPerBlock)) !== true) fs.inodes.unvouched.add(ino);
  fs.inodes.undo?.noteInode(ino);
  return ino;
}

export function* putInode(fs: FsState, ino: Inode): Generator<KernelCall, void, any> {
  fs.inodes.release(ino);
  if (ino.count > 0) return;
  if (ino.d.nlinks === 0 && ino.d.mode !== 0 && !fs.readOnly) {
    // Last hold on an unlinked file: free its zones and the inode itself. On a read-only mount
    // an orphan (nlinks 0 on disk) is left as it is, for fsck (MINIX would try to free it).
    // As MINIX's truncate_inode, a device keeps no zones: its i_zone[0] is the device number.
    const type = ino.d.mode & S_IFMT;
    if (type !== S_IFCHR && type !== S_IFBLK) yield* truncateInode(fs, ino, 0);
    ino.d.mode = 0;
    ino.dirty = true;
    yield* rwInode(fs, ino, true);
    yield* freeBit(fs, BitMap.IMAP, ino.nr);
    if (ino.nr < fs.isearch) fs.isearch = ino.nr;
    fs.inodes.forget(ino);
    // A directory's entries go with it: a new directory may get this number.
    fs.dirs.drop(ino.nr);
    // The number will be reused: a new file must not inherit this one's security label.
    yield* clearLabel(fs, fs.labels, ino.nr);
    return;
  }
  if (ino.dirty) yield* rwInode(fs, ino, true);
}

export function* allocInode(fs: FsState, mode: number, uid: number, gid: number): Generator<KernelCall, Inode, any> {
  checkWritable(fs, 'a new inode'); // MINIX alloc_inode: no inode on a read-only device
  yield* takeSlot(fs);
  const nr = yield* allocFreeInodeNr(fs);
  fs.isearch = nr;
  const t = nowSec(fs);
  const d = emptyInode();
  d.mode = mode;
  d.uid = uid & 0xffff;
  d.gid = gid & 0xffff;
  d.atime = d.mtime = d.ctime = t;
  const ino = new Inode(nr, d);
  ino.dirty = true;
  fs.inodes.add(ino);
  fs.inodes.undo?.noteNew(ino);
  return ino;
}

/**
 * A free inode number from the bitmap, checked: a corrupt bitmap may show a
 * live inode as free, so one whose table entry or on-disk mode is non-zero is
 * not handed out (its bit stays set, which repairs the bitmap) and the search
 * goes on, at most once per inode. MINIX's alloc_inode trusts the bit.
 */
function* allocFreeInodeNr(fs: FsState): Generator<KernelCall, number, any> {
  let origin = fs.isearch;
  for (let tries = 0; tries <= fs.sb.ninodes; tries++) {
    const nr = yield* allocBit(fs, BitMap.IMAP, origin);
    if (nr === 0 || nr > fs.sb.ninodes) break;
    const cached = fs.inodes.byNr.get(nr);
    let mode = cached?.d.mode ?? 0;
    if (cached === undefined) {
      const blockNr = fs.g.inodeStart + Math.floor((nr - 1) / fs.g.inodesPerBlock);
      const bp = fs.cache.hit(blockNr) ?? (yield* fs.cache.getBlock(blockNr));
      mode = inodeModeAt(bp.data, ((nr - 1) % fs.g.inodesPerBlock) * INODE_BYTES);
      if (!fs.cache.put(bp, BlockType.INODE)) yield* fs.cache.putBlock(bp, BlockType.INODE);
    }
    if (mode === 0 && (cached === undefined || cached.count === 0)) {
      if (cached !== undefined) fs.inodes.forget(cached); // a stale copy of a free inode
      return nr;
    }
    distrust(fs, `inode ${nr} is in use (mode 0o${mode.toString(8)}) but was free in the inode bitmap: marked used, not handed out`);
    origin = nr + 1;
  }
  throw new FsError(ENOSPC, `no free inode (${fs.sb.ninodes} inodes)`);
}

export function* writeDirtyInodes(fs: FsState): Generator<KernelCall, void, any> {
  for (const ino of fs.inodes.byNr.values()) if (ino.dirty) yield* rwInode(fs, ino, true);
}


/** Keep a held inode past the request (an open file, a working directory): the hold becomes a long one. */
export function holdLong(ino: Inode): void {
  if (ino.count <= ino.longHolds) throw new Error(`inode ${ino.nr}: long hold without a hold`);
  ino.longHolds++;
}

/** Drop a long hold (close, chdir away, exit). */
export function* putLong(fs: FsState, ino: Inode): Generator<KernelCall, void, any> {
  if (ino.longHolds <= 0) throw new Error(`inode ${ino.nr}: long hold released more than taken`);
  ino.longHolds--;
  yield* putInode(fs, ino);
}
