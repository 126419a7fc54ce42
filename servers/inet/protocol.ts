/*
 * The INET server's protocol (MINIX's inet/lwip server), in two halves:
 *   FsSocket, FsSockcall   user -> FS: socket(2) and the calls on a socket descriptor
 *                          (the FS routes them to INET, as MINIX's VFS routes socket calls)
 *   InetRequest            FS -> INET: one call for a process, the close of a socket, or the
 *                          cancel of a call a signal interrupts
 *   InetDone               INET -> FS (senda): the call's outcome, when it completes
 *   SockOp, SockKind       the calls and the two kinds of socket (stream: TCP, dgram: UDP)
 * Data moves inline as a byte string (docs/network.md says why).
 */
import type { Endpoint, Message } from '../../kernel/index.js';

export type SockKind = 'stream' | 'dgram';
export type SockOp = 'socket' | 'bind' | 'listen' | 'accept' | 'connect' | 'send' | 'recv' | 'sendto' | 'recvfrom' | 'getpeercon';

/** Bytes one send or recv moves at most (a socket's buffers are as large). */
export const MAX_SOCK_IO_BYTES = 64 * 1024;

export interface FsSocket extends Message {
  readonly type: 'FS_SOCKET';
  readonly kind: SockKind;
}

export interface FsSockcall extends Message {
  readonly type: 'FS_SOCKCALL';
  readonly fd: number;
  readonly op: Exclude<SockOp, 'socket'>;
  /** bind, listen (backlog in `bytes`), connect, sendto: the port and address. */
  readonly port?: number;
  readonly addr?: number;
  /** send, sendto: the bytes; recv, recvfrom: how many at most. */
  readonly data?: string;
  readonly bytes?: number;
}

export interface InetCall extends Message {
  readonly type: 'INET_CALL';
  readonly op: SockOp;
  /** The process the call is for, its descriptor, its uid and security context (for MAC). */
  readonly proc: Endpoint;
  readonly fd: number;
  readonly uid: number;
  readonly context: string | null;
  /** The socket (-1 for op socket) and, for socket, its kind. */
  readonly sock: number;
  readonly kind?: SockKind;
  readonly port?: number;
  readonly addr?: number;
  readonly data?: string;
  readonly bytes?: number;
}

/** The last descriptor of a socket closed (close(2), exit): no reply. */
export interface InetClose extends Message {
  readonly type: 'INET_CLOSE';
  readonly sock: number;
}

/** A signal for a process whose call waits on socket `sock` (MINIX's SDEV_CANCEL): no reply of its own. */
export interface InetCancel extends Message {
  readonly type: 'INET_CANCEL';
  readonly proc: Endpoint;
  readonly sock: number;
}

export type InetRequest = InetCall | InetClose | InetCancel;

export interface InetDone extends Message {
  readonly type: 'INET_DONE';
  readonly op: SockOp;
  readonly proc: Endpoint;
  readonly fd: number;
  /** socket, accept: the new socket's id; send: bytes taken; recv: bytes; else 0; or -errno. */
  readonly status: number;
  readonly data?: string;
  /** recvfrom, accept: the peer's address and port. */
  readonly addr?: number;
  readonly port?: number;
  /** getpeercon: the peer's security context. */
  readonly context?: string;
}
