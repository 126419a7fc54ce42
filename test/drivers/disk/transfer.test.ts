import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../../drivers/disk/faults.js';
import { memoryImage } from '../../../drivers/disk/image.js';
import { moveData, planTransfer, type TransferIo } from '../../../drivers/disk/transfer.js';

const el = (position: number, length: number) => ({ position, buffer: new Uint8Array(length) });

describe('planning a vectored request', () => {
  it('merges disk-contiguous elements into one mechanical operation', () => {
    const ops = planTransfer([el(1024, 1024), el(2048, 1024), el(8192, 1024)], 1 << 20, 512);
    expect(ops.map((o) => [o.firstSector, o.sectors, o.parts.map((p) => p.element)])).toEqual([[2, 4, [0, 1]], [16, 2, [2]]]);
  });

  it('covers whole sectors for an unaligned element', () => {
    const [op] = planTransfer([el(1000, 30)], 1 << 20, 512);
    expect([op!.firstSector, op!.sectors]).toEqual([1, 2]);
  });

  it('stops at the end of the disk, clipping the element that crosses it', () => {
    const ops = planTransfer([el(3072, 2048), el(5120, 1024)], 4096, 512);
    expect(ops).toHaveLength(1);
    expect(ops[0]!.parts).toEqual([{ element: 0, position: 3072, length: 1024 }]);
    expect(planTransfer([el(4096, 512)], 4096, 512)).toEqual([]);
  });
});

describe('moving the data', () => {
  const io = (write: boolean, vector: ReturnType<typeof el>[], bytes: Uint8Array, faults = new FaultInjector([])): TransferIo => ({
    write, vector, done: vector.map(() => 0), image: memoryImage(bytes), faults, blockSize: 1024, tearLeftBytes: Infinity, onFault: () => {},
  });

  it('reads a block-straddling element in one piece without faults', () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff);
    const x = io(false, [el(1000, 100)], bytes);
    expect(moveData(planTransfer(x.vector, 4096, 512)[0]!, x)).toBe('ok');
    expect(x.done).toEqual([100]);
    expect(x.vector[0]!.buffer[0]).toBe(1000 & 0xff);
  });

  it('stops at a bad block inside an element: a partial count for it, none after', () => {
    const bytes = new Uint8Array(8192).fill(7);
    const x = io(false, [el(0, 2048), el(2048, 1024)], bytes, new FaultInjector([{ kind: 'read-error', blocks: [1] }]));
    expect(moveData(planTransfer(x.vector, 8192, 512)[0]!, x)).toBe('error');
    expect(x.done).toEqual([1024, 0]);
    expect(x.vector[0]!.buffer[1023]).toBe(7);
    expect(x.vector[0]!.buffer[1024]).toBe(0);
  });
});
