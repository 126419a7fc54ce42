/*
 * The in-memory inode table, as MINIX's inode.c. The entry points are:
 *   getInode(fs, nr)        the inode, held (count + 1): from the table, or read from its block; ENFILE when all slots are held
 *   putInode(fs, ino)       drop a hold; at count 0 a dirty inode is written back, an unlinked one truncated and freed
 *   allocInode(fs, mode, uid, gid)   a fresh inode from the bitmap (s_isearch), held; ENOSPC when none is left
 *   rwInode(fs, ino, write) copy between the table and the inode's disk block
 *   writeDirtyInodes(fs)    write back every dirty inode (sync)
 *   holdLong(ino) / putLong(fs, ino)   turn a request's hold into one that outlives it (open file, cwd), and drop it
 */
import { ENFILE, ENOSPC, type KernelCall } from '../../kernel/index.js';
import { allocBit, BitMap, freeBit } from './alloc.js';
import { BlockType } from './cache.js';
import { corrupt, FsError } from './errors.js';
import { decodeInode, emptyInode, encodeInode, INODE_BYTES, S_IFBLK, S_IFCHR, S_IFMT, type DiskInode } from './layout.js';
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

export class InodeTable {
  readonly byNr = new Map<number, Inode>();
  /** Inodes nobody holds, oldest first: the ones a new inode may replace. */
  private readonly unused = new Set<Inode>();
  constructor(readonly slots: number) {}

  hold(ino: Inode): void {
    if (ino.count++ === 0) this.unused.delete(ino);
  }

  release(ino: Inode): void {
    if (ino.count <= 0) throw new Error(`inode ${ino.nr}: released more than held`);
    if (--ino.count === 0) this.unused.add(ino);
  }

  /** A slot for a new inode: a free one, or the oldest unheld (null if all are held). */
  victim(): Inode | null | 'free' {
    if (this.byNr.size < this.slots) return 'free';
    for (const ino of this.unused) return ino;
    return null;
  }

  forget(ino: Inode): void {
    this.unused.delete(ino);
    this.byNr.delete(ino.nr);
  }

  add(ino: Inode): void {
    this.byNr.set(ino.nr, ino);
    ino.count = 1;
  }

  /** Drop every hold a request took (after a failed request); long holds stay. */
  releaseAll(): void {
    for (const ino of this.byNr.values()) {
      if (ino.count > ino.longHolds) ino.count = ino.longHolds;
      if (ino.count === 0) this.unused.add(ino);
    }
  }
}

export function* rwInode(fs: FsState, ino: Inode, write: boolean): Generator<KernelCall, void, any> {
  const perBlock = fs.g.inodesPerBlock;
  const blockNr = fs.g.inodeStart + Math.floor((ino.nr - 1) / perBlock);
  const offset = ((ino.nr - 1) % perBlock) * INODE_BYTES;
  const bp = yield* fs.cache.getBlock(blockNr);
  if (write) {
    encodeInode(ino.d, bp.data, offset);
    fs.cache.markDirty(bp);
    ino.dirty = false;
  } else {
    decodeInode(bp.data, offset, ino.d);
  }
  yield* fs.cache.putBlock(bp, BlockType.INODE);
}

/** Make room in the table for one more inode. */
function* takeSlot(fs: FsState): Generator<KernelCall, void, any> {
  const v = fs.inodes.victim();
  if (v === null) throw new FsError(ENFILE, `inode table full: all ${fs.inodes.slots} slots in use`);
  if (v === 'free') return;
  if (v.dirty) yield* rwInode(fs, v, true);
  fs.inodes.forget(v);
}

export function* getInode(fs: FsState, nr: number): Generator<KernelCall, Inode, any> {
  if (!(nr >= 1 && nr <= fs.sb.ninodes)) throw corrupt(`inode number ${nr} outside 1..${fs.sb.ninodes}`);
  const cached = fs.inodes.byNr.get(nr);
  if (cached !== undefined) {
    fs.inodes.hold(cached);
    return cached;
  }
  yield* takeSlot(fs);
  const ino = new Inode(nr, emptyInode());
  yield* rwInode(fs, ino, false);
  fs.inodes.add(ino);
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
    // The number will be reused: a new file must not inherit this one's security label.
    yield* clearLabel(fs, fs.labels, ino.nr);
    return;
  }
  if (ino.dirty) yield* rwInode(fs, ino, true);
}

export function* allocInode(fs: FsState, mode: number, uid: number, gid: number): Generator<KernelCall, Inode, any> {
  checkWritable(fs, 'a new inode'); // MINIX alloc_inode: no inode on a read-only device
  yield* takeSlot(fs);
  const nr = yield* allocBit(fs, BitMap.IMAP, fs.isearch);
  if (nr === 0) throw new FsError(ENOSPC, `no free inode (${fs.sb.ninodes} inodes)`);
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
  return ino;
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
