/*
 * Swap space on a disk, through the real disk driver: a page-out is a
 * DEV_SCATTER and a page-in a DEV_GATHER of one page, each buffer granted
 * to the driver for the request (as libbdev does), so each costs the
 * disk's seek, rotation and transfer. MINIX 3's VM has no swap; this is
 * the textbook's backing store (docs/vm.md).
 *   openSwap(ctx, driver, pageSize)   yield*: the SwapArea (the disk's size in page slots), or -errno
 *   SwapArea.alloc() / ref(slot) / unref(slot)   slots with a reference count (a COW page swapped out once)
 *   swapWrite(s, slot, bytes), swapRead(s, slot)   yield*: the transfer; OK / the page, or -errno
 */
import { CPF_READ, CPF_WRITE, EIO, ENOSPC, NONE, ENXIO, sendrec, type ActorContext, type Envelope, type KernelCall } from '../../kernel/index.js';
import { grantDirect, revoke } from '../../lib/grants.js';
import type { DevReply } from '../../drivers/disk/protocol.js';

type Gen<T> = Generator<KernelCall, T, any>;

/** A bound on slots (a 1 GiB swap disk at 4 KiB pages is 262144). */
export const MAX_SWAP_SLOTS = 1 << 20;

export class SwapArea {
  private readonly refs: Uint32Array;
  private hint = 0;
  used = 0;

  constructor(readonly driver: number, readonly slots: number, readonly pageSize: number) {
    this.refs = new Uint32Array(slots);
  }

  /** The lowest free slot at or after the last one taken (pages swapped out together lie together), or -1. */
  alloc(): number {
    for (let i = 0; i < this.slots; i++) {
      const slot = (this.hint + i) % this.slots;
      if (this.refs[slot] === 0) {
        this.refs[slot] = 1;
        this.hint = slot + 1;
        this.used++;
        return slot;
      }
    }
    return -1;
  }

  ref(slot: number): void {
    this.refs[slot]!++;
  }

  unref(slot: number): void {
    if (this.refs[slot] === 0) throw new Error(`swap slot ${slot} freed twice`);
    if (--this.refs[slot]! === 0) this.used--;
  }

  refCount(slot: number): number {
    return this.refs[slot]!;
  }
}

export function* openSwap(ctx: ActorContext, driverName: string, pageSize: number): Gen<SwapArea | number> {
  const driver = ctx.endpointOf(driverName);
  if (driver === NONE) return -ENXIO;
  const r: Envelope<DevReply> | number = yield sendrec(driver, { type: 'DEV_IOCTL', minor: 0, request: 'SIZE' });
  if (typeof r === 'number') return r;
  const bytes = r.data?.size ?? r.data?.bytes;
  if (r.status < 0 || typeof bytes !== 'number') return -EIO;
  const slots = Math.min(MAX_SWAP_SLOTS, Math.floor(bytes / pageSize));
  if (slots < 1) return -ENOSPC;
  return new SwapArea(driver, slots, pageSize);
}

function* transfer(swap: SwapArea, write: boolean, slot: number, buffer: Uint8Array): Gen<number> {
  const grant = yield* grantDirect(swap.driver, buffer, write ? CPF_READ : CPF_WRITE);
  if (grant < 0) return grant;
  try {
    const r: Envelope<DevReply> | number = yield sendrec(swap.driver, {
      type: write ? 'DEV_SCATTER' : 'DEV_GATHER', minor: 0,
      vector: [{ position: slot * swap.pageSize, grant, bytes: buffer.length }],
    });
    if (typeof r === 'number') return r;
    if (r.status < 0) return r.status;
    return r.done?.[0] === buffer.length ? 0 : -EIO;
  } finally {
    yield* revoke(grant);
  }
}

export function* swapWrite(swap: SwapArea, slot: number, bytes: Uint8Array): Gen<number> {
  return yield* transfer(swap, true, slot, bytes);
}

export function* swapRead(swap: SwapArea, slot: number): Gen<Uint8Array | number> {
  const buffer = new Uint8Array(swap.pageSize);
  const r = yield* transfer(swap, false, slot, buffer);
  return r < 0 ? r : buffer;
}
