/*
 * A vectored request as mechanical operations, and the data movement at the
 * end of each operation.
 *   planTransfer(vector, sizeBytes, sectorBytes)   runs of disk-contiguous elements, clipped at the end of the disk
 *   moveData(op, io)       copy one operation's bytes between buffers and the image, applying faults
 *   TransferOutcome        'ok' | 'error' (EIO on an element) | 'power-cut'
 *   DmaElement             one element in the driver's own memory (its DMA buffer)
 * A transfer stops at the first failed element (MINIX's rule); `done[i]`
 * counts the bytes of element i that moved, so a partial transfer shows.
 */
import type { DiskImage } from './image.js';
import type { FaultInjector } from './faults.js';

/**
 * One vector element as the hardware sees it: the driver's own buffer
 * (at_wini's DMA buffer), filled from the caller's grant before a write and
 * copied to it after a read.
 */
export interface DmaElement {
  readonly position: number;
  readonly buffer: Uint8Array;
}

/** A piece of one vector element inside an operation. */
export interface OpPart {
  readonly element: number;
  readonly position: number;
  readonly length: number;
}

/** One seek + rotate + transfer over consecutive sectors. */
export interface MechOp {
  readonly firstSector: number;
  readonly sectors: number;
  readonly parts: readonly OpPart[];
}

export function planTransfer(vector: readonly DmaElement[], sizeBytes: number, sectorBytes: number): MechOp[] {
  const ops: MechOp[] = [];
  let parts: OpPart[] = [];
  let start = 0;
  let end = 0;
  const flush = () => {
    if (parts.length === 0) return;
    const firstSector = Math.floor(start / sectorBytes);
    ops.push({ firstSector, sectors: Math.ceil(end / sectorBytes) - firstSector, parts });
    parts = [];
  };
  for (let i = 0; i < vector.length; i++) {
    const { position, buffer } = vector[i]!;
    // Past the end of the disk the transfer stops, as a read at EOF: a short count, not an error.
    if (position >= sizeBytes) break;
    const length = Math.min(buffer.length, sizeBytes - position);
    if (length === 0) continue;
    if (parts.length > 0 && position !== end) flush();
    if (parts.length === 0) start = position;
    parts.push({ element: i, position, length });
    end = position + length;
    if (length < buffer.length) break;
  }
  flush();
  return ops;
}

export type TransferOutcome = 'ok' | 'error' | 'power-cut';

export interface TransferIo {
  readonly write: boolean;
  readonly vector: readonly DmaElement[];
  readonly done: number[];
  readonly image: DiskImage;
  readonly faults: FaultInjector;
  readonly blockSize: number;
  /** Bytes of this write still allowed before a torn write cuts the power; Infinity if whole. */
  tearLeftBytes: number;
  /** Called when a fault fires, for the trace. */
  readonly onFault: (kind: string, block: number) => void;
}

export function moveData(op: MechOp, io: TransferIo): TransferOutcome {
  for (const part of op.parts) {
    const buffer = io.vector[part.element]!.buffer;
    const elementStart = io.vector[part.element]!.position;
    // Without block faults the part moves in one piece; with them, block by block.
    const step = io.faults.perBlock ? io.blockSize : Infinity;
    for (let pos = part.position, end = part.position + part.length; pos < end; ) {
      const next = Math.min(end, step === Infinity ? end : (Math.floor(pos / step) + 1) * step);
      const block = Math.floor(pos / io.blockSize);
      const slice = buffer.subarray(pos - elementStart, next - elementStart);
      if (io.write) {
        if (io.faults.writeFails(block)) { io.onFault('write-error', block); return 'error'; }
        if (slice.length > io.tearLeftBytes) {
          const kept = io.tearLeftBytes;
          io.image.write(pos, slice.subarray(0, kept));
          io.done[part.element]! += kept;
          io.onFault('torn-write', block);
          return 'power-cut';
        }
        io.image.write(pos, slice);
        io.tearLeftBytes -= slice.length;
        io.done[part.element]! += slice.length;
        if (io.faults.perBlock && io.faults.blockWritten()) { io.onFault('crash-after-writes', block); return 'power-cut'; }
      } else {
        if (io.faults.readFails(block)) { io.onFault('read-error', block); return 'error'; }
        io.image.read(pos, slice);
        io.done[part.element]! += slice.length;
      }
      pos = next;
    }
  }
  return 'ok';
}
