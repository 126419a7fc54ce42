/*
 * The bytes of a read or write: the FS's own buffer, or a grant made by the
 * caller, as MINIX's libfsdriver (struct fsdriver_data) hands rw_chunk.
 *   UserData                          a Uint8Array of the FS, or a GrantData { endpoint, grant, length }
 *   copyout(data, at, src, from, n)   FS bytes into data (fsdriver_copyout: sys_safecopyto for a grant)
 *   copyin(data, at, dst, to, n)      data's bytes into the FS (fsdriver_copyin: sys_safecopyfrom)
 *   zero(data, at, n)                 zeros into data (fsdriver_zero: a hole)
 *   copyinStaged(data, at, n, scratch)   data's bytes as a Uint8Array: a view of the FS's own, or copied into scratch
 *   copyoutVector(data, pieces)       several FS buffers into data: one sys_vsafecopy for a grant (MINIX's do_vsafecopy)
 * A failed safe copy (a bad or revoked grant) is EFAULT, as a bad buffer address is.
 */
import { CPF_WRITE, EFAULT, errnoName, kernelCall, SCPVEC_NR, type Endpoint, type KernelCall, type VsafecopyElement } from '../../kernel/index.js';
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

/** One piece of a vectored copy out: `bytes` of `src` from `from`, to byte `at` of the caller's data. */
export interface CopyPiece {
  readonly at: number;
  readonly src: Uint8Array;
  readonly from: number;
  readonly bytes: number;
}

/** Pieces one vectored copy may carry (SCPVEC_NR). */
export const MAX_COPY_PIECES = SCPVEC_NR;

/** Several FS buffers into data in one sys_vsafecopy (at most MAX_COPY_PIECES): a failure (EFAULT) delivered none of them. */
export function* copyoutVector(data: UserData, pieces: readonly CopyPiece[]): Gen {
  if (pieces.length === 0) return;
  if (data instanceof Uint8Array) {
    for (const p of pieces) data.set(p.src.subarray(p.from, p.from + p.bytes), p.at);
    return;
  }
  if (pieces.length === 1) {
    const p = pieces[0]!;
    yield* safecopy('sys_safecopyto', data, p.at, p.src, p.from, p.bytes);
    return;
  }
  const vector: VsafecopyElement[] = new Array(pieces.length);
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (p.at + p.bytes > data.length) throw new FsError(EFAULT, `grant ${data.grant}: bytes ${p.at}..${p.at + p.bytes} past its ${data.length}`);
    vector[i] = { access: CPF_WRITE, owner: data.endpoint, grant: data.grant, offset: p.at, buffer: p.src, bufferOffset: p.from, bytes: p.bytes };
  }
  const r = (yield kernelCall('sys_vsafecopy', { vector })) as number;
  if (r < 0) throw new FsError(EFAULT, `sys_vsafecopy grant ${data.grant}: ${errnoName(r)}`);
}
