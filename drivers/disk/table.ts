/*
 * The disk driver's call table: one handler per request type, plus the
 * completion interrupt.
 *   DriverState                   what the handlers share: the device, the queue, the statistics
 *   diskCallTable(state)          DEV_OPEN, DEV_CLOSE, DEV_GATHER, DEV_SCATTER, DEV_IOCTL
 *   onInterrupt(state)            NOTIFY from HARDWARE: reply to the finished request, start the next
 *   validateDevRequest(m)         shape checks before dispatch (minor, vector)
 * Transfers are queued and answered from the interrupt handler, so while the
 * mechanism works the driver keeps receiving and the queue can fill.
 */
import {
  EAGAIN, EINVAL, ENXIO, EROFS, HARDWARE, send, work,
  type ActorContext, type Envelope, type KernelCall, type Message,
} from '../../kernel/index.js';
import type { CallTable, Handler } from '../../lib/server.js';
import { isInt } from '../../lib/server.js';
import type { OpenDisk } from './config.js';
import type { DiskDevice, DiskRequest } from './device.js';
import { capacityBytes } from './model.js';
import type { DevGather, DevIoctl, DevReply, DevScatter } from './protocol.js';
import type { RequestQueue } from './queue.js';
import { statsRecord, type DiskStats } from './stats.js';
import { cylinderOf } from './timing.js';
import { planTransfer } from './transfer.js';

/** MINIX's NR_IOREQS: the most elements one vectored request may carry. */
export const MAX_VECTOR = 64;

export interface DriverState {
  readonly ctx: ActorContext;
  readonly disk: OpenDisk;
  readonly device: DiskDevice;
  readonly queue: RequestQueue<DiskRequest>;
  readonly stats: DiskStats;
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
  const ops = planTransfer(m.vector, disk.image.sizeBytes, disk.model.sectorBytes);
  const done = m.vector.map(() => 0);
  // Wholly past the end of the disk: nothing for the mechanism to do; a zero count, as at EOF.
  if (ops.length === 0) return { type: 'DEV_REPLY', status: 0, done } satisfies DevReply;
  const request: DiskRequest = {
    source: m.source, write, vector: m.vector, ops, done, status: 0,
    cylinder: cylinderOf(disk.model, ops[0]!.firstSector),
    seq: state.nextSeq++,
    causeId: state.ctx.causeId,
    arrivalNs: state.ctx.nowNs(),
  };
  if (!queue.push(request)) return { type: 'DEV_REPLY', status: -EAGAIN, done } satisfies DevReply;
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
    yield send(r.source, { type: 'DEV_REPLY', status: r.status, done: r.done } satisfies DevReply);
    return null;
  };
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
    const { position, buffer } = el as { position: unknown; buffer: unknown };
    if (!isInt(position) || position < 0 || !(buffer instanceof Uint8Array)) return EINVAL;
  }
  return 0;
}
