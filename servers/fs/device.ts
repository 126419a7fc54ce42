/*
 * The FS server's view of its block device: vectored transfers by message.
 *   BlockDevice       transfer(write, vector) -> { status, done[] }, a generator of kernel calls
 *   driverDevice(ep, minor)   the device behind a disk driver task (DEV_GATHER / DEV_SCATTER by sendrec)
 *   readBytes(dev, position, length)   one read outside the cache (the superblock at mount)
 * The FS never calls the driver's code: only the protocol in drivers/disk/protocol.ts.
 */
import { EIO, sendrec, type Endpoint, type Envelope, type KernelCall } from '../../kernel/index.js';
import type { DevReply, IoVecElement } from '../../drivers/disk/protocol.js';

export interface TransferResult {
  /** 0, or a negative errno (the first failed element's). */
  readonly status: number;
  /** Bytes moved per vector element. */
  readonly done: readonly number[];
}

export interface BlockDevice {
  transfer(write: boolean, vector: readonly IoVecElement[]): Generator<KernelCall, TransferResult, any>;
  /** Device size in bytes (DEV_IOCTL SIZE), or a negative errno. */
  size(): Generator<KernelCall, number, any>;
}

export function driverDevice(driver: Endpoint, minor = 0): BlockDevice {
  return {
    *transfer(write, vector) {
      const r: Envelope<DevReply> | number = yield sendrec(driver, { type: write ? 'DEV_SCATTER' : 'DEV_GATHER', minor, vector });
      if (typeof r === 'number') return { status: r < 0 ? r : -EIO, done: vector.map(() => 0) };
      if (r.type !== 'DEV_REPLY') return { status: -EIO, done: vector.map(() => 0) };
      return { status: r.status, done: r.done ?? vector.map(() => 0) };
    },
    *size() {
      const r: Envelope<DevReply> | number = yield sendrec(driver, { type: 'DEV_IOCTL', minor, request: 'SIZE' });
      if (typeof r === 'number') return r < 0 ? r : -EIO;
      if (r.status < 0) return r.status;
      const bytes = r.data?.size ?? r.data?.bytes;
      return typeof bytes === 'number' ? bytes : -EIO;
    },
  };
}

/** Read `length` bytes at `position`, bypassing the cache; a negative errno on failure. */
export function* readBytes(dev: BlockDevice, position: number, length: number): Generator<KernelCall, Uint8Array | number, any> {
  const buffer = new Uint8Array(length);
  const r = yield* dev.transfer(false, [{ position, buffer }]);
  if (r.status < 0) return r.status;
  if (r.done[0] !== length) return -EIO;
  return buffer;
}
