/*
 * The bytes of a read or write: the FS's own buffer, or a grant made by the
 * caller, as MINIX's libfsdriver (struct fsdriver_data) hands rw_chunk.
 *   UserData                          a Uint8Array of the FS, or a GrantData { endpoint, grant, length }
 *   copyout(data, at, src, from, n)   FS bytes into data (fsdriver_copyout: sys_safecopyto for a grant)
 *   copyin(data, at, dst, to, n)      data's bytes into the FS (fsdriver_copyin: sys_safecopyfrom)
 *   zero(data, at, n)                 zeros into data (fsdriver_zero: a hole)
 *   copyinStaged(data, at, n, scratch)   data's bytes as a Uint8Array: a view of the FS's own, or copied into scratch
 * A failed safe copy (a bad or revoked grant) is EFAULT, as a bad buffer address is.
 */
import { EFAULT, errnoName, kernelCall, type Endpoint, type KernelCall } from '../../kernel/index.js';
import { FsError } from './errors.js';

export interface GrantData {
  readonly endpoint: Endpoint;
  readonly grant: number;
  readonly length: number;
}

export type UserData = Uint8Array | GrantData;

type Gen = Generator<KernelCall, void, any>;

function* safecopy(call: 'sys_safecopyto' | 'sys_safecopyfrom', data: GrantData, at: number, buffer: Uint8Array, bufferOffset: number, bytes: number): Gen {
  if (at + bytes > data.length) throw new FsError(EFAULT, `grant ${data.grant}: bytes ${at}..${at + bytes} past its ${data.length}`);
  const r = (yield kernelCall(call, { owner: data.endpoint, grant: data.grant, offset: at, buffer, bufferOffset, bytes })) as number;
  if (r < 0) throw new FsError(EFAULT, `${call} grant ${data.grant}: ${errnoName(r)}`);
}

export function* copyout(data: UserData, at: number, src: Uint8Array, from: number, bytes: number): Gen {
  if (data instanceof Uint8Array) data.set(src.subarray(from, from + bytes), at);
  else yield* safecopy('sys_safecopyto', data, at, src, from, bytes);
}

export function* copyin(data: UserData, at: number, dst: Uint8Array, to: number, bytes: number): Gen {
  if (data instanceof Uint8Array) dst.set(data.subarray(at, at + bytes), to);
  else yield* safecopy('sys_safecopyfrom', data, at, dst, to, bytes);
}

/**
 * The next `bytes` of data, fetched before the write touches the file: a bad
 * grant then fails with nothing allocated and no block half written.
 */
export function* copyinStaged(data: UserData, at: number, bytes: number, scratch: Uint8Array): Generator<KernelCall, Uint8Array, any> {
  if (data instanceof Uint8Array) return data.subarray(at, at + bytes);
  yield* safecopy('sys_safecopyfrom', data, at, scratch, 0, bytes);
  return scratch.subarray(0, bytes);
}

export function* zero(data: UserData, at: number, bytes: number): Gen {
  if (data instanceof Uint8Array) data.fill(0, at, at + bytes);
  else yield* safecopy('sys_safecopyto', data, at, new Uint8Array(bytes), 0, bytes);
}
