/*
 * Datagrams (UDP, as MINIX's inet udp.c): no connection, no retransmission,
 * a bounded queue of received datagrams per socket.
 *   udpSendto(st, s, p, addr, port, data)   one datagram; its length, or EMSGSIZE
 *   udpRecvfrom(st, s, p)                   the next datagram (cut to p.bytes) with its sender, or suspend
 *   udpInput(st, frame)                     a datagram from the wire: queued at its port, or dropped
 */
import { EMSGSIZE } from '../../kernel/index.js';
import type { Frame } from '../../drivers/net/protocol.js';
import { complete, emit, portKey, type InetState, type Pending, type Socket } from './socket.js';

/** Ethernet's MTU less the IPv4 and UDP headers: no fragmentation here. */
export const MAX_DATAGRAM_BYTES = 1472;
/** Datagrams a socket holds unread; more are dropped (as a full socket buffer does). */
export const MAX_QUEUED_DATAGRAMS = 64;

export function udpSendto(st: InetState, s: Socket, p: Pending, addr: number, port: number, data: string): void {
  if (data.length > MAX_DATAGRAM_BYTES) { complete(st, p, -EMSGSIZE); return; }
  emit(st, { src: st.addr, dst: addr, proto: 'udp', sport: s.lport, dport: port, seq: 0, ack: 0, flags: 0, data, label: s.context });
  complete(st, p, data.length);
}

export function udpRecvfrom(st: InetState, s: Socket, p: Pending): void {
  const d = s.dgrams.shift();
  if (d === undefined) { s.pendRecv = p; return; }
  const data = d.data.slice(0, p.bytes);
  complete(st, p, data.length, { data, addr: d.addr, port: d.port });
}

export function udpInput(st: InetState, f: Frame): void {
  const s = st.ports.get(portKey('dgram', f.dport));
  if (s === undefined || s.dgrams.length >= MAX_QUEUED_DATAGRAMS) return;
  s.peerLabel = f.label;
  s.dgrams.push({ addr: f.src, port: f.sport, data: f.data });
  const p = s.pendRecv;
  if (p !== null) {
    s.pendRecv = null;
    udpRecvfrom(st, s, p);
  }
}
