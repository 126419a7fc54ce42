/*
 * The block-device protocol between the FS server and a disk driver, after
 * MINIX's vectored device protocol (BDEV_OPEN, BDEV_GATHER, BDEV_SCATTER...).
 *   DevRequest   DEV_OPEN, DEV_CLOSE, DEV_GATHER, DEV_SCATTER, DEV_IOCTL
 *   DevReply     DEV_REPLY with a status and, for transfers, bytes per vector element
 * Positions are byte offsets; each vector element names a grant of the
 * caller's memory and a range in it (MINIX's iovec_s_t: iov_grant, iov_size,
 * plus an offset: several elements may share one grant): the driver
 * safe-copies out of it for SCATTER and into it for GATHER.
 * A transfer stops at the first failed element: `done[i]` tells how many
 * bytes of element i moved, so partial transfers are visible.
 */
import type { Message } from '../../kernel/index.js';

export interface IoVecElement {
  /** Byte offset on the device. */
  readonly position: number;
  /** The caller's grant to the driver: CPF_WRITE for GATHER (filled), CPF_READ for SCATTER (written out). */
  readonly grant: number;
  /** Where this element starts inside the grant (0 if absent): one grant may cover the whole vector. */
  readonly offset?: number;
  readonly bytes: number;
}

export interface DevOpen extends Message { readonly type: 'DEV_OPEN'; readonly minor: number }
export interface DevClose extends Message { readonly type: 'DEV_CLOSE'; readonly minor: number }
/** `id`: the caller's tag for an asynchronous request, echoed in the reply (MINIX's bdev_id_t of bdev_gather_asyn). */
export interface DevGather extends Message { readonly type: 'DEV_GATHER'; readonly minor: number; readonly vector: readonly IoVecElement[]; readonly id?: number }
export interface DevScatter extends Message { readonly type: 'DEV_SCATTER'; readonly minor: number; readonly vector: readonly IoVecElement[]; readonly id?: number }
export type IoctlRequest = 'GEOMETRY' | 'STATISTICS' | 'SIZE';
export interface DevIoctl extends Message { readonly type: 'DEV_IOCTL'; readonly minor: number; readonly request: IoctlRequest }

export type DevRequest = DevOpen | DevClose | DevGather | DevScatter | DevIoctl;

export interface DevReply extends Message {
  readonly type: 'DEV_REPLY';
  /** OK (0), or a negative errno (EIO for a failed element, EINVAL for a bad request). */
  readonly status: number;
  /** For GATHER/SCATTER: bytes transferred per vector element. */
  readonly done?: readonly number[];
  /** The request's `id`, when it had one. */
  readonly id?: number;
  /** For IOCTL: the answer (geometry, statistics, size in bytes). */
  readonly data?: Readonly<Record<string, number | string>>;
}
