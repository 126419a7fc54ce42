/*
 * The FS server's view of its block device: vectored transfers by message.
 *   BlockDevice       transfer(write, vector) -> { status, done[] }, a generator of kernel calls
 *   driverDevice(ep, minor, recovery?)   the device behind a disk driver task (DEV_GATHER / DEV_SCATTER by sendrec,
 *                     the vector's buffers granted to the driver for the request: one grant when they lie in
 *                     one memory, the cache's pool; after MINIX's libbdev bdev_vrdwt_setup);
 *                     with recovery, a request the driver died on is re-sent to its restarted instance
 *   sendrecRecovering(box, msg, recovery)   one such request (the mount's DEV_OPEN uses it too)
 *   readBytes(dev, position, length)   one read outside the cache (the superblock at mount)
 * The FS never calls the driver's code: only the protocol in drivers/disk/protocol.ts.
 */
import { EDEADSRCDST, EIO, NONE, sendrec, type Endpoint, type Envelope, type KernelCall, type Message } from '../../kernel/index.js';
import type { DevReply, IoVecElement } from '../../drivers/disk/protocol.js';
import { CPF_READ, CPF_WRITE, grantDirect, revoke } from '../../lib/grants.js';

/** One buffer of the FS (a cache block) and where on the device it goes. */
export interface BufferElement {
  readonly position: number;
  readonly buffer: Uint8Array;
}

export interface TransferResult {
  /** 0, or a negative errno (the first failed element's). */
  readonly status: number;
  /** Bytes moved per vector element. */
  readonly done: readonly number[];
}

export interface BlockDevice {
  transfer(write: boolean, vector: readonly BufferElement[]): Generator<KernelCall, TransferResult, any>;
  /** Device size in bytes (DEV_IOCTL SIZE), or a negative errno. */
  size(): Generator<KernelCall, number, any>;
}

/**
 * How the FS recovers from a driver's death, as MINIX 3's FS recovers block
 * drivers: a request that fails with EDEADSRCDST waits for the reincarnation
 * server to announce the driver's new endpoint (RS_WAIT_UP), then goes again.
 */
export interface DriverRecovery {
  /** The driver's name (RS's label for it). */
  readonly label: string;
  /** Endpoint of a live process by name (ctx.endpointOf). */
  readonly lookup: (name: string) => Endpoint;
  readonly rsName?: string;
}

/** Re-sends of one request before its EIO: RS gives up on a driver sooner (its restart limit). */
export const MAX_DRIVER_RETRIES = 8;

/**
 * sendrec to a driver; when it died (EDEADSRCDST), wait for RS to announce
 * its restarted instance and send again. The endpoint box follows the driver.
 */
export function* sendrecRecovering(
  box: { endpoint: Endpoint }, msg: Message, recovery?: DriverRecovery,
): Generator<KernelCall, Envelope<DevReply> | number, any> {
  return yield* recovering(box, function* () { return (yield sendrec(box.endpoint, msg)) as Envelope<DevReply> | number; }, recovery);
}

/** Run one attempt; while it fails with EDEADSRCDST, wait for RS to announce the driver's restart and go again. */
function* recovering(
  box: { endpoint: Endpoint }, attempt: () => Generator<KernelCall, Envelope<DevReply> | number, any>, recovery?: DriverRecovery,
): Generator<KernelCall, Envelope<DevReply> | number, any> {
  for (let retry = 0; ; retry++) {
    const r = yield* attempt();
    if (r !== -EDEADSRCDST || recovery === undefined || retry >= MAX_DRIVER_RETRIES) return r;
    const rs = recovery.lookup(recovery.rsName ?? 'rs');
    if (rs === NONE) return r;
    const up: Envelope<{ type: string; status: number; endpoint?: Endpoint }> | number =
      yield sendrec(rs, { type: 'RS_WAIT_UP', label: recovery.label, deadEndpoint: box.endpoint });
    if (typeof up === 'number' || up.status < 0 || typeof up.endpoint !== 'number') return r;
    box.endpoint = up.endpoint;
  }
}

/**
 * One vectored request with its buffers granted to the driver (CPF_WRITE to
 * fill them, CPF_READ to write them out) and revoked after, as libbdev's
 * bdev_vrdwt_setup/cleanup. MINIX grants each element; mksim grants the
 * span of memory that holds them (the cache's buffers are slices of one
 * pool), one grant per memory, each element an offset in it: the driver
 * then moves the whole vector with one sys_vsafecopy. The span may include
 * cache buffers outside the vector: the driver is a trusted system process
 * and copies only the ranges the vector names. A grant names the driver's
 * endpoint, so a retry to a restarted driver makes new ones.
 */
function* grantedTransfer(driver: Endpoint, type: 'DEV_GATHER' | 'DEV_SCATTER', minor: number, vector: readonly BufferElement[]): Generator<KernelCall, Envelope<DevReply> | number, any> {
  const access = type === 'DEV_GATHER' ? CPF_WRITE : CPF_READ;
  const grants: number[] = [];
  try {
    const granted: IoVecElement[] = new Array(vector.length);
    let i = 0;
    while (i < vector.length) {
      // Elements [i, j) share one memory: one grant over [lo, hi) of it.
      const memory = vector[i]!.buffer.buffer;
      let j = i;
      let lo = Infinity;
      let hi = 0;
      for (; j < vector.length && vector[j]!.buffer.buffer === memory; j++) {
        const b = vector[j]!.buffer;
        if (b.byteOffset < lo) lo = b.byteOffset;
        if (b.byteOffset + b.length > hi) hi = b.byteOffset + b.length;
      }
      const grant = yield* grantDirect(driver, new Uint8Array(memory, lo, hi - lo), access);
      if (grant < 0) return grant;
      grants.push(grant);
      for (let k = i; k < j; k++) {
        const el = vector[k]!;
        granted[k] = { position: el.position, grant, offset: el.buffer.byteOffset - lo, bytes: el.buffer.length };
      }
      i = j;
    }
    return (yield sendrec(driver, { type, minor, vector: granted })) as Envelope<DevReply> | number;
  } finally {
    for (const grant of grants) yield* revoke(grant);
  }
}

export function driverDevice(driver: Endpoint, minor = 0, recovery?: DriverRecovery): BlockDevice {
  const box = { endpoint: driver };
  const call = (msg: Message) => sendrecRecovering(box, msg, recovery);
  return {
    *transfer(write, vector) {
      const r = yield* recovering(box, () => grantedTransfer(box.endpoint, write ? 'DEV_SCATTER' : 'DEV_GATHER', minor, vector), recovery);
      if (typeof r === 'number') return { status: r < 0 ? r : -EIO, done: vector.map(() => 0) };
      if (r.type !== 'DEV_REPLY') return { status: -EIO, done: vector.map(() => 0) };
      return { status: r.status, done: r.done ?? vector.map(() => 0) };
    },
    *size() {
      const r = yield* call({ type: 'DEV_IOCTL', minor, request: 'SIZE' });
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
