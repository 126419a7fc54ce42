/*
 * The buffer cache, as MINIX's fs/cache.c. The entry points are:
 *   getBlock(blockNr, mode)  a buffer for a block: hit (off the LRU list) or miss (take the front, read unless NO_READ)
 *   putBlock(buf, type)      give a buffer back: ONE_SHOT to the front, the rest to the rear; WRITE_IMMED written now
 *   hit(blockNr), put(b, type)   the same without a generator when no I/O is needed (a hit; a put that writes nothing)
 *   flushall()               write every dirty buffer (rw_scattered)
 *   rwScattered(bufs, write) sort by block number (the elevator) and transfer runs of consecutive blocks by vector
 *   prefetch(blockNrs)       read ahead: the absent blocks in one scattered read
 *   discard(b)               forget an unheld buffer's contents without writing (undoing a request)
 *   undo                     a hook told of every block a request gets and every buffer written (undo.ts)
 *   onWriteFailure           a hook told when a write fails for good (after WRITE_RETRIES); stopWrites() ends writing
 * Lists: hash chains on the low bits of the block number (every valid
 * buffer), and one doubly linked LRU list of the buffers nobody holds
 * (count 0), front = next to evict. All operations are O(1) but the sort.
 * Replacement (replacement.ts): LRU takes the front; another policy is shown
 * the free list as FreeBuffer copies and names the victim (O(buffers) a miss).
 */
import { EIO, type ActorContext, type KernelCall } from '../../kernel/index.js';
import type { BlockDevice, BufferElement } from './device.js';
import { FsError } from './errors.js';
import { lruReplacement, type CacheReplacement } from './replacement.js';

export const enum GetMode {
  /** Read the block from the device on a miss. */
  NORMAL = 0,
  /** The caller overwrites the whole block: no read on a miss. */
  NO_READ = 1,
  /** Read ahead: on a miss the buffer is returned invalid, for a later rwScattered read. */
  PREFETCH = 2,
  /**
   * NO_READ for a caller that overwrites every byte before anything else can
   * look (a whole data block written): a miss skips the zero fill too.
   */
  OVERWRITE = 3,
}

/** Block types (MINIX's buf.h): what a block holds decides where put_block puts it. */
export const enum BlockType {
  INODE = 0,
  DIRECTORY = 1,
  INDIRECT = 2,
  MAP = 3,
  FULL_DATA = 5,
  PARTIAL_DATA = 6,
  /** Flag: will not be needed again soon; goes to the front, to be evicted first. */
  ONE_SHOT = 0x80,
  /** Flag (metadata when robust): write through at once. */
  WRITE_IMMED = 0x40,
}

const TYPE_MASK = 0x3f;

/** Told of the blocks a request touches, so a failed request can be undone (undo.ts fills it). */
export interface CacheUndoHook {
  /** A request is about to change this buffer (markDirty), or got it by a NO_READ miss (`known` false: not read). */
  noteBlock(b: Buf, known: boolean): void;
  /** This buffer's data reached the disk. */
  noteWritten(b: Buf): void;
}

export class Buf {
  blockNr = -1;
  /** The data is the block's (false: free, or a prefetch not yet read). */
  valid = false;
  dirty = false;
  /** Holders (get_block without put_block); on the LRU list only at 0. */
  count = 0;
  prev: Buf | null = null;
  next: Buf | null = null;
  hashNext: Buf | null = null;
  onLru = false;
  /** For replacement policies (replacement.ts FreeBuffer): get_block calls since loaded, the last one's and the load's access count. */
  uses = 0;
  lastUse = 0;
  loadedAt = 0;
  constructor(readonly index: number, readonly data: Uint8Array) {}
}

export interface CacheOptions {
  readonly buffers: number;
  readonly blockSize: number;
  /** Metadata blocks (inode, directory, indirect, map) written at once on put_block. */
  readonly robust: boolean;
  /** Sort dirty buffers by block number before writing (off: the order they sit in the pool). */
  readonly elevator: boolean;
  /** For `cache` trace records. */
  readonly ctx?: ActorContext | null;
  /** Which free buffer a miss takes (default MINIX's LRU). */
  readonly replacement?: CacheReplacement;
}

export interface CacheStats {
  hits: number;
  misses: number;
  evictions: number;
  flushes: number;
  blocksWritten: number;
  blocksRead: number;
  writeErrors: number;
}

/** Maximum vector elements per device request, as MINIX's NR_IOREQS. */
export const NR_IOREQS = 64;

/** A failed write is tried again this many times before it counts as failed for good (a transient error passes). */
export const WRITE_RETRIES = 2;

export class BufferCache {
  readonly bufs: Buf[];
  readonly blockSize: number;
  private readonly hash: (Buf | null)[];
  private readonly hashMask: number;
  private front: Buf | null = null;
  private rear: Buf | null = null;
  /** Buffers on the LRU list: the others are held. */
  private lruSize = 0;
  readonly stats: CacheStats = { hits: 0, misses: 0, evictions: 0, flushes: 0, blocksWritten: 0, blocksRead: 0, writeErrors: 0 };
  /** Set while a request that may be undone runs. */
  undo: CacheUndoHook | null = null;
  /** Told when a write fails for good: the block and the status (super.ts turns the FS read-only). */
  onWriteFailure: ((blockNr: number, status: number) => void) | null = null;
  /** After stopWrites() nothing more is written: dirty buffers stay dirty (errors=remount-ro). */
  private writesStopped = false;
  /** get_block calls so far: the clock of the replacement counters. */
  private accesses = 0;

  constructor(readonly dev: BlockDevice, readonly options: CacheOptions) {
    if (!(options.buffers >= 4)) throw new RangeError(`cache needs at least 4 buffers, got ${options.buffers}`);
    this.blockSize = options.blockSize;
    const pool = new Uint8Array(options.buffers * options.blockSize);
    this.bufs = [];
    for (let i = 0; i < options.buffers; i++) {
      const b = new Buf(i, pool.subarray(i * options.blockSize, (i + 1) * options.blockSize));
      this.bufs.push(b);
      this.lruAppend(b);
    }
    let hashSize = 1;
    while (hashSize < options.buffers) hashSize <<= 1;
    this.hash = new Array<Buf | null>(hashSize).fill(null);
    this.hashMask = hashSize - 1;
  }

  /** Is anyone listening? Checked before a record's fields are built: get_block runs on every block access. */
  private get tracing(): boolean {
    const ctx = this.options.ctx;
    return ctx !== null && ctx !== undefined && ctx.traceOn;
  }

  private trace(op: string, fields: Record<string, unknown>): void {
    this.options.ctx!.trace('cache', { op, ...fields });
  }

  // ---- the LRU list ----

  private lruAppend(b: Buf): void {
    b.prev = this.rear;
    b.next = null;
    if (this.rear) this.rear.next = b; else this.front = b;
    this.rear = b;
    b.onLru = true;
    this.lruSize++;
  }

  private lruPrepend(b: Buf): void {
    b.next = this.front;
    b.prev = null;
    if (this.front) this.front.prev = b; else this.rear = b;
    this.front = b;
    b.onLru = true;
    this.lruSize++;
  }

  private lruRemove(b: Buf): void {
    if (b.prev) b.prev.next = b.next; else this.front = b.next;
    if (b.next) b.next.prev = b.prev; else this.rear = b.prev;
    b.prev = b.next = null;
    b.onLru = false;
    this.lruSize--;
  }

  /** Block numbers on the LRU list, front first (tests, docs). */
  lruOrder(): number[] {
    const out: number[] = [];
    for (let b = this.front; b !== null && out.length <= this.bufs.length; b = b.next) out.push(b.blockNr);
    return out;
  }

  // ---- the hash chains ----

  private hashInsert(b: Buf): void {
    const h = b.blockNr & this.hashMask;
    b.hashNext = this.hash[h]!;
    this.hash[h] = b;
  }

  private hashRemove(b: Buf): void {
    const h = b.blockNr & this.hashMask;
    let p: Buf | null = this.hash[h]!;
    if (p === b) { this.hash[h] = b.hashNext; b.hashNext = null; return; }
    while (p !== null && p.hashNext !== b) p = p.hashNext;
    if (p !== null) p.hashNext = b.hashNext;
    b.hashNext = null;
  }

  /** The valid buffer holding blockNr, or null. */
  find(blockNr: number): Buf | null {
    for (let b: Buf | null = this.hash[blockNr & this.hashMask]!; b !== null; b = b.hashNext) if (b.blockNr === blockNr) return b;
    return null;
  }

  // ---- get_block / put_block ----

  /**
   * get_block's hit without a generator (the hot path: indirect, bitmap and
   * inode blocks): the held buffer, counted and traced as getBlock's hit; null
   * on a miss, which the caller then takes to getBlock.
   */
  hit(blockNr: number): Buf | null {
    const hit = this.find(blockNr);
    if (hit === null) return null;
    this.accesses++;
    if (hit.count === 0) this.lruRemove(hit);
    hit.count++;
    hit.uses++;
    hit.lastUse = this.accesses;
    this.stats.hits++;
    if (this.tracing) this.trace('hit', { block: blockNr });
    return hit;
  }

  *getBlock(blockNr: number, mode: GetMode = GetMode.NORMAL): Generator<KernelCall, Buf, any> {
    const hit = this.hit(blockNr);
    if (hit !== null) return hit;
    this.accesses++;
    this.stats.misses++;
    if (this.tracing) this.trace('miss', { block: blockNr });
    if (this.front === null) throw new Error(`buffer cache: all ${this.bufs.length} buffers in use`);
    let b = this.victim();
    if (b === null) throw new FsError(EIO, `no clean buffer to read block ${blockNr} into: writing has stopped and all ${this.bufs.length} are dirty`);
    if (b.dirty) {
      // Avoid hysteresis: one dirty victim flushes the whole device, in block order.
      yield* this.flushall();
      if (b.dirty) throw new FsError(EIO, `cannot evict block ${b.blockNr}: writing it failed, so it stays cached`);
    }
    this.lruRemove(b);
    if (b.blockNr >= 0) {
      this.stats.evictions++;
      if (this.tracing) this.trace('evict', { block: b.blockNr });
      if (b.valid) this.hashRemove(b);
    }
    b.blockNr = blockNr;
    b.count = 1;
    b.dirty = false;
    b.valid = true;
    b.uses = 1;
    b.lastUse = b.loadedAt = this.accesses;
    this.hashInsert(b);
    if (mode === GetMode.NORMAL) {
      const r = yield* this.dev.transfer(false, [{ position: blockNr * this.blockSize, buffer: b.data }]);
      this.stats.blocksRead++;
      if (r.status < 0 || r.done[0] !== this.blockSize) {
        this.invalidate(b);
        b.count = 0;
        this.lruPrepend(b);
        throw new FsError(EIO, `read of block ${blockNr} failed (${r.status})`);
      }
    } else if (mode === GetMode.PREFETCH) {
      b.valid = false;
    } else if (mode === GetMode.NO_READ) {
      // NO_READ: the caller fills the block; start from zeros so a partial fill never shows stale data.
      b.data.fill(0);
    }
    // A block the caller will overwrite unread has no known old image for the undo log.
    if (this.undo !== null && (mode === GetMode.NO_READ || mode === GetMode.OVERWRITE)) this.undo.noteBlock(b, false);
    return b;
  }

  /**
   * The free buffer a miss reuses: the LRU front, or the policy's choice
   * among the free buffers. Writing has stopped (a write failed for good):
   * the dirty buffers stay, and only clean ones are offered.
   */
  private victim(): Buf | null {
    const policy = this.options.replacement ?? lruReplacement;
    if (policy === lruReplacement) {
      let b = this.front;
      if (this.writesStopped) while (b !== null && b.dirty) b = b.next;
      return b;
    }
    const candidates: Buf[] = [];
    for (let b = this.front; b !== null && candidates.length < this.bufs.length; b = b.next) if (!(this.writesStopped && b.dirty)) candidates.push(b);
    if (candidates.length === 0) return null;
    const i = policy.victim(candidates.map((b) => Object.freeze({ blockNr: b.blockNr, dirty: b.dirty, uses: b.uses, lastUse: b.lastUse, loadedAt: b.loadedAt })));
    // An answer that is not an index (a shielded student policy reports it) takes the LRU front.
    return candidates[Number.isInteger(i) && i >= 0 && i < candidates.length ? i : 0]!;
  }

  private invalidate(b: Buf): void {
    this.hashRemove(b);
    b.valid = false;
    b.dirty = false;
    b.blockNr = -1;
  }

  /** Call before changing a buffer's data: the undo log (if any) keeps the image before the change. */
  markDirty(b: Buf): void {
    if (this.undo !== null) this.undo.noteBlock(b, true);
    b.dirty = true;
  }

  /**
   * put_block without a generator when it writes nothing: true when the
   * buffer went back; false (nothing done) when put_block must write it
   * through (WRITE_IMMED or robust metadata, dirty): the caller calls putBlock.
   */
  put(b: Buf, type: BlockType): boolean {
    if (b.count > 1 || !(b.dirty && b.valid && this.writesThrough(type))) {
      this.unhold(b, type);
      return true;
    }
    return false;
  }

  private writesThrough(type: BlockType): boolean {
    return (type & BlockType.WRITE_IMMED) !== 0 || (this.options.robust && (type & TYPE_MASK) <= BlockType.MAP);
  }

  /** put_block's bookkeeping: one hold less; at none, back on the LRU list. True when the buffer is free now. */
  private unhold(b: Buf, type: BlockType): boolean {
    if (b.count <= 0) throw new Error(`put_block of block ${b.blockNr}: not held (count ${b.count})`);
    if (--b.count > 0) return false;
    if (!b.valid && b.blockNr >= 0) this.invalidate(b);
    if (type & BlockType.ONE_SHOT) this.lruPrepend(b); else this.lruAppend(b);
    return true;
  }

  *putBlock(b: Buf, type: BlockType): Generator<KernelCall, void, any> {
    if (!this.unhold(b, type)) return;
    if (b.dirty && b.valid && this.writesThrough(type)) {
      const status = yield* this.rwScattered([b], true);
      // The request that wanted this block on disk now fails (and is undone in memory).
      if (status < 0) throw new FsError(EIO, `write of block ${b.blockNr} failed (${status})`);
    }
  }

  /** Write nothing more (a write failed for good); later writes fail with EIO and leave their buffers dirty. */
  stopWrites(): void {
    this.writesStopped = true;
  }

  /** Give a held buffer back without writing it, whatever the robust mode (undo.ts). */
  release(b: Buf): void {
    if (b.count <= 0) throw new Error(`release of block ${b.blockNr}: not held (count ${b.count})`);
    if (--b.count === 0) this.lruAppend(b);
  }

  /** Forget an unheld buffer's data (it goes unwritten): undoing a request's change to a block it never read. */
  discard(b: Buf): void {
    if (b.count !== 0) throw new Error(`discard of block ${b.blockNr}: held (count ${b.count})`);
    if (b.valid) this.invalidate(b);
    this.lruRemove(b);
    this.lruPrepend(b);
  }

  /** Blocks some caller still holds (between requests: none; the server asserts it). */
  heldBlocks(): number[] {
    const out: number[] = [];
    if (this.lruSize === this.bufs.length) return out;
    for (const b of this.bufs) if (b.count > 0) out.push(b.blockNr);
    return out;
  }

  // ---- writing ----

  /** Write every dirty buffer; returns 0 or the errno of a failed write (those buffers stay dirty). */
  *flushall(): Generator<KernelCall, number, any> {
    const dirty: Buf[] = [];
    for (const b of this.bufs) if (b.dirty && b.valid) dirty.push(b);
    if (dirty.length === 0) return 0;
    this.stats.flushes++;
    return yield* this.rwScattered(dirty, true);
  }

  /**
   * Transfer a set of buffers: sorted by block number (when the elevator is
   * on), in runs of consecutive blocks of at most NR_IOREQS, one vectored
   * request per run. A failed transfer stops the batch: written buffers are
   * clean, the rest stay dirty. Reads validate what arrived and release
   * every buffer (they come from prefetch). Returns 0 or a negative errno.
   */
  *rwScattered(bufs: Buf[], write: boolean): Generator<KernelCall, number, any> {
    if (this.options.elevator || !write) bufs.sort((a, b) => a.blockNr - b.blockNr);
    if (write && this.tracing) this.trace('flush', { blocks: bufs.map((b) => b.blockNr), sorted: this.options.elevator });
    let status = 0;
    let i = 0;
    while (i < bufs.length) {
      let n = 1;
      while (n < NR_IOREQS && i + n < bufs.length && bufs[i + n]!.blockNr === bufs[i]!.blockNr + n) n++;
      const vector: BufferElement[] = new Array(n);
      for (let j = 0; j < n; j++) vector[j] = { position: bufs[i + j]!.blockNr * this.blockSize, buffer: bufs[i + j]!.data };
      if (write && this.writesStopped) { status = -EIO; break; }
      let r = yield* this.dev.transfer(write, vector);
      let ok = 0;
      while (ok < n && r.done[ok] === this.blockSize) ok++;
      // A write error may be transient: try the rest of the run again, a bounded number of times.
      for (let retry = 0; write && ok < n && retry < WRITE_RETRIES; retry++) {
        if (this.tracing) this.trace('retry', { block: bufs[i + ok]!.blockNr, status: r.status });
        const rest = yield* this.dev.transfer(true, vector.slice(ok));
        let more = 0;
        while (ok + more < n && rest.done[more] === this.blockSize) more++;
        ok += more;
        r = rest;
      }
      for (let j = 0; j < ok; j++) {
        const b = bufs[i + j]!;
        if (write) {
          b.dirty = false;
          this.stats.blocksWritten++;
          this.undo?.noteWritten(b);
        } else {
          b.valid = true;
          this.stats.blocksRead++;
        }
      }
      if (ok < n) {
        status = r.status < 0 ? r.status : -EIO;
        if (write) {
          this.stats.writeErrors++;
          if (this.tracing) this.trace('error', { op: 'write', block: bufs[i + ok]!.blockNr, status });
          this.onWriteFailure?.(bufs[i + ok]!.blockNr, status);
        }
        break;
      }
      i += n;
    }
    if (!write) for (const b of bufs) yield* this.putBlock(b, BlockType.PARTIAL_DATA);
    return status;
  }

  /**
   * Read ahead (MINIX's rahead): take a buffer for each block not cached
   * and read them all with one scattered read; cached ones are left alone.
   */
  *prefetch(blockNrs: readonly number[]): Generator<KernelCall, void, any> {
    const absent: Buf[] = [];
    for (const nr of blockNrs) {
      if (this.find(nr) !== null) continue;
      if (this.front === null || this.front.dirty) break; // no clean buffer to spare: read ahead is only a hint
      absent.push(yield* this.getBlock(nr, GetMode.PREFETCH));
    }
    if (absent.length > 0) yield* this.rwScattered(absent, false);
  }

  /** Invariants (tests, debugging): one buffer per block, the LRU holds exactly the free buffers. */
  check(): void {
    const seen = new Set<number>();
    for (const b of this.bufs) {
      if (b.valid) {
        if (seen.has(b.blockNr)) throw new Error(`two buffers for block ${b.blockNr}`);
        seen.add(b.blockNr);
        if (this.find(b.blockNr) !== b) throw new Error(`block ${b.blockNr} not on its hash chain`);
      }
      if ((b.count === 0) !== b.onLru) throw new Error(`buffer ${b.index} count ${b.count} but onLru ${b.onLru}`);
    }
  }
}
