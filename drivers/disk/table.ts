/*
 * The disk driver's call table: one handler per request type, plus the
 * completion interrupt.
 *   DriverState                   what the handlers share: the device, the queue, the statistics
 *   diskCallTable(state)          DEV_OPEN, DEV_CLOSE, DEV_GATHER, DEV_SCATTER, DEV_IOCTL
 *   onInterrupt(state)            NOTIFY from HARDWARE: reply to the finished request, start the next
 *   validateDevRequest(m)         shape checks before dispatch (minor, vector)
 *   DmaPool                       the driver's DMA buffers, reused between requests (bounded)
 * Transfers are queued and answered from the interrupt handler, so while the
 * mechanism works the driver keeps receiving and the queue can fill. Data
 * moves through the caller's grants into and out of the driver's own DMA
 * buffers: one sys_vsafecopy for the whole vector before a write and after a
 * read (as MINIX's libblockdriver moves an iovec with sys_vsafecopy).
 */
import {
  CPF_READ, CPF_WRITE, EAGAIN, EINVAL, ENXIO, EROFS, HARDWARE, kernelCall, send, work,
  type ActorContext, type VsafecopyElement, type Endpoint, type Envelope, type KernelCall, type Message,
} from '../../kernel/index.js';
import type { CallTable, Handler } from '../../lib/server.js';
import { isInt } from '../../lib/server.js';
import type { OpenDisk } from './config.js';
import type { DiskDevice, DiskRequest } from './device.js';
import { capacityBytes } from './model.js';
import type { DevGather, DevIoctl, DevReply, DevScatter, IoVecElement } from './protocol.js';
import type { RequestQueue } from './queue.js';
import { statsRecord, type DiskStats } from './stats.js';
import { cylinderOf } from './timing.js';
import { planTransfer, type DmaElement } from './transfer.js';

/** MINIX's NR_IOREQS: the most elements one vectored request may carry. */
export const MAX_VECTOR = 64;
/** The largest element: the driver allocates a DMA buffer of this size for it. */
export const MAX_ELEMENT_BYTES = 64 * 1024;

/**
 * DMA buffers kept for reuse: a request takes one per element and gives them
 * back when it is answered (a fresh buffer per element was 128 MiB of garbage
 * per fs benchmark). A taken buffer is wholly overwritten before it is read:
 * by the caller's bytes (a write) or the image's (a read copies out only what moved).
 */
export class DmaPool {
  private readonly free = new Map<number, Uint8Array[]>();
  private kept = 0;
  constructor(readonly maxKept = 2 * MAX_VECTOR) {}

  take(bytes: number): Uint8Array {
    const spare = this.free.get(bytes)?.pop();
    if (spare === undefined) return new Uint8Array(bytes);
    this.kept--;
    return spare;
  }

  give(buffers: readonly { readonly buffer: Uint8Array }[]): void {
    for (const { buffer } of buffers) {
      if (this.kept >= this.maxKept) return;
      let list = this.free.get(buffer.length);
      if (list === undefined) this.free.set(buffer.length, list = []);
      list.push(buffer);
      this.kept++;
    }
  }
}

export interface DriverState {
  readonly ctx: ActorContext;
  readonly disk: OpenDisk;
  readonly device: DiskDevice;
  readonly queue: RequestQueue<DiskRequest>;
  readonly stats: DiskStats;
  readonly dma: DmaPool;
  nextSeq: number;
}

type Gen = Generator<KernelCall, Message | null, any>;

const ok = (): DevReply => ({ type: 'DEV_REPLY', status: 0 });

export function diskCallTable(state: DriverState): CallTable {
  const transfer = (write: boolean): Handler<DevGather | DevScatter> => function* (m): Gen {
    return yield* queueTransfer(state, m, write);
  };
  return {
    *DEV_OPEN(): Gen { return ok(); },
    *DEV_CLOSE(): Gen { return ok(); },
    DEV_GATHER: transfer(false),
    DEV_SCATTER: transfer(true),
    *DEV_IOCTL(m: Envelope<DevIoctl>): Gen { return ioctl(state, m); },
  };
}

function* queueTransfer(state: DriverState, m: Envelope<DevGather | DevScatter>, write: boolean): Gen {
  const { disk, stats, queue, device } = state;
  yield work(disk.cpu.requestNs);
  // A read-only image (opened O_RDONLY) refuses writes before they reach the mechanism.
  if (write && disk.image.readOnly === true) return { type: 'DEV_REPLY', status: -EROFS, done: m.vector.map(() => 0) } satisfies DevReply;
  if (write) stats.writesTotal++;
  else stats.readsTotal++;
  const done = m.vector.map(() => 0);
  const dma: DmaElement[] = [];
  for (const el of m.vector) dma.push({ position: el.position, buffer: state.dma.take(el.bytes) });
  if (write) {
    // The caller's bytes into the DMA buffers, the whole vector in one copy.
    const copies: VsafecopyElement[] = m.vector.map((el, i) => ({ access: CPF_READ, owner: m.source, grant: el.grant, offset: el.offset ?? 0, buffer: dma[i]!.buffer, bytes: el.bytes }));
    const r = (yield kernelCall('sys_vsafecopy', { vector: copies })) as number;
    if (r < 0) { state.dma.give(dma); return { type: 'DEV_REPLY', status: r, done } satisfies DevReply; }
  }
  const ops = planTransfer(dma, disk.image.sizeBytes, disk.model.sectorBytes);
  // Wholly past the end of the disk: nothing for the mechanism to do; a zero count, as at EOF.
  if (ops.length === 0) { state.dma.give(dma); return { type: 'DEV_REPLY', status: 0, done } satisfies DevReply; }
  const request: DiskRequest = {
    source: m.source, write, vector: dma, grants: m.vector, ops, done, status: 0,
    cylinder: cylinderOf(disk.model, ops[0]!.firstSector),
    seq: state.nextSeq++,
    causeId: state.ctx.causeId,
    arrivalNs: state.ctx.nowNs(),
    ...(typeof m.id === 'number' ? { id: m.id } : {}),
  };
  if (!queue.push(request)) { state.dma.give(dma); return { type: 'DEV_REPLY', status: -EAGAIN, done } satisfies DevReply; }
  stats.queueDepthMax = Math.max(stats.queueDepthMax, queue.length);
  if (!device.busy) startNext(state);
  return null;
}

function startNext(state: DriverState): void {
  if (state.device.poweredOff) return;
  const next = state.queue.next(state.device.headCyl);
  if (next !== undefined) state.device.start(next);
}

export function onInterrupt(state: DriverState): Handler {
  return function* (m): Gen {
    if (m.source !== HARDWARE) return null;
    const r = state.device.takeCompleted();
    if (r === null) return null;
    const { disk, stats } = state;
    const bytes = r.done.reduce((a, b) => a + b, 0);
    yield work(disk.cpu.interruptNs + Math.round((disk.cpu.copyNsPerKiB * bytes) / 1024));
    if (r.write) stats.bytesWrittenTotal += bytes;
    else stats.bytesReadTotal += bytes;
    if (r.status < 0) stats.errorsTotal++;
    // Start the next request before replying, so the mechanism does not wait on IPC.
    startNext(state);
    if (!r.write) yield* copyToCaller(r.source, r.vector, r.grants, r.done);
    state.dma.give(r.vector);
    yield send(r.source, { type: 'DEV_REPLY', status: r.status, done: r.done, ...(r.id !== undefined ? { id: r.id } : {}) } satisfies DevReply);
    return null;
  };
}

/** A finished read: the bytes that moved, from the DMA buffers to the caller's grants in one copy. A failed copy delivered nothing: every count is 0. */
function* copyToCaller(source: Endpoint, vector: readonly DmaElement[], grants: readonly IoVecElement[], done: number[]): Generator<KernelCall, void, any> {
  const copies: VsafecopyElement[] = [];
  for (let i = 0; i < vector.length; i++) {
    if (done[i] === 0) continue;
    copies.push({ access: CPF_WRITE, owner: source, grant: grants[i]!.grant, offset: grants[i]!.offset ?? 0, buffer: vector[i]!.buffer, bytes: done[i]! });
  }
  if (copies.length === 0) return;
  const r = (yield kernelCall('sys_vsafecopy', { vector: copies })) as number;
  if (r < 0) done.fill(0);
}

function ioctl(state: DriverState, m: Envelope<DevIoctl>): DevReply {
  const { disk } = state;
  const model = disk.model;
  switch (m.request) {
    case 'SIZE':
      return { type: 'DEV_REPLY', status: 0, data: { size: disk.image.sizeBytes } };
    case 'GEOMETRY':
      return {
        type: 'DEV_REPLY', status: 0,
        data: model.kind === 'rotating'
          ? { model: model.name, cylinders: model.cylinders, heads: model.heads, sectors: model.sectorsPerTrack, sectorBytes: model.sectorBytes, rpm: model.rpm, capacity: capacityBytes(model), size: disk.image.sizeBytes }
          : { model: model.name, sectorBytes: model.sectorBytes, size: disk.image.sizeBytes },
      };
    case 'STATISTICS':
      return { type: 'DEV_REPLY', status: 0, data: { ...statsRecord(state.stats), queued: state.queue.length, headCyl: state.device.headCyl } };
    default:
      return { type: 'DEV_REPLY', status: -EINVAL };
  }
}

/** An errno (> 0) for a malformed request, 0 if it may be dispatched. */
export function validateDevRequest(m: Envelope): number {
  if (m.type === 'NOTIFY') return 0;
  if (m.minor !== 0) return isInt(m.minor) ? ENXIO : EINVAL;
  if (m.type !== 'DEV_GATHER' && m.type !== 'DEV_SCATTER') return 0;
  const vector = m.vector;
  if (!Array.isArray(vector) || vector.length === 0 || vector.length > MAX_VECTOR) return EINVAL;
  for (const el of vector as unknown[]) {
    if (typeof el !== 'object' || el === null) return EINVAL;
    const { position, grant, offset, bytes } = el as { position: unknown; grant: unknown; offset?: unknown; bytes: unknown };
    if (!isInt(position) || position < 0 || !isInt(grant) || grant < 0) return EINVAL;
    if (offset !== undefined && (!isInt(offset) || offset < 0)) return EINVAL;
    if (!isInt(bytes) || bytes < 0 || bytes > MAX_ELEMENT_BYTES) return EINVAL;
  }
  return 0;
}
