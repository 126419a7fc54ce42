/*
 * The pool of physical frames (MINIX's alloc.c, with phys_block's reference
 * count): which frames are free, which (process, page) pairs map each one,
 * and whether its contents changed since they were last saved.
 *   FramePool.take()                 a free frame, or -1
 *   FramePool.addOwner(f, ep, vpage) / removeOwner(f, ep, vpage) -> true when the frame became free
 *   FramePool.owners(f), shared(f), inUse(), dirty[]
 * Invariant: a frame is free iff it has no owner; a frame with more than one
 * owner is copy-on-write (mapped read-only in every owner).
 */

export interface FrameOwner {
  readonly endpoint: number;
  readonly vpage: number;
}

export class FramePool {
  private readonly ownersOf: FrameOwner[][];
  /** Free frames, lowest number on top (a stack read from the end). */
  private readonly free: number[];
  /** Written since loaded from its source (zero, file, swap): eviction must save it. */
  readonly dirty: Uint8Array;

  constructor(readonly frames: number) {
    this.ownersOf = Array.from({ length: frames }, () => []);
    this.free = Array.from({ length: frames }, (_, i) => frames - 1 - i);
    this.dirty = new Uint8Array(frames);
  }

  take(): number {
    return this.free.pop() ?? -1;
  }

  /** Return a frame taken but never used (a page-in that failed). */
  giveBack(frame: number): void {
    if (this.ownersOf[frame]!.length !== 0) throw new Error(`frame ${frame} has owners`);
    this.free.push(frame);
  }

  addOwner(frame: number, endpoint: number, vpage: number): void {
    this.ownersOf[frame]!.push({ endpoint, vpage });
  }

  removeOwner(frame: number, endpoint: number, vpage: number): boolean {
    const list = this.ownersOf[frame]!;
    const at = list.findIndex((o) => o.endpoint === endpoint && o.vpage === vpage);
    if (at < 0) throw new Error(`frame ${frame} has no owner ${endpoint}:${vpage}`);
    list.splice(at, 1);
    if (list.length > 0) return false;
    this.dirty[frame] = 0;
    this.free.push(frame);
    return true;
  }

  owners(frame: number): readonly FrameOwner[] {
    return this.ownersOf[frame]!;
  }

  shared(frame: number): boolean {
    return this.ownersOf[frame]!.length > 1;
  }

  /** Frames holding a page, in frame order. */
  inUse(): number[] {
    const out: number[] = [];
    for (let f = 0; f < this.frames; f++) if (this.ownersOf[f]!.length > 0) out.push(f);
    return out;
  }

  get freeCount(): number {
    return this.free.length;
  }
}
