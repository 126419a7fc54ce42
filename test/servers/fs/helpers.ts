/*
 * Test helpers for the FS server: an in-memory block device that speaks the
 * FS's BlockDevice interface without yielding (so cache and allocator code
 * runs synchronously), with write and read faults and a request log.
 *   memDevice(bytes, blockSize)   the device; .requests logs every vectored transfer
 *   runSync(gen)                  run a generator that must not block
 */
import { EIO, type KernelCall } from '../../../kernel/index.js';
import type { IoVecElement } from '../../../drivers/disk/protocol.js';
import type { BlockDevice, TransferResult } from '../../../servers/fs/device.js';

export interface MemDevice extends BlockDevice {
  readonly bytes: Uint8Array;
  readonly requests: { write: boolean; blocks: number[] }[];
  readonly failWrite: Set<number>;
  readonly failRead: Set<number>;
}

export function memDevice(bytes: Uint8Array, blockSize: number): MemDevice {
  const dev: MemDevice = {
    bytes,
    requests: [],
    failWrite: new Set(),
    failRead: new Set(),
    // eslint-disable-next-line require-yield
    *transfer(write: boolean, vector: readonly IoVecElement[]): Generator<KernelCall, TransferResult, any> {
      dev.requests.push({ write, blocks: vector.map((v) => v.position / blockSize) });
      const done: number[] = vector.map(() => 0);
      for (let i = 0; i < vector.length; i++) {
        const { position, buffer } = vector[i]!;
        const block = Math.floor(position / blockSize);
        if ((write ? dev.failWrite : dev.failRead).has(block)) return { status: -EIO, done };
        if (write) bytes.set(buffer, position); else buffer.set(bytes.subarray(position, position + buffer.length));
        done[i] = buffer.length;
      }
      return { status: 0, done };
    },
    // eslint-disable-next-line require-yield
    *size() { return bytes.length; },
  };
  return dev;
}

export function runSync<T>(gen: Generator<KernelCall, T, any>): T {
  const step = gen.next();
  if (!step.done) throw new Error(`unexpected kernel call ${JSON.stringify(step.value)}`);
  return step.value;
}
