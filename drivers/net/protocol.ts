/*
 * The network driver's protocol (MINIX's dl_eth messages, DL_WRITEV_S and
 * DL_READV_S, reduced to one frame a message) and the frame on the wire.
 *   Frame            one IPv4 packet in an Ethernet frame: addresses, ports, TCP fields, payload
 *   DlWrite          INET -> driver: transmit this frame
 *   DlRecv           driver -> INET: a frame arrived
 *   frameBytes(f)    the frame's size on the wire (headers + payload)
 * Payload bytes travel as a string of char codes 0..255 (immutable, so the
 * wire can hand the same frame to the other host's card without a copy).
 */
import type { Message } from '../../kernel/index.js';

/** TCP flags, as in the TCP header. */
export const TH_SYN = 1;
export const TH_ACK = 2;
export const TH_FIN = 4;
export const TH_RST = 8;

export interface Frame {
  /** IPv4 addresses as 32-bit unsigned numbers. */
  readonly src: number;
  readonly dst: number;
  readonly proto: 'tcp' | 'udp';
  readonly sport: number;
  readonly dport: number;
  /** TCP: sequence and acknowledgement numbers, flags (TH_*); 0 for UDP. */
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  /** Payload, one char per byte. */
  readonly data: string;
  /** Labeled IPsec: the sender's security context carried by the security association (null: unlabeled). */
  readonly label: string | null;
}

export interface DlWrite extends Message { readonly type: 'DL_WRITE'; readonly frame: Frame }
export interface DlRecv extends Message { readonly type: 'DL_RECV'; readonly frame: Frame }

/** Ethernet (14) + IPv4 (20) + TCP (20) or UDP (8) headers. */
export function frameBytes(f: Frame): number {
  return 14 + 20 + (f.proto === 'tcp' ? 20 : 8) + f.data.length;
}

/** A dotted-quad address, for trace records and messages. */
export function ipText(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
}
